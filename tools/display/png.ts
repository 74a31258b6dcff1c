/* PNG pictures of what the virtual panel's glass shows (pngjs). */
import { PNG } from "pngjs";
import writeFileAtomic from "write-file-atomic";
import type { VirtualSSD1306 } from "../../modules/virtual/ssd1306.js";

/** OLED colours: lit pixels take the panel's brightness times this tint. */
export const TINTS = { white: [255, 255, 255], blue: [120, 200, 255], yellow: [255, 220, 90] } as const;
export type Tint = keyof typeof TINTS;

export function glassPng(panel: VirtualSSD1306, scale = 1, tint: Tint = "white"): Buffer {
  const lum = panel.render();
  const png = new PNG({ width: panel.width * scale, height: panel.height * scale });
  const [r, g, b] = TINTS[tint];
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const v = lum[((y / scale) | 0) * panel.width + ((x / scale) | 0)];
      const i = (y * png.width + x) * 4;
      png.data[i] = (r * v) / 255;
      png.data[i + 1] = (g * v) / 255;
      png.data[i + 2] = (b * v) / 255;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

export async function writeGlassPng(path: string, panel: VirtualSSD1306, scale = 1, tint: Tint = "white"): Promise<void> {
  await writeFileAtomic(path, glassPng(panel, scale, tint));
}

/** Luminance (0..255, from the red channel's tint-free case) of each pixel of a glass PNG at scale 1. */
export function readGlassPng(data: Buffer): { width: number; height: number; lum: Uint8Array } {
  const png = PNG.sync.read(data);
  const lum = new Uint8Array(png.width * png.height);
  for (let i = 0; i < lum.length; i++) lum[i] = png.data[i * 4];
  return { width: png.width, height: png.height, lum };
}
