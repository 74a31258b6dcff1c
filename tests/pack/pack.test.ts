import { readFileSync } from "node:fs";
import CRC32 from "crc-32";
import { crc32 } from "../../modules/common/crc32.js";
import { latentSize, openPack, readLatent, recordBand, recordEmotion, recordNuance } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { latentsSection, writePack, type PackEntry } from "../../tools/faces/pack-writer.js";
import { random, randomFrame } from "../helpers/panel.js";

const buf = (u: Uint8Array) => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength);

function smallPack(): { bytes: Uint8Array; entries: PackEntry[] } {
  const rand = random(3);
  const entries: PackEntry[] = [
    { emotion: 2, band: 1, frame: randomFrame(rand), eyes: [[10, 12, 40, 40], [80, 12, 110, 40]] },
    { emotion: 7, band: 0, frame: randomFrame(rand), nuance: 20 },
  ];
  return { bytes: writePack({ entries }), entries };
}

describe("frame pack", () => {
  test("the firmware's CRC-32 equals the crc-32 package's", () => {
    const rand = random(9);
    for (let n = 0; n < 200; n++) {
      const b = randomFrame(rand, n * 7);
      expect(crc32(b)).toBe(CRC32.buf(b) >>> 0);
    }
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  test("round trip: written entries read back the same", () => {
    const { bytes, entries } = smallPack();
    const r = openPack(buf(bytes), "small.bin");
    if (!r.ok) throw new Error(r.error);
    expect(r.pack.count).toBe(2);
    const faces = new PackFaces(r.pack);
    const frame = new Uint8Array(1024);
    const eyes = new Int16Array(8);
    entries.forEach((e, i) => {
      expect([recordEmotion(r.pack, i), recordBand(r.pack, i), recordNuance(r.pack, i)]).toEqual([e.emotion, e.band, e.nuance ?? 255]);
      faces.copyFrame(i, frame);
      expect(Buffer.from(frame).equals(Buffer.from(e.frame))).toBe(true);
      const n = faces.eyes(i, eyes);
      expect(Array.from(eyes.subarray(0, n * 4))).toEqual((e.eyes ?? []).flat());
    });
    expect(r.pack.modelLength).toBe(0);
    expect(r.pack.latentsLength).toBe(0);
  });

  test("every single-bit flip is detected, and nothing throws", () => {
    const { bytes } = smallPack();
    let detected = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const c = bytes.slice();
        c[i] ^= 1 << bit;
        const r = openPack(buf(c), "c.bin");
        if (!r.ok) detected++;
      }
    }
    expect(detected).toBe(bytes.length * 8);
  });

  test("truncation at every offset is detected", () => {
    const { bytes } = smallPack();
    for (let n = 0; n < bytes.length; n++) expect(openPack(buf(bytes.subarray(0, n)), "t.bin").ok).toBe(false);
  });

  test("errors name the section that failed", () => {
    const { bytes } = smallPack();
    const c = bytes.slice();
    c[bytes.length - 1] ^= 0x10; // inside the frames
    const r = openPack(buf(c), "frames.bin");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^frames\.bin: section FRMS failed its CRC \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$/);
    const d = bytes.slice();
    d[0] = 0;
    const q = openPack(buf(d), "x.bin");
    if (!q.ok) expect(q.error).toContain("bad magic");
  });

  test("model and latents round trip through MODL and LATN; a latent section without a model is rejected", () => {
    const rand = random(21);
    const entries: PackEntry[] = [
      { emotion: 0, band: 0, frame: randomFrame(rand) },
      { emotion: 1, band: 2, frame: randomFrame(rand) },
    ];
    const model = randomFrame(rand, 333);
    const bytes = writePack({ entries, model, latents: latentsSection(4, [[1, -2, 3, -128], undefined]) });
    const r = openPack(buf(bytes), "d.bin");
    if (!r.ok) throw new Error(r.error);
    expect(Buffer.from(r.pack.bytes.subarray(r.pack.modelOffset, r.pack.modelOffset + r.pack.modelLength)).equals(Buffer.from(model))).toBe(true);
    // MODL on a 16-byte boundary (docs/formats/pack.md: the model's 16-byte aligned buffers stay aligned).
    expect(r.pack.modelOffset % 16).toBe(0);
    for (const n of [1, 2]) {
      // 1 and 2 keyframes end FRMS 12 and 4 bytes past a 16-byte boundary.
      const many = Array.from({ length: n }, (_, i) => ({ emotion: i % 8, band: 0, frame: randomFrame(rand) }));
      const p = openPack(buf(writePack({ entries: many, model })), "o.bin");
      if (!p.ok) throw new Error(p.error);
      expect(p.pack.modelOffset % 16).toBe(0);
    }
    expect(latentSize(r.pack)).toBe(4);
    const z = new Int8Array(4);
    expect(readLatent(r.pack, 0, z)).toBe(true);
    expect(Array.from(z)).toEqual([1, -2, 3, -128]);
    expect(readLatent(r.pack, 1, z)).toBe(false);
    const noModel = openPack(buf(writePack({ entries, latents: latentsSection(4, [undefined, undefined]) })), "e.bin");
    expect(noModel.ok).toBe(false);
    if (!noModel.ok) expect(noModel.error).toContain("LATN without a MODL");
  });

  test("the shipped pack opens and holds every emotion at three intensities", () => {
    const b = new Uint8Array(readFileSync("frames/frames.bin"));
    const r = openPack(buf(b), "frames.bin");
    if (!r.ok) throw new Error(r.error);
    const seen = new Set<string>();
    for (let i = 0; i < r.pack.count; i++) seen.add(`${recordEmotion(r.pack, i)}-${recordBand(r.pack, i)}`);
    expect(seen.size).toBe(24);
  });
});
