/*
 * The frame pack (docs/formats/pack.md): keyframes, their index, and reserved sections for the latent
 * decoder, in one flash resource. This reader works in place on a Moddable Resource (a HostBuffer:
 * no copy), checks the header, the section table and every section's CRC-32 before using anything,
 * and reports the first problem found. It never throws on bad bytes: openPack() returns an error
 * and the caller falls back to the built-in faces.
 */
import { FRAME_BYTES, HEIGHT, WIDTH } from "../common/geometry.js";
import { crc32 } from "../common/crc32.js";
import { EMOTION_COUNT, INTENSITY_BANDS } from "../emotion/names.js";

export const PACK_MAGIC = 0x4b50464d; // "MFPK" read as a little-endian u32
export const PACK_VERSION = 1;
export const HEADER_BYTES = 16;
export const SECTION_ENTRY_BYTES = 16;
export const MAX_SECTIONS = 8;
export { FRAME_BYTES };
export const INDEX_RECORD_BYTES = 16;
/** Byte offsets of the fields of one INDX record (docs/formats/pack.md): the reader, the faces and the writer use these. */
export const RECORD = Object.freeze({ EMOTION: 0, BAND: 1, VARIANT: 2, VARIANT_PARAM: 3, NUANCE: 4, EYE_COUNT: 5, EYES: 6 });
/** Each eye box is [x0, y0, x1, y1], inclusive. */
export const EYE_BOX_BYTES = 4;
export const MAX_EYES = 2;
export const INDEX_HEADER_BYTES = 4;
export const FRAMES_HEADER_BYTES = 8;
export const NUANCE_ANY = 255;
export const VARIANT_BASE = 0;
/** Variants 1 (blink) and 2 (gaze) are reserved for drawn variants (docs/formats/pack.md). */
export const VARIANT_MAX = 2;
export const WORD_COUNT = 36;
export const LATENTS_HEADER_BYTES = 4;
export const MAX_LATENT = 16;
/** TEST: u16 dims, u16 reserved, u32 the frame's CRC-32, then the latent (docs/formats/pack.md). */
export const SELF_TEST_HEADER_BYTES = 8;

/** Section types as little-endian u32 of their four ASCII letters. */
export const SECTION = Object.freeze({
  INDEX: fourcc("INDX"),
  FRAMES: fourcc("FRMS"),
  MODEL: fourcc("MODL"),
  LATENTS: fourcc("LATN"),
  SELF_TEST: fourcc("TEST"),
});

export function fourcc(s: string): number {
  return (s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24)) >>> 0;
}

