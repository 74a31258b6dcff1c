/*
 * The decoder's boot self-test (TEST section, docs/formats/pack.md): a fixed latent and the CRC-32
 * of the frame the host's C reference backend decodes from it. The firmware decodes the same latent
 * at boot and compares: a miscompiled or mislinked decoder on a real board shows up the first time
 * it runs, and the robot crossfades instead of morphing garbage. Computed here from whatever model
 * is packed, so a retrained or re-laid-out model carries a CRC that matches it.
 */
import CRC32 from "crc-32";
import { FRAME_BYTES, LATENTS_HEADER_BYTES, SELF_TEST_HEADER_BYTES } from "../../modules/pack/pack.js";
import { hostDecoder } from "../decoder/native.js";

/**
 * The fixed latent of a LATN section: the midpoint (floor of the mean) of its first two present
 * keyframe latents, a frame the morph really shows; the one latent when there is only one; undefined
 * when there is none.
 */
export function selfTestLatent(latents: Uint8Array): Int8Array | undefined {
  if (latents.length < LATENTS_HEADER_BYTES) return undefined;
  const dims = latents[0] | (latents[1] << 8);
  const count = latents[2] | (latents[3] << 8);
  const present: Int8Array[] = [];
  for (let i = 0; i < count && present.length < 2; i++) {
    const r = LATENTS_HEADER_BYTES + i * (1 + dims);
    if (latents[r] === 1) present.push(new Int8Array(latents.buffer, latents.byteOffset + r + 1, dims));
  }
  if (present.length === 0) return undefined;
  const [a, b = present[0]] = present;
  return Int8Array.from(a, (v, k) => (v + b[k]) >> 1);
}

/** TEST section bytes for a latent and the CRC-32 of its frame. */
export function selfTestSection(latent: ArrayLike<number>, frameCrc: number): Uint8Array {
  const out = new Uint8Array(SELF_TEST_HEADER_BYTES + latent.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, latent.length, true);
  v.setUint16(2, 0, true);
  v.setUint32(4, frameCrc >>> 0, true);
  for (let k = 0; k < latent.length; k++) out[SELF_TEST_HEADER_BYTES + k] = latent[k] & 0xff;
  return out;
}

/**
 * The self-test of a model and its LATN section, decoded by the host's reference backend; undefined
 * when the model does not load there (the firmware refuses it too, and crossfades) or has no latents.
 */
export function computeSelfTest(model: Uint8Array, latents: Uint8Array): Uint8Array | undefined {
  const latent = selfTestLatent(latents);
  if (!latent) return undefined;
  let decoder;
  try {
    decoder = hostDecoder(model, latent.length);
  } catch {
    return undefined;
  }
  const frame = new Uint8Array(FRAME_BYTES);
  if (!decoder.decode(latent, frame)) return undefined;
  return selfTestSection(latent, CRC32.buf(frame) >>> 0);
}
