/*
 * The simulator's saved state goes through the board's A/B store with CRC (modules/app/state-store.ts)
 * over a file standing in for its flash (tools/sim/flash-file.ts): the format round-trips, a flipped
 * bit anywhere in the file is refused with one line (250 random flips), and the robot saves and loads
 * through it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeFlash, encodeFlash, openStateFile, readStateFile } from "../../tools/sim/flash-file.js";
import { KEY_A, KEY_B } from "../../modules/app/state-store.js";
import { encodeSaved } from "../../modules/app/saved.js";
import { createSimHost } from "../../tools/sim/host.js";
import { Robot } from "../../modules/app/robot.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";

const open = (path: string, lines: string[]) => openStateFile(path, (m) => lines.push(m));

describe("the simulator's flash file", () => {
  test("round-trips its entries; a bad file names the byte at fault", () => {
    const m = new Map([
      [KEY_A, Uint8Array.from([1, 2, 3])],
      [KEY_B, new Uint8Array(0)],
    ]);
    const bytes = encodeFlash(m);
    expect(decodeFlash(bytes)).toEqual(m);
    expect(decodeFlash(bytes.slice(0, bytes.length - 1))).toMatch(/^byte \d+: key length|^bytes \d+-\d+: value length/);
    expect(decodeFlash(Uint8Array.from([0x6d, 0x66, 0x6b, 0x77]))).toBe('bytes 0-3: not a moodface flash file (expected "mfkv")');
  });

  test("250 random bit flips of a saved state are all refused, each with one line", () => {
    const dir = tempDir();
    const path = join(dir, "state.bin");
    const payload = encodeSaved("default", Int32Array.from([100, 200, 300, 400, 500, 600]));
    expect(open(path, []).save(payload)).toBe(true);
    const good = readFileSync(path);
    const lines: string[] = [];
    expect(open(path, lines).load()).toEqual(payload);
    expect(lines).toEqual([]);
    // A seeded generator: the same 250 flips every run.
    let seed = 20;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    let refused = 0;
    for (let i = 0; i < 250; i++) {
      const bad = Buffer.from(good);
      const bit = rand(bad.length * 8);
      bad[bit >> 3] ^= 1 << (bit & 7);
      writeFileSync(path, bad);
      const said: string[] = [];
      const loaded = open(path, said).load();
      if (loaded === undefined && said.length === 1 && said[0].endsWith("\n") && !said[0].slice(0, -1).includes("\n")) refused++;
    }
    expect(refused).toBe(250);
  });

  test("with both records saved, a flipped bit falls back to the other, whole record, never a changed one", () => {
    const path = join(tempDir(), "state.bin");
    const a = encodeSaved("default", Int32Array.from([1, 2, 3, 4, 5, 6]));
    const b = encodeSaved("default", Int32Array.from([7, 8, 9, 10, 11, 12]));
    const s = open(path, []);
    s.save(a);
    s.save(b);
    const good = readFileSync(path);
    for (let bit = 0; bit < good.length * 8; bit += 7) {
      const bad = Buffer.from(good);
      bad[bit >> 3] ^= 1 << (bit & 7);
      writeFileSync(path, bad);
      const loaded = open(path, []).load();
      expect(loaded === undefined || Buffer.from(loaded).equals(Buffer.from(a)) || Buffer.from(loaded).equals(Buffer.from(b))).toBe(true);
    }
  });

  test("a bare payload from an older simulator is read once and migrated into the flash file", () => {
    const path = join(tempDir(), "state.bin");
    const payload = encodeSaved("cheerful", Int32Array.from([9, 8, 7, 6, 5, 4]));
    writeFileSync(path, payload);
    expect(readStateFile(path)).toEqual(payload);
    const migrated = decodeFlash(new Uint8Array(readFileSync(path)));
    expect(migrated instanceof Map && [...migrated.keys()]).toEqual([KEY_A]);
    expect(readStateFile(path)).toEqual(payload);
  });

  test("the robot saves through it and comes back with its levels", () => {
    const stateFile = join(tempDir(), "state.bin");
    const host = () => createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile, now: () => 0, trace: () => {}, noDecoder: true });
    const r1 = new Robot(host());
    r1.save(0);
    expect(decodeFlash(new Uint8Array(readFileSync(stateFile)))).toBeInstanceOf(Map);
    const levels = Array.from(r1.engine.state.levels);
    const r2 = new Robot(host());
    expect(Array.from(r2.engine.state.levels)).toEqual(levels);
  });
});
