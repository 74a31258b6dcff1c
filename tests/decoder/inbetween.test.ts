/*
 * Geometric in-betweens (tools/decoder/inbetween.py, docs/decoder.md "In-betweens the decoder
 * learns"): the ink of two drawings moved part by part along the optimal transport. On a drawn face
 * whose mouth bends and whose left brow rises: halfway, the mouth's corners are halfway up and its
 * middle stays; the brow is halfway up, in one piece, and none of its ink went into the eye below it
 * nor any of the eye's into it; what does not change (the eyes, the other brow) is exactly as drawn.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { QUIET_ENV, python } from "../../tools/lib/python.js";

const H = 64;
const W = 128;

/** A face: brows (left raised by `raise` px), ring eyes, a mouth whose corners rise by `bend` px. */
function face(raise: number, bend: number): Uint8Array {
  const f = new Uint8Array(H * W);
  const dot = (x: number, y: number) => {
    for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) f[(Math.round(y) + dy) * W + Math.round(x) + dx] = 1;
  };
  for (let x = 20; x <= 44; x++) dot(x, 8 - raise);
  for (let x = 84; x <= 108; x++) dot(x, 8);
  for (const cx of [32, 96]) for (let a = 0; a < 360; a += 3) dot(cx + 9 * Math.cos((a * Math.PI) / 180), 24 + 7 * Math.sin((a * Math.PI) / 180));
  for (let x = 44; x <= 84; x++) {
    const u = (x - 64) / 20;
    dot(x, 50 - bend * u * u);
  }
  return f;
}

/** The in-betweens at each of ts, from one Python run (its start is most of the time). */
function inbetween(a: Uint8Array, b: Uint8Array, ts: number[]): Uint8Array[] {
  const code = `import sys; sys.path.insert(0, ${JSON.stringify(join(REPO_ROOT, "tools", "decoder"))})
import numpy as np
from inbetween import inbetween
d = sys.stdin.buffer.read()
a = np.frombuffer(d[:${H * W}], np.uint8).reshape(${H}, ${W})
b = np.frombuffer(d[${H * W}:], np.uint8).reshape(${H}, ${W})
sys.stdout.buffer.write(b"".join(m.tobytes() for m in inbetween(a, b, [${ts.join(", ")}])))`;
  const r = spawnSync(python(), ["-c", code], { input: Buffer.concat([a, b]), env: { ...process.env, ...QUIET_ENV }, maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`inbetween.py: ${r.stderr}`);
  return ts.map((_, i) => new Uint8Array(r.stdout.subarray(i * H * W, (i + 1) * H * W)));
}

/** Mean row of the ink in columns x0..x1, rows y0..y1. */
function meanRow(f: Uint8Array, x0: number, x1: number, y0: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (f[y * W + x]) [sum, n] = [sum + y, n + 1];
  return n ? sum / n : NaN;
}

const inkIn = (f: Uint8Array, x0: number, x1: number, y0: number, y1: number) => {
  let n = 0;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) n += f[y * W + x];
  return n;
};

describe("geometric in-betweens (inbetween.py)", () => {
  const a = face(0, 0);
  const b = face(6, 10);
  const [start, mid, end] = inbetween(a, b, [0, 0.5, 1]);

  test("the mouth bends half-way: corners half-way up, the middle where it was", () => {
    const corner = (f: Uint8Array) => meanRow(f, 44, 48, 36, 63);
    expect(corner(a) - corner(b)).toBeGreaterThan(7);
    expect(Math.abs(corner(mid) - (corner(a) + corner(b)) / 2)).toBeLessThan(1.5);
    expect(Math.abs(meanRow(mid, 60, 68, 36, 63) - meanRow(a, 60, 68, 36, 63))).toBeLessThan(1);
    // One line, not both ends at half strength: no ink left on the flat mouth's corner rows.
    expect(inkIn(mid, 44, 48, 50, 51)).toBe(0);
  });

  test("the brow rises half-way in one piece, and no ink travels between brow and eye", () => {
    expect(Math.abs(meanRow(mid, 20, 45, 0, 13) - (meanRow(a, 20, 45, 0, 13) + meanRow(b, 20, 45, 0, 13)) / 2)).toBeLessThan(1);
    // Every column of the brow has ink (not a dotted line).
    for (let x = 21; x <= 45; x++) expect([x, inkIn(mid, x, x, 0, 13) > 0]).toEqual([x, true]);
    // The eyes and the other brow are unchanged, pixel for pixel.
    for (let y = 14; y < 36; y++) for (let x = 0; x < W; x++) expect(mid[y * W + x]).toBe(a[y * W + x]);
    for (let y = 0; y < 14; y++) for (let x = 70; x < W; x++) expect(mid[y * W + x]).toBe(a[y * W + x]);
  });

  test("t = 0 and t = 1 are the drawings themselves", () => {
    expect(Buffer.from(start).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(end).equals(Buffer.from(b))).toBe(true);
  });
});