export function fourccName(v: number): string {
  return String.fromCharCode(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

/** A checked pack. Offsets are into `bytes`, which views the resource without copying. */
export interface Pack {
  readonly bytes: Uint8Array;
  readonly count: number;
  readonly indexOffset: number;
  readonly framesOffset: number;
  /** Reserved sections (empty until the decoder exists): offset and length, or -1 / 0. */
  readonly modelOffset: number;
  readonly modelLength: number;
  readonly latentsOffset: number;
  readonly latentsLength: number;
  /** The decoder's boot self-test (TEST), or -1 / 0 when the pack has none. */
  readonly selfTestOffset: number;
  readonly selfTestLength: number;
}

export type PackResult = { ok: true; pack: Pack } | { ok: false; error: string };

function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

function hex(v: number): string {
  return "0x" + (v >>> 0).toString(16).padStart(8, "0");
}

/** Checks and opens a pack held in `buffer` (ArrayBuffer or a Resource's HostBuffer). */
export function openPack(buffer: ArrayBufferLike, source = "pack"): PackResult {
  const b = new Uint8Array(buffer as ArrayBuffer);
  const fail = (why: string): PackResult => ({ ok: false, error: `${source}: ${why}` });
  if (b.length < HEADER_BYTES) return fail(`${b.length} bytes is too short for the ${HEADER_BYTES}-byte header`);
  if (u32(b, 0) !== PACK_MAGIC) return fail(`bad magic ${hex(u32(b, 0))}: not a moodface frame pack`);
  const version = u16(b, 4);
  if (version !== PACK_VERSION) return fail(`pack version ${version}; this firmware reads version ${PACK_VERSION}`);
  const sections = u16(b, 6);
  if (sections < 1 || sections > MAX_SECTIONS) return fail(`section count ${sections} (allowed 1 to ${MAX_SECTIONS})`);
  const total = u32(b, 8);
  if (total !== b.length) return fail(`header says ${total} bytes but there are ${b.length} (truncated or padded)`);
  const tableEnd = HEADER_BYTES + sections * SECTION_ENTRY_BYTES;
  if (tableEnd > b.length) return fail("the section table runs past the end");
  const headerCrc = crc32(b, HEADER_BYTES, tableEnd - HEADER_BYTES, crc32(b, 0, 12));
  if (headerCrc !== u32(b, 12)) return fail(`header failed its CRC (stored ${hex(u32(b, 12))}, computed ${hex(headerCrc)})`);

  let indexOffset = -1;
  let indexLength = 0;
  let framesOffset = -1;
  let framesLength = 0;
  let modelOffset = -1;
  let modelLength = 0;
  let latentsOffset = -1;
  let latentsLength = 0;
  let selfTestOffset = -1;
  let selfTestLength = 0;
  let previousEnd = tableEnd;
  for (let s = 0; s < sections; s++) {
    const e = HEADER_BYTES + s * SECTION_ENTRY_BYTES;
    const type = u32(b, e);
    const offset = u32(b, e + 4);
    const length = u32(b, e + 8);
    const name = fourccName(type);
    if ((offset & 3) !== 0) return fail(`section ${name} starts at ${offset}, not on a 4-byte boundary`);
    if (offset < previousEnd) return fail(`section ${name} at ${offset} overlaps what comes before it`);
    if (offset + length > b.length) return fail(`section ${name} (${offset}+${length}) runs past the end`);
    const c = crc32(b, offset, length);
    if (c !== u32(b, e + 12)) return fail(`section ${name} failed its CRC (stored ${hex(u32(b, e + 12))}, computed ${hex(c)})`);
    previousEnd = offset + length;
    if (type === SECTION.INDEX || type === SECTION.FRAMES || type === SECTION.MODEL || type === SECTION.LATENTS || type === SECTION.SELF_TEST) {
      const seen = type === SECTION.INDEX ? indexOffset : type === SECTION.FRAMES ? framesOffset : type === SECTION.MODEL ? modelOffset : type === SECTION.LATENTS ? latentsOffset : selfTestOffset;
      if (seen >= 0) return fail(`section ${name} appears twice`);
    }
    if (type === SECTION.INDEX) {
      indexOffset = offset;
      indexLength = length;
    } else if (type === SECTION.FRAMES) {
      framesOffset = offset;
      framesLength = length;
    } else if (type === SECTION.MODEL) {
      modelOffset = offset;
      modelLength = length;
    } else if (type === SECTION.LATENTS) {
      latentsOffset = offset;
      latentsLength = length;
    } else if (type === SECTION.SELF_TEST) {
      selfTestOffset = offset;
      selfTestLength = length;
    }
  }
  if (indexOffset < 0) return fail("no INDX section");
  if (framesOffset < 0) return fail("no FRMS section");

  if (indexLength < INDEX_HEADER_BYTES) return fail("section INDX is too short");
  const count = u16(b, indexOffset);
  if (count < 1) return fail("section INDX lists no keyframes");
  if (u16(b, indexOffset + 2) !== INDEX_RECORD_BYTES) return fail(`section INDX: record size ${u16(b, indexOffset + 2)}, expected ${INDEX_RECORD_BYTES}`);
  if (indexLength !== INDEX_HEADER_BYTES + count * INDEX_RECORD_BYTES) return fail(`section INDX: ${indexLength} bytes do not hold ${count} records`);
  for (let i = 0; i < count; i++) {
    const r = indexOffset + INDEX_HEADER_BYTES + i * INDEX_RECORD_BYTES;
    const where = `section INDX record ${i}`;
    if (b[r + RECORD.EMOTION] >= EMOTION_COUNT) return fail(`${where}: emotion ${b[r + RECORD.EMOTION]} (allowed 0 to ${EMOTION_COUNT - 1})`);
    if (b[r + RECORD.BAND] >= INTENSITY_BANDS) return fail(`${where}: intensity band ${b[r + RECORD.BAND]} (allowed 0 to ${INTENSITY_BANDS - 1})`);
    if (b[r + RECORD.VARIANT] > VARIANT_MAX) return fail(`${where}: variant ${b[r + RECORD.VARIANT]} (allowed 0 base, 1 blink, 2 gaze)`);
    const nuance = b[r + RECORD.NUANCE];
    if (nuance >= WORD_COUNT && nuance !== NUANCE_ANY) return fail(`${where}: nuance word ${nuance} (allowed 0 to ${WORD_COUNT - 1}, or ${NUANCE_ANY} for any)`);
    const eyes = b[r + RECORD.EYE_COUNT];
    if (eyes > MAX_EYES) return fail(`${where}: ${eyes} eyes (allowed 0 to ${MAX_EYES})`);
    for (let k = 0; k < eyes; k++) {
      const o = r + RECORD.EYES + k * EYE_BOX_BYTES;
      if (!(b[o] <= b[o + 2] && b[o + 2] < WIDTH && b[o + 1] <= b[o + 3] && b[o + 3] < HEIGHT)) return fail(`${where}: eye box ${k} is outside the ${WIDTH}x${HEIGHT} screen`);
    }
  }
  if (framesLength < FRAMES_HEADER_BYTES) return fail("section FRMS is too short");
  if (u16(b, framesOffset) !== count) return fail(`section FRMS holds ${u16(b, framesOffset)} frames but INDX lists ${count}`);
  if (u16(b, framesOffset + 2) !== 0) return fail(`section FRMS: encoding ${u16(b, framesOffset + 2)} (this firmware reads 0, raw)`);
  if (u32(b, framesOffset + 4) !== FRAME_BYTES) return fail(`section FRMS: ${u32(b, framesOffset + 4)}-byte frames (expected ${FRAME_BYTES})`);
  if (framesLength !== FRAMES_HEADER_BYTES + count * FRAME_BYTES) return fail(`section FRMS: ${framesLength} bytes do not hold ${count} frames`);
  if (latentsLength > 0) {
    if (latentsLength < LATENTS_HEADER_BYTES) return fail("section LATN is too short");
    const dims = u16(b, latentsOffset);
    if (dims < 1 || dims > MAX_LATENT) return fail(`section LATN: ${dims} dimensions (allowed 1 to ${MAX_LATENT})`);
    if (u16(b, latentsOffset + 2) !== count) return fail(`section LATN holds ${u16(b, latentsOffset + 2)} latents but INDX lists ${count}`);
    if (latentsLength !== LATENTS_HEADER_BYTES + count * (1 + dims)) return fail(`section LATN: ${latentsLength} bytes do not hold ${count} latents of ${dims}`);
    if (modelLength === 0) return fail("section LATN without a MODL section");
  }
  if (selfTestLength > 0) {
    if (latentsLength === 0) return fail("section TEST without a LATN section");
    if (selfTestLength < SELF_TEST_HEADER_BYTES) return fail("section TEST is too short");
    const dims = u16(b, selfTestOffset);
    if (dims !== u16(b, latentsOffset)) return fail(`section TEST: a latent of ${dims} values, LATN's have ${u16(b, latentsOffset)}`);
    if (u16(b, selfTestOffset + 2) !== 0) return fail(`section TEST: reserved field ${u16(b, selfTestOffset + 2)} (must be 0)`);
    if (selfTestLength !== SELF_TEST_HEADER_BYTES + dims) return fail(`section TEST: ${selfTestLength} bytes do not hold a latent of ${dims}`);
  }

  return {
    ok: true,
    pack: { bytes: b, count, indexOffset: indexOffset + INDEX_HEADER_BYTES, framesOffset: framesOffset + FRAMES_HEADER_BYTES, modelOffset, modelLength, latentsOffset, latentsLength, selfTestOffset, selfTestLength },
  };
}

/** Index fields of keyframe i. */
export function recordEmotion(p: Pack, i: number): number {
  return recordField(p, i, RECORD.EMOTION);
}
export function recordBand(p: Pack, i: number): number {
  return recordField(p, i, RECORD.BAND);
}
export function recordNuance(p: Pack, i: number): number {
  return recordField(p, i, RECORD.NUANCE);
}
/** Byte `field` (a RECORD offset) of keyframe i's index record. */
export function recordField(p: Pack, i: number, field: number): number {
  return p.bytes[p.indexOffset + i * INDEX_RECORD_BYTES + field];
}

/** Latent size of the pack's decoder, or 0 when the pack has none. */
export function latentSize(p: Pack): number {
  return p.latentsLength > 0 ? p.bytes[p.latentsOffset] | (p.bytes[p.latentsOffset + 1] << 8) : 0;
}

/** Copies keyframe i's latent into out; false when the pack has no latent for it. */
export function readLatent(p: Pack, i: number, out: Int8Array): boolean {
  const dims = latentSize(p);
  if (dims === 0) return false;
  const r = p.latentsOffset + LATENTS_HEADER_BYTES + i * (1 + dims);
  if (p.bytes[r] !== 1) return false;
  for (let k = 0; k < dims; k++) out[k] = (p.bytes[r + 1 + k] << 24) >> 24;
  return true;
}

/**
 * The decoder's boot self-test: copies its latent into `latent` (at least latentSize(p) long) and
 * returns the CRC-32 of the frame the host decoded from it, or -1 when the pack carries none.
 */
export function readSelfTest(p: Pack, latent: Int8Array): number {
  if (p.selfTestLength === 0) return -1;
  const dims = latentSize(p);
  const o = p.selfTestOffset + SELF_TEST_HEADER_BYTES;
  for (let k = 0; k < dims; k++) latent[k] = (p.bytes[o + k] << 24) >> 24;
  return u32(p.bytes, p.selfTestOffset + 4);
}
