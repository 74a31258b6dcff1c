/*
 * Writes frame packs (docs/formats/pack.md); the firmware's reader is modules/pack/pack.ts.
 * CRCs come from the crc-32 package, so reader and writer are checked against each other.
 */
import CRC32 from "crc-32";
import { EYE_BOX_BYTES, FRAME_BYTES, FRAMES_HEADER_BYTES, HEADER_BYTES, INDEX_HEADER_BYTES, INDEX_RECORD_BYTES, NUANCE_ANY, PACK_MAGIC, PACK_VERSION, RECORD, SECTION, SECTION_ENTRY_BYTES, VARIANT_BASE } from "../../modules/pack/pack.js";

/** LATN: [u16 dims, u16 count, then per keyframe (index order) a present flag and dims int8]. */
export function latentsSection(dims: number, perEntry: readonly (ArrayLike<number> | undefined)[]): Uint8Array {
  const out = new Uint8Array(4 + perEntry.length * (1 + dims));
  const v = new DataView(out.buffer);
  v.setUint16(0, dims, true);
  v.setUint16(2, perEntry.length, true);
  perEntry.forEach((z, i) => {
    const r = 4 + i * (1 + dims);
    if (!z) return;
    if (z.length !== dims) throw new RangeError(`latent ${i} has ${z.length} values, expected ${dims}`);
    out[r] = 1;
    for (let k = 0; k < dims; k++) out[r + 1 + k] = z[k] & 0xff;
  });
  return out;
}

export interface PackEntry {
  emotion: number;
  band: number;
  frame: Uint8Array;
  variant?: number;
  variantParam?: number;
  /** Feeling Wheel word index this keyframe is for, or undefined for any. */
  nuance?: number;
  /** Up to two eye boxes [x0, y0, x1, y1] for blinks and saccades. */
  eyes?: number[][];
}

export interface PackContents {
  entries: PackEntry[];
  /** The latent decoder: a .tflite model and int8 keyframe latents. */
  model?: Uint8Array;
  latents?: Uint8Array;
}

const crc = (b: Uint8Array) => CRC32.buf(b) >>> 0;
const align4 = (n: number) => (n + 3) & ~3;
/* A non-empty MODL starts 16-byte aligned in the pack (docs/formats/pack.md): with board_layout.py's
 * 16-byte aligned buffers, the weights are 16-byte aligned wherever the pack itself is, which ESP-NN's
 * fast paths want. An empty one stays where it is (no padding at the end of a pack without a model). */
const align16 = (n: number) => (n + 15) & ~15;

export function writePack(c: PackContents): Uint8Array {
  const n = c.entries.length;
  if (n < 1 || n > 65535) throw new RangeError(`a pack holds 1 to 65535 keyframes, not ${n}`);
  const index = new Uint8Array(INDEX_HEADER_BYTES + n * INDEX_RECORD_BYTES);
  const iv = new DataView(index.buffer);
  iv.setUint16(0, n, true);
  iv.setUint16(2, INDEX_RECORD_BYTES, true);
  const frames = new Uint8Array(FRAMES_HEADER_BYTES + n * FRAME_BYTES);
  const fv = new DataView(frames.buffer);
  fv.setUint16(0, n, true);
  fv.setUint16(2, 0, true);
  fv.setUint32(4, FRAME_BYTES, true);
  c.entries.forEach((e, i) => {
    if (e.frame.length !== FRAME_BYTES) throw new RangeError(`keyframe ${i}: ${e.frame.length} bytes, expected ${FRAME_BYTES}`);
    const r = INDEX_HEADER_BYTES + i * INDEX_RECORD_BYTES;
    index[r + RECORD.EMOTION] = e.emotion;
    index[r + RECORD.BAND] = e.band;
    index[r + RECORD.VARIANT] = e.variant ?? VARIANT_BASE;
    index[r + RECORD.VARIANT_PARAM] = e.variantParam ?? 0;
    index[r + RECORD.NUANCE] = e.nuance ?? NUANCE_ANY;
    const eyes = e.eyes ?? [];
    index[r + RECORD.EYE_COUNT] = eyes.length;
    eyes.forEach((box, k) => box.forEach((v, j) => (index[r + RECORD.EYES + k * EYE_BOX_BYTES + j] = v)));
    frames.set(e.frame, FRAMES_HEADER_BYTES + i * FRAME_BYTES);
  });
  const sections: [number, Uint8Array][] = [
    [SECTION.INDEX, index],
    [SECTION.FRAMES, frames],
    [SECTION.MODEL, c.model ?? new Uint8Array(0)],
    [SECTION.LATENTS, c.latents ?? new Uint8Array(0)],
  ];
  let offset = align4(HEADER_BYTES + sections.length * SECTION_ENTRY_BYTES);
  const placed = sections.map(([type, data]) => {
    const at = type === SECTION.MODEL && data.length ? align16(offset) : offset;
    offset = align4(at + data.length);
    return { type, data, at };
  });
  const total = placed.length ? Math.max(...placed.map((p) => p.at + p.data.length)) : offset;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, PACK_MAGIC, true);
  v.setUint16(4, PACK_VERSION, true);
  v.setUint16(6, sections.length, true);
  v.setUint32(8, total, true);
  placed.forEach((p, s) => {
    const e = HEADER_BYTES + s * SECTION_ENTRY_BYTES;
    v.setUint32(e, p.type, true);
    v.setUint32(e + 4, p.at, true);
    v.setUint32(e + 8, p.data.length, true);
    v.setUint32(e + 12, crc(p.data), true);
    out.set(p.data, p.at);
  });
  const headerAndTable = new Uint8Array(12 + sections.length * SECTION_ENTRY_BYTES);
  headerAndTable.set(out.subarray(0, 12), 0);
  headerAndTable.set(out.subarray(HEADER_BYTES, HEADER_BYTES + sections.length * SECTION_ENTRY_BYTES), 12);
  v.setUint32(12, crc(headerAndTable), true);
  return out;
}
