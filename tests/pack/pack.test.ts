import { readFileSync } from "node:fs";
import CRC32 from "crc-32";
import { crc32 } from "../../modules/common/crc32.js";
import { FRAME_BYTES, SECTION, SECTION_ENTRY_BYTES, HEADER_BYTES, latentSize, openPack, readLatent, readSelfTest, recordBand, recordEmotion, recordNuance } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { latentsSection, writePack, type PackEntry } from "../../tools/faces/pack-writer.js";
import { selfTestLatent, selfTestSection } from "../../tools/faces/self-test.js";
import { hostDecoder } from "../../tools/decoder/native.js";
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

  test("TEST round trip: the writer stores the CRC of the frame the host decodes for the fixed latent; a damaged value or shape is rejected", () => {
    const shipped = openPack(buf(new Uint8Array(readFileSync("frames/frames.bin"))), "frames.bin");
    if (!shipped.ok) throw new Error(shipped.error);
    const p = shipped.pack;
    const model = p.bytes.slice(p.modelOffset, p.modelOffset + p.modelLength);
    const latents = p.bytes.slice(p.latentsOffset, p.latentsOffset + p.latentsLength);
    const dims = latentSize(p);
    const entries: PackEntry[] = [];
    for (let i = 0; i < p.count; i++) entries.push({ emotion: recordEmotion(p, i), band: recordBand(p, i), frame: p.bytes.slice(p.framesOffset + i * FRAME_BYTES, p.framesOffset + (i + 1) * FRAME_BYTES) });
    const bytes = writePack({ entries, model, latents });
    const r = openPack(buf(bytes), "t.bin");
    if (!r.ok) throw new Error(r.error);
    // The fixed latent: the midpoint of the first two keyframe latents, decoded here independently.
    const a = new Int8Array(dims);
    const b = new Int8Array(dims);
    expect(readLatent(r.pack, 0, a) && readLatent(r.pack, 1, b)).toBe(true);
    const latent = new Int8Array(16);
    const stored = readSelfTest(r.pack, latent);
    expect(Array.from(latent.subarray(0, dims))).toEqual(Array.from(a, (v, k) => Math.floor((v + b[k]) / 2)));
    const frame = new Uint8Array(FRAME_BYTES);
    expect(hostDecoder(model, dims).decode(latent.subarray(0, dims), frame)).toBe(true);
    expect(frame.some((v) => v !== 0)).toBe(true); // a face, not a blank frame that any broken decoder could match
    expect(stored).toBe(CRC32.buf(frame) >>> 0);
    expect(stored).toBe(crc32(frame));
    // The shipped pack carries the same test (regenerated with moodface pack).
    expect(readSelfTest(p, new Int8Array(16))).toBe(stored);

    // One flipped bit of the stored CRC: the section's own CRC catches it when the bytes are damaged...
    const t = (() => {
      for (let s = 0; s < 8; s++) {
        const e = HEADER_BYTES + s * SECTION_ENTRY_BYTES;
        if ((bytes[e] | (bytes[e + 1] << 8) | (bytes[e + 2] << 16) | (bytes[e + 3] << 24)) >>> 0 === SECTION.SELF_TEST) return bytes[e + 4] | (bytes[e + 5] << 8) | (bytes[e + 6] << 16);
      }
      throw new Error("no TEST section");
    })();
    const damaged = bytes.slice();
    damaged[t + 4] ^= 1;
    const d = openPack(buf(damaged), "t.bin");
    expect(d.ok ? "" : d.error).toMatch(/^t\.bin: section TEST failed its CRC \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$/);
    // ...and a section written with a wrong value opens, and carries that value for boot to catch (tests/app/boot.test.ts).
    const wrong = openPack(buf(writePack({ entries, model, latents, selfTest: selfTestSection(latent.subarray(0, dims), stored ^ 1) })), "w.bin");
    if (!wrong.ok) throw new Error(wrong.error);
    expect(readSelfTest(wrong.pack, new Int8Array(16))).toBe((stored ^ 1) >>> 0);
    // Shape errors name the field.
    const short = openPack(buf(writePack({ entries, model, latents, selfTest: selfTestSection([1, 2, 3], stored) })), "s.bin");
    expect(short.ok ? "" : short.error).toBe(`s.bin: section TEST: a latent of 3 values, LATN's have ${dims}`);
    const orphan = openPack(buf(writePack({ entries, selfTest: selfTestSection(latent.subarray(0, dims), stored) })), "o.bin");
    expect(orphan.ok ? "" : orphan.error).toBe("o.bin: section TEST without a LATN section");
    // No model, or one the host cannot load: no TEST section (the firmware refuses such a model anyway).
    const none = openPack(buf(writePack({ entries: entries.slice(0, 2), model: new Uint8Array(64), latents: latentsSection(dims, [a, b]) })), "n.bin");
    if (!none.ok) throw new Error(none.error);
    expect(none.pack.selfTestLength).toBe(0);
    expect(readSelfTest(none.pack, latent)).toBe(-1);
    expect(selfTestLatent(latentsSection(2, [undefined, [4, -6]]))).toEqual(Int8Array.from([4, -6]));
    expect(selfTestLatent(latentsSection(2, [undefined, undefined]))).toBeUndefined();
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
