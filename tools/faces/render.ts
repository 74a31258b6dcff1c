/*
 * From pictures to 1-bit page-packed frames: SVG or image files through sharp to 8-bit grey at
 * 128x64 (anti-aliased), then threshold or ordered (Bayer 4x4) or error-diffusion dithering, then
 * SSD1306 page packing.
 */
import sharp from "sharp";
import { faceSvg, type FaceParams, type SvgOptions } from "./face.js";
import { BAYER4 } from "../../modules/face/raster.js";
import { HEIGHT, WIDTH } from "../../modules/common/geometry.js";

export const W = WIDTH;
export const H = HEIGHT;

export type OneBit = { mode: "threshold"; level: number } | { mode: "bayer" } | { mode: "floyd" };

/** Grey 128x64 of a face, 0 black .. 255 white ink. */
export async function faceGrey(p: FaceParams, options: SvgOptions = {}): Promise<Uint8Array> {
  const m = options.margin ?? 0;
  const w = W + 2 * m;
  const h = H + 2 * m;
  const { data } = await sharp(Buffer.from(faceSvg(p, options)), { density: 72 }).resize(w, h).greyscale().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, w * h);
}

/** 1 bit per pixel (0/1 per byte), row-major. */
export function toOneBit(grey: Uint8Array, how: OneBit = { mode: "threshold", level: 128 }): Uint8Array {
  const out = new Uint8Array(W * H);
  if (how.mode === "threshold") {
    for (let i = 0; i < out.length; i++) out[i] = grey[i] >= how.level ? 1 : 0;
  } else if (how.mode === "bayer") {
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = grey[y * W + x] > (BAYER4[(y & 3) * 4 + (x & 3)] + 0.5) * 16 ? 1 : 0;
  } else {
    const err = new Float32Array(grey);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const v = err[i] >= 128 ? 255 : 0;
        out[i] = v ? 1 : 0;
        const e = err[i] - v;
        if (x + 1 < W) err[i + 1] += (e * 7) / 16;
        if (y + 1 < H) {
          if (x > 0) err[i + W - 1] += (e * 3) / 16;
          err[i + W] += (e * 5) / 16;
          if (x + 1 < W) err[i + W + 1] += e / 16;
        }
      }
    }
  }
  return out;
}

/** Row-major bits to the SSD1306 page layout (byte = column of 8 rows, bit 0 on top). */
export function pack(bits: Uint8Array): Uint8Array {
  const frame = new Uint8Array((W * H) >> 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (bits[y * W + x]) frame[(y >> 3) * W + x] |= 1 << (y & 7);
  return frame;
}

export function unpack(frame: Uint8Array): Uint8Array {
  const bits = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) bits[y * W + x] = (frame[(y >> 3) * W + x] >> (y & 7)) & 1;
  return bits;
}

export async function renderFace(p: FaceParams, how?: OneBit, options: SvgOptions = {}): Promise<Uint8Array> {
  return pack(toOneBit(await faceGrey(p, { ...options, margin: 0 }), how));
}

/** A 1-bit PNG of a frame (white ink on black), scaled up by `scale`. */
export async function framePng(frame: Uint8Array, scale = 1): Promise<Buffer> {
  const bits = unpack(frame);
  const grey = Buffer.alloc(W * H);
  for (let i = 0; i < bits.length; i++) grey[i] = bits[i] ? 255 : 0;
  return sharp(grey, { raw: { width: W, height: H, channels: 1 } })
    .resize(W * scale, H * scale, { kernel: "nearest" })
    .png({ compressionLevel: 9 })
    .toBuffer();
}
