/*
 * The drawing template (docs/drawing.md): a 256x128 PNG, twice the screen, white paper with guides in
 * light blue for where the generated faces put their eyes, brows and mouth. The guides are light
 * enough to vanish when `moodface pack` inverts and thresholds the drawing (they end up below 128).
 */
import sharp from "sharp";
import { GEOMETRY, NEUTRAL, eyeBoxes } from "./face.js";

export const TEMPLATE_SCALE = 2;
/** Light blue: luminance about 205 of 255, so 50 after inversion, under the threshold. */
export const GUIDE = "#a9d4f5";

export function templateSvg(): string {
  const s = TEMPLATE_SCALE;
  const w = 128 * s;
  const h = 64 * s;
  const g = GEOMETRY;
  const eyes = eyeBoxes(NEUTRAL);
  const parts: string[] = [`<rect width="${w}" height="${h}" fill="#fff"/>`];
  const line = (d: string, dash = "") => parts.push(`<path d="${d}" fill="none" stroke="${GUIDE}" stroke-width="1"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`);
  const label = (x: number, y: number, text: string) => parts.push(`<text x="${x}" y="${y}" font-family="sans-serif" font-size="7" fill="${GUIDE}">${text}</text>`);
  line(`M0.5 0.5 H${w - 0.5} V${h - 0.5} H0.5 Z`);
  line(`M${w / 2} 0 V${h}`, "2 3");
  for (const b of eyes) {
    line(`M${b.x0 * s + 0.5} ${b.y0 * s + 0.5} H${b.x1 * s + 0.5} V${b.y1 * s + 0.5} H${b.x0 * s + 0.5} Z`, "4 2");
    label(b.x0 * s + 2, b.y1 * s - 2, "eye");
  }
  const browY = (g.eyeY - g.eyeRY - 6) * s;
  for (const side of [-1, 1]) {
    const cx = (64 + side * g.eyeDX) * s;
    line(`M${cx - g.eyeRX * s} ${browY - 8} H${cx + g.eyeRX * s} V${browY + 8} H${cx - g.eyeRX * s} Z`, "1 2");
    label(cx - g.eyeRX * s + 2, browY - 10, "brow");
  }
  const my = g.mouthY * s;
  line(`M${(64 - 22) * s} ${my - 14} H${(64 + 22) * s} V${my + 12} H${(64 - 22) * s} Z`, "4 2");
  label((64 - 22) * s + 2, my - 16, "mouth");
  label(4, h - 4, "dark ink on white; save as joy-strong.png etc.");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${parts.join("")}</svg>`;
}

export async function templatePng(): Promise<Buffer> {
  return sharp(Buffer.from(templateSvg())).flatten({ background: "#fff" }).png({ compressionLevel: 9 }).toBuffer();
}
