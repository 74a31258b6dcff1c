/*
 * Writes the held-out in-between drawings (bench/drawings/hand.ts) to examples/inbetweens/:
 * keys/<emotion>-medium.png (the eight faces a person would pack) and between/<a>-<b>.png (the drawn
 * halfway face of each pair in PAIRS, never packed). `npx tsx bench/drawings/make.ts`; the PNGs are
 * committed, so the bench and the drawings test read files as a person's drawings would be.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { writeFile } from "../../tools/lib/files.js";
import { INBETWEENS_DIR, KEYS, PAIRS, handSvg, mix } from "./hand.js";

const png = async (svg: string) => new Uint8Array(await sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true, colors: 16 }).toBuffer());

mkdirSync(join(INBETWEENS_DIR, "keys"), { recursive: true });
mkdirSync(join(INBETWEENS_DIR, "between"), { recursive: true });
for (const [e, f] of Object.entries(KEYS)) await writeFile(join(INBETWEENS_DIR, "keys", `${e}-medium.png`), await png(handSvg(f)));
for (const p of PAIRS) await writeFile(join(INBETWEENS_DIR, "between", `${p.a}-${p.b}.png`), await png(handSvg(mix(KEYS[p.a], KEYS[p.b], 0.5))));
process.stdout.write(`${INBETWEENS_DIR}: 8 keyframes, ${PAIRS.length} in-betweens\n`);
