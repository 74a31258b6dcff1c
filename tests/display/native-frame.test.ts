/*
 * The SSD1306 driver's frame work in C (native/display/frame.c: what the firmware links, through
 * display/native-frame) against the portable TypeScript the host runs (PortableFrameOps): the same
 * windows in the same order and, driving two drivers side by side, byte-identical bus traffic and
 * panel RAM on thousands of frames (sparse animation-like changes, random frames, the shipped
 * pack's faces through the animator, a 32-row panel, a flipped one, bus faults and recovery).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_WINDOWS, PortableFrameOps, type FrameOps } from "../../modules/display/planner.js";
import { nativeFrameOps } from "../../tools/display/native.js";
import { FAULT_NONE } from "../../modules/virtual/i2c.js";
import { openPack } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { Animator } from "../../modules/face/animator.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { rig, random, randomFrame, type RigOptions } from "../helpers/panel.js";

const C: FrameOps = nativeFrameOps();

/** A frame stream like an animation: a few random blobs change per frame, sometimes none, now and then all. */
function frames(seed: number, count: number): Uint8Array[] {
  const rand = random(seed);
  const out: Uint8Array[] = [];
  let f = randomFrame(rand);
  for (let k = 0; k < count; k++) {
    f = f.slice();
    const kind = rand() % 16;
    if (kind === 0) f = randomFrame(rand);
    else if (kind === 1) f.fill(rand() & 1 ? 0xff : 0);
    else {
      const blobs = rand() % 7;
      for (let b = 0; b < blobs; b++) {
        const p = rand() % 8;
        const x = rand() % 128;
        const w = 1 + (rand() % (rand() & 1 ? 4 : 40));
        const h = 1 + (rand() % 4);
        for (let pp = p; pp < Math.min(8, p + h); pp++) for (let xx = x; xx < Math.min(128, x + w); xx++) f[pp * 128 + xx] = rand() & 0xff;
      }
    }
    out.push(f);
  }
  return out;
}

type Tx = string;

/** Two drivers, one per implementation, each on its own bus and panel; returns their transactions. */
function sideBySide(options: RigOptions, sequence: Uint8Array[], faults?: (k: number) => number): { ts: Tx[]; c: Tx[]; same: boolean[] } {
  const logs: Tx[][] = [[], []];
  const rigs = [new PortableFrameOps(), C].map((frameOps, i) =>
    rig({ ...options, frameOps, record: (a, b, n, acked) => logs[i].push(`${a}:${acked}/${n}:${Buffer.from(b.subarray(0, n)).toString("hex")}`) }),
  );
  const same: boolean[] = [];
  sequence.forEach((f, k) => {
    for (const r of rigs) {
      // Faults on both buses alike: the k-th frame's n-th transaction fails when faults(k) says so.
      let count = 0;
      const at = faults ? faults(k) : -1;
      r.bus.fault = at < 0 ? undefined : () => (count++ === at ? 3 : FAULT_NONE);
      r.clock.t = k * 40;
      r.display.update(f);
    }
    same.push(Buffer.compare(Buffer.from(rigs[0].panel.ram), Buffer.from(rigs[1].panel.ram)) === 0);
  });
  return { ts: logs[0], c: logs[1], same };
}

describe("SSD1306 frame work: C (the firmware's) and TypeScript (the host's) agree", () => {
  test("the same windows, in the same order, for every kind of change", () => {
    const ts = new PortableFrameOps();
    const a = new ArrayBuffer(MAX_WINDOWS * 16);
    const b = new ArrayBuffer(MAX_WINDOWS * 16);
    const rand = random(7);
    let windows = 0;
    let last = randomFrame(rand);
    for (const f of frames(11, 1500)) {
      for (const pages of [8, 4]) {
        for (const known of [true, false]) {
          const n = ts.plan(f, last, known, pages, a);
          expect(C.plan(f, last, known, pages, b)).toBe(n);
          expect(Buffer.from(b, 0, 16 * n).equals(Buffer.from(a, 0, 16 * n))).toBe(true);
          windows += n;
        }
      }
      // Every column pattern of a stripe frame: one changed column in every 2nd, 3rd, ... 9th.
      last = f;
    }
    for (let period = 2; period <= 12; period++) {
      const f = new Uint8Array(1024);
      for (let i = 0; i < 1024; i += period) f[i] = 1;
      const n = ts.plan(f, new Uint8Array(1024), true, 8, a);
      expect(C.plan(f, new Uint8Array(1024), true, 8, b)).toBe(n);
      expect(Buffer.from(b, 0, 16 * n).equals(Buffer.from(a, 0, 16 * n))).toBe(true);
    }
    expect(windows).toBeGreaterThan(3000);
  });

  test("pack and commit copy the same bytes", () => {
    const ts = new PortableFrameOps();
    const rand = random(5);
    for (let k = 0; k < 500; k++) {
      const f = randomFrame(rand);
      const c0 = rand() % 128;
      const c1 = c0 + (rand() % (128 - c0));
      const p0 = rand() % 8;
      const p1 = p0 + (rand() % (8 - p0));
      const n = 1 + (c1 - c0 + 1) * (p1 - p0 + 1);
      const d1 = new Uint8Array(n);
      const d2 = new Uint8Array(n);
      ts.pack(f, d1, c0, c1, p0, p1);
      C.pack(f, d2, c0, c1, p0, p1);
      expect(Buffer.from(d2).equals(Buffer.from(d1))).toBe(true);
      const l1 = randomFrame(rand);
      const l2 = l1.slice();
      ts.commit(f, l1, c0, c1, p0, p1);
      C.commit(f, l2, c0, c1, p0, p1);
      expect(Buffer.from(l2).equals(Buffer.from(l1))).toBe(true);
    }
  });

  test("byte-identical bus traffic and panel RAM, 64- and 32-row panels, flipped", () => {
    for (const options of [{}, { height: 32 }, { flip: true }]) {
      const r = sideBySide(options, frames(3, 800));
      expect(r.c.length).toBe(r.ts.length);
      expect(r.c).toEqual(r.ts);
      expect(r.same.every((s) => s)).toBe(true);
    }
  });

  test("byte-identical through bus faults, backoff and recovery", () => {
    const r = sideBySide({}, frames(9, 400), (k) => (k % 37 === 5 ? k % 3 : -1));
    expect(r.ts.filter((t) => !/:(\d+)\/\1:/.test(t)).length).toBeGreaterThan(5); // faults happened
    expect(r.c).toEqual(r.ts);
    expect(r.same.every((s) => s)).toBe(true);
  });

  test("byte-identical on the shipped pack's faces through the animator (transitions, blinks, glances, breathing)", () => {
    const bytes = readFileSync(join(REPO_ROOT, "frames", "frames.bin"));
    const opened = openPack(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), "frames.bin");
    if (!opened.ok) throw new Error(opened.error);
    const animator = new Animator(new PackFaces(opened.pack), { seed: 3 });
    const sequence: Uint8Array[] = [];
    const state = { dominant: 0, band: 0, nuance: 255 };
    for (let k = 0; k < 1200; k++) {
      if (k % 90 === 0) {
        state.dominant = (k / 90) % 8;
        state.band = (k / 270) % 3 | 0;
      }
      sequence.push(animator.update(k * 33, state).slice());
    }
    const r = sideBySide({}, sequence);
    expect(r.c).toEqual(r.ts);
    expect(r.same.every((s) => s)).toBe(true);
    expect(r.ts.length).toBeGreaterThan(1200);
  });
});
