/*
 * The panel as an animated GIF (gifenc, bundled): the glass frames as the page received them
 * (page-packed 128x64, lit = 1), each shown for as long as it was on the page, at 2x in the tint.
 */
import { GIFEncoder } from "gifenc";
import { HEIGHT, WIDTH } from "../../../modules/common/geometry.js";

const SCALE = 2;

export function panelGif(frames: readonly { at: number; glass: Uint8Array }[], tint: readonly [number, number, number]): Uint8Array {
  const gif = GIFEncoder();
  const w = WIDTH * SCALE;
  const h = HEIGHT * SCALE;
  const palette = [[0, 0, 0], [...tint]];
  const index = new Uint8Array(w * h);
  frames.forEach((f, k) => {
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const px = (x / SCALE) | 0;
        const py = (y / SCALE) | 0;
        index[y * w + x] = (f.glass[(py >> 3) * WIDTH + px] >> (py & 7)) & 1;
      }
    const next = frames[k + 1];
    // GIF delays are in 10 ms units (gifenc takes ms); the last frame stays for one frame period.
    const delay = next ? Math.max(20, Math.round(next.at - f.at)) : 33;
    gif.writeFrame(index, w, h, { palette, delay, repeat: 0 });
  });
  gif.finish();
  return gif.bytes();
}
