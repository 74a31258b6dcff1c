/*
 * The XS engine on the emulated ESP32-S3 (issue 18, item 4), milestone by milestone. Needs the S3
 * kit (MOODFACE_S3_KIT, default ../shared/s3-emulator) and its installed toolchain: without them the
 * build throws and every test here fails, loudly (never a skip).
 */
import { runXsOnS3, cpu0Instructions, type XsS3Result } from "../../tools/s3/xs/device-xs.js";
import { buildImage } from "../../tools/s3/xs/build.js";
import { existsSync } from "node:fs";

let result: XsS3Result | undefined;
let failure: unknown;

beforeAll(() => {
  try {
    result = runXsOnS3();
  } catch (e) {
    failure = e;
  }
}, 1800000);

function got(): XsS3Result {
  if (!result) throw failure instanceof Error ? failure : new Error(String(failure));
  return result;
}

describe("XS on the emulated ESP32-S3", () => {
  test("(1, 2) picolibc and the XS core link into one S3 image", () => {
    const r = got();
    expect(existsSync(r.image.elf)).toBe(true);
    expect(r.image.text).toBeGreaterThan(100000); // the XS core is there, not a stub
    expect(r.image.modules).toEqual(expect.arrayContaining(["/modules/emotion/engine.js", "/modules/face/animator.js", "/modules/display/ssd1306.js", "/tools/s3/xs/app.js"]));
  });

  test("(3) a script's print reaches the console", () => {
    expect(got().hello).toBe(true);
  });

  test("(4) the emotion engine steps on the S3 exactly as on the host, with instruction counts", () => {
    const e = got().engine;
    expect(e.acc).toBe(e.hostAcc);
    expect(e.instructionsPerStep).toBeGreaterThan(0);
    expect(e.quiet).toBeGreaterThan(0);
  });

  test("(5) animator and driver frames over the in-memory bus draw the host's face on the virtual panel", () => {
    const r = got();
    expect(r.frames.frames).toBeGreaterThan(0);
    expect(r.frames.bytes).toBe(r.frames.hostBytes);
    expect(r.shots.length).toBeGreaterThan(0);
    for (const s of r.shots) expect({ frame: s.frame, same: s.same }).toEqual({ frame: s.frame, same: true });
  });

  test("the XS heap figures are reported", () => {
    const h = got().heap;
    expect(h.realmSlots).toBeGreaterThan(0);
    expect(h.appPeakSlots).toBeGreaterThan(0);
    expect(h.end.slots).toBeLessThanOrEqual(h.end.maxSlots);
  });

  test("(5, morph) the animator morphs through the project's C reference decoder linked into the XS image", () => {
    got(); // the main run built picolibc and the XS objects
    const image = buildImage({ phase: 6 });
    const r = cpu0Instructions(image.elf);
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    expect({ status: r.status, last: lines[lines.length - 1] }).toEqual({ status: 0, last: "S3-XS-DONE" });
    const morph = JSON.parse(lines.find((l) => l.startsWith('FIG {"what":"morph"'))!.slice(4));
    expect(morph.latentSize).toBeGreaterThan(0);
    expect(morph.decodes).toBeGreaterThan(0);
    expect(morph.morphFrames).toBe(morph.decodes); // one decode per morph step, none failed
    expect(r.cpu0).toBeGreaterThan(0);
  }, 900000);
});
