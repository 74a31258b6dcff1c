/*
 * Detection results as JSON, for the tests and for measuring: `node --import tsx tools/photos/inspect.ts
 * <photo>...` prints, per photo, the human faces found, the usable ones (box, landmarks, expressions,
 * label, the expression as the generator's parameters, the line sketch's screen points and packed
 * frame, whether it has ink at the eyes and the mouth), its problems, and the seconds it took.
 */
import { detectPhoto, faceApi } from "./detect.js";
import { labelFromExpressions } from "./labels.js";
import { sketchFace } from "./sketch.js";
import { W } from "../faces/render.js";

function inkNear(bits: Uint8Array, x: number, y: number, r = 3): boolean {
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
    const px = Math.round(x + dx);
    const py = Math.round(y + dy);
    if (px >= 0 && px < W && py >= 0 && py < 64 && bits[py * W + px]) return true;
  }
  return false;
}

await faceApi();
const out = [];
for (const file of process.argv.slice(2)) {
  const t = performance.now();
  const r = await detectPhoto(file);
  const faces = [];
  for (const f of r.faces) {
    const s = await sketchFace(r.image!, f, { style: "lines" });
    faces.push({
      index: f.index,
      box: f.box,
      landmarks: f.landmarks,
      expressions: f.expressions,
      label: labelFromExpressions(f.expressions),
      ink: { eyes: s.eyeCentres.every((c) => inkNear(s.bits, c.x, c.y)), mouth: [0, 2, 4, 6].every((k) => inkNear(s.bits, s.mouthPoints[k].x, s.mouthPoints[k].y, 2)) },
      expression: s.expression,
      points: s.points,
      frame: Buffer.from(s.frame).toString("base64"),
    });
  }
  out.push({ file, found: r.found, faces, problems: r.problems, seconds: (performance.now() - t) / 1000 });
}
process.stdout.write(JSON.stringify(out) + "\n");
