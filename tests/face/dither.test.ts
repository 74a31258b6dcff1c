/*
 * One ordered-dither matrix: the animator's crossfades and the 1-bit conversion use BAYER4 from
 * modules/face/raster.ts; the native decoder's dithered output (native/decoder/model.c) keeps its
 * own C copy. Run for real on sixteen flat grey levels, the C decoder must lay its ink exactly where
 * raster.ts's matrix says: a pixel is lit at level k when its threshold is at most k.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { BAYER4 } from "../../modules/face/raster.js";
import { FRAME_BYTES, HEIGHT, WIDTH } from "../../modules/common/geometry.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";

describe("the Bayer matrix of the C decoder is raster.ts's", () => {
  test("sixteen grey levels: the same ink, pixel for pixel", () => {
    const exe = join(tempDir("dither-"), "dither");
    const cc = spawnSync("cc", ["-std=c99", "-O1", "-Wall", "-Werror", "-o", exe, join(REPO_ROOT, "tests", "face", "dither_main.c"), join(REPO_ROOT, "native", "decoder", "model.c"), "-lm"], { encoding: "utf8" });
    expect([cc.status, cc.stderr]).toEqual([0, ""]);
    const out = spawnSync(exe, [], { maxBuffer: 1 << 20 });
    expect(out.status).toBe(0);
    expect(out.stdout.length).toBe(16 * FRAME_BYTES);
    for (let k = 0; k < 16; k++) {
      const frame = out.stdout.subarray(k * FRAME_BYTES, (k + 1) * FRAME_BYTES);
      let wrong = 0;
      for (let y = 0; y < HEIGHT; y++)
        for (let x = 0; x < WIDTH; x++) {
          const lit = (frame[(y >> 3) * WIDTH + x] >> (y & 7)) & 1;
          const want = BAYER4[(y & 3) * 4 + (x & 3)] <= k ? 1 : 0;
          if (lit !== want) wrong++;
        }
      expect([k, wrong]).toEqual([k, 0]);
    }
  });
});
