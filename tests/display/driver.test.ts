import SSD1306 from "../../modules/display/ssd1306.js";
import { VirtualBus, FAULT_NONE, FAULT_TIMEOUT, i2cClassFor } from "../../modules/virtual/i2c.js";
import { VirtualSSD1306 } from "../../modules/virtual/ssd1306.js";
import { standardTrace } from "../../tools/display/trace.js";
import { naiveFullFrame } from "../../tools/display/naive.js";
import { rig, random, randomFrame, rotate180 } from "../helpers/panel.js";

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Frames that change a little at a time, like an animation: a few random blobs per frame. */
function sparseFrames(seed: number, count: number): Uint8Array[] {
  const rand = random(seed);
  const frames: Uint8Array[] = [];
  let f = randomFrame(rand);
  for (let k = 0; k < count; k++) {
    f = f.slice();
    const blobs = rand() % 5;
    for (let b = 0; b < blobs; b++) {
      const p = rand() % 8;
      const x = rand() % 128;
      const w = 1 + (rand() % 24);
      const h = 1 + (rand() % 3);
      for (let pp = p; pp < Math.min(8, p + h); pp++) for (let xx = x; xx < Math.min(128, x + w); xx++) f[pp * 128 + xx] = rand() & 0xff;
    }
    frames.push(f);
  }
  return frames;
}

describe("SSD1306 driver on the virtual panel", () => {
  test("initialises an internal-VCC 128x64 module per the datasheet, in horizontal mode", () => {
    const { panel, display } = rig();
    expect(display.status.online).toBe(true);
    expect(panel.displayOn).toBe(true);
    expect(panel.chargePump).toBe(true);
    expect(panel.addressingMode).toBe(0);
    expect(panel.multiplex).toBe(63);
    expect(panel.comPins).toBe(0x12);
    expect(panel.segmentRemap && panel.comRemap).toBe(true);
    expect(panel.counters.unknown + panel.counters.malformed).toBe(0);
  });

  test("reproduces every frame exactly over random full frames", () => {
    const { panel, display } = rig();
    const rand = random(1);
    for (let k = 0; k < 30; k++) {
      const f = randomFrame(rand);
      expect(display.update(f)).toBe(true);
      expect(same(panel.glassFrame(), f)).toBe(true);
    }
  });

  test("reproduces every frame exactly over sparse changes, never costing more than a full frame", () => {
    const { bus, panel, display } = rig();
    for (const f of sparseFrames(2, 300)) {
      const before = bus.counters.clocks;
      display.update(f);
      expect(bus.counters.clocks - before).toBeLessThanOrEqual(9310);
      expect(same(panel.glassFrame(), f)).toBe(true);
    }
    expect(panel.counters.unknown + panel.counters.malformed).toBe(0);
  });

  test("an unchanged frame costs nothing; a full change costs exactly the theoretical 9,310 clocks", () => {
    const { bus, display } = rig();
    const rand = random(3);
    const f = randomFrame(rand);
    display.update(f);
    let before = bus.counters.clocks;
    display.update(f);
    expect(bus.counters.clocks - before).toBe(0);
    const g = f.map((b) => b ^ 0xff);
    before = bus.counters.clocks;
    display.update(g);
    expect(bus.counters.clocks - before).toBe(9310);
  });

  test("scattered changes get separate windows; close ones share a window", () => {
    const { bus, display } = rig();
    const f = new Uint8Array(1024);
    display.update(f);
    const g = f.slice();
    g[0] = 1;
    g[7 * 128 + 127] = 1;
    let before = bus.counters.transactions;
    display.update(g);
    expect(bus.counters.transactions - before).toBe(4); // two windows: command + data each
    const h = g.slice();
    h[3 * 128 + 10] = 1;
    h[3 * 128 + 13] = 1;
    before = bus.counters.transactions;
    display.update(h);
    expect(bus.counters.transactions - before).toBe(2); // one window over columns 10..13
  });

  test("flip rotates the picture 180 degrees; configure(flip) redraws", () => {
    const rand = random(4);
    const f = randomFrame(rand);
    const a = rig({ flip: true });
    a.display.update(f);
    expect(same(a.panel.glassFrame(), rotate180(f))).toBe(true);
    const b = rig();
    b.display.update(f);
    b.display.configure({ flip: true });
    b.display.update(f);
    expect(same(b.panel.glassFrame(), rotate180(f))).toBe(true);
  });

  test("128x32 panels: 4 pages, COM pins sequential", () => {
    const { panel, display } = rig({ height: 32 });
    expect(panel.comPins).toBe(0x02);
    expect(panel.multiplex).toBe(31);
    const f = randomFrame(random(5), 1024);
    display.update(f);
    expect(same(panel.glassFrame(), f.subarray(0, 512))).toBe(true);
  });

  test("configure: contrast, invert, sleep", () => {
    const { panel, display } = rig({ address: 0x3d });
    const f = randomFrame(random(6));
    display.update(f);
    display.configure({ contrast: 0x10, invert: true });
    expect(panel.contrast).toBe(0x10);
    expect(panel.inverse).toBe(true);
    expect(same(panel.glassFrame(), f.map((b) => b ^ 0xff))).toBe(true);
    display.configure({ sleep: true });
    expect(panel.render().every((v) => v === 0)).toBe(true);
    display.configure({ sleep: false, invert: false });
    expect(same(panel.glassFrame(), f)).toBe(true);
  });

  test("ECMA-419 begin/send/end draws an area of whole pages", () => {
    const { panel, display } = rig();
    display.update(new Uint8Array(1024));
    display.begin({ x: 10, y: 0, width: 20, height: 16 });
    display.send(new Uint8Array(20).fill(0xff));
    display.send(new Uint8Array(20).fill(0x0f));
    display.end();
    const g = panel.glassFrame();
    expect(g[10]).toBe(0xff);
    expect(g[128 + 29]).toBe(0x0f);
    expect(g[9]).toBe(0);
    expect(() => display.begin({ x: 0, y: 4, width: 8, height: 8 })).toThrow(RangeError);
  });

  test.each([
    [{ address: 0x3e }, "address must be 0x3c or 0x3d"],
    [{ hz: 5_000_000 }, "hz must be a whole number from 10000 to 1000000"],
    [{ height: 48 }, "height must be 64 or 32"],
    [{ contrast: 300 }, "contrast must be a whole number from 0 to 255"],
  ])("rejects bad options %j", (opts, message) => {
    const bus = new VirtualBus();
    const o = opts as Record<string, number>;
    expect(
      () =>
        new SSD1306({
          display: { io: i2cClassFor(bus), data: 4, clock: 5, address: o.address, hz: o.hz },
          height: o.height,
          contrast: o.contrast,
        }),
    ).toThrow(message);
  });
});

describe("SSD1306 driver: the standard animation trace", () => {
  test("every frame of the trace reaches the glass exactly, at least 2x cheaper than naive full frames", () => {
    const { bus, panel, display } = rig();
    const c0 = bus.counters.clocks;
    let frames = 0;
    for (const f of standardTrace()) {
      display.update(f);
      frames++;
      expect(same(panel.glassFrame(), f)).toBe(true);
    }
    const driverClocks = bus.counters.clocks - c0;
    const naive = new VirtualBus();
    naive.attach(0x3c, new VirtualSSD1306());
    for (const f of standardTrace()) naiveFullFrame(naive, 0x3c, f);
    expect(frames).toBeGreaterThan(300);
    expect(naive.counters.clocks / frames).toBe(9490);
    expect(naive.counters.clocks / driverClocks).toBeGreaterThanOrEqual(2);
  });
});

describe("SSD1306 driver: faults", () => {
  test("a NACK on the k-th byte of any transaction ends with the panel showing the current frame", () => {
    const frames = sparseFrames(7, 3);
    let broken = 0;
    // Break transaction j of an update (window commands and data) at every byte k it has.
    for (let j = 0; j < 4; j++) {
      for (let k = 0; k < 1100; k += k < 12 ? 1 : 97) {
        const { bus, panel, display, clock } = rig();
        display.update(frames[0]);
        let seen = 0;
        let armed = true;
        bus.fault = (_a, _b, length) => {
          if (armed && seen++ === j && k < length) {
            armed = false;
            return k;
          }
          return FAULT_NONE;
        };
        expect(() => display.update(frames[1])).not.toThrow();
        for (let i = 0; i < 20 && !display.update(frames[2]); i++) clock.t += 100;
        expect([j, k, same(panel.glassFrame(), frames[2])]).toEqual([j, k, true]);
        expect(panel.displayOn && panel.chargePump && panel.addressingMode === 0).toBe(true);
        if (!armed) {
          broken++;
          expect(display.status.errors).toBe(1);
          expect(display.status.reinits).toBe(1);
          expect(display.status.lastError).toMatch(/NACK/);
        }
      }
    }
    expect(broken).toBeGreaterThan(20);
  });

  test("bus timeouts are retried with backoff and never escape", () => {
    const { bus, panel, display, clock } = rig();
    const f = randomFrame(random(8));
    let fails = 5;
    bus.fault = () => (fails-- > 0 ? FAULT_TIMEOUT : FAULT_NONE);
    const attempts: number[] = [];
    for (let i = 0; i < 200 && !same(panel.glassFrame(), f); i++) {
      const before = bus.counters.transactions;
      display.update(f);
      if (bus.counters.transactions > before) attempts.push(clock.t);
      clock.t += 10;
    }
    expect(same(panel.glassFrame(), f)).toBe(true);
    expect(display.status.errors).toBe(5);
    expect(display.status.lastError).toMatch(/timeout/);
    // Backoff: the gaps between attempts grow.
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    expect(gaps[gaps.length - 1]).toBeGreaterThan(gaps[0]);
  });

  test("a panel unplugged for N frames is re-initialised and redrawn when it comes back", () => {
    for (const n of [1, 3, 10]) {
      const { bus, panel, display, clock } = rig();
      const frames = sparseFrames(9 + n, n + 30);
      display.update(frames[0]);
      bus.detach(0x3c);
      for (let i = 1; i <= n; i++) {
        expect(display.update(frames[i])).toBe(false);
        clock.t += 33;
      }
      // Power-cycled while away: the controller is back at its reset state.
      expect(panel.displayOn).toBe(true);
      const fresh = new VirtualSSD1306();
      bus.attach(0x3c, fresh);
      let shown = false;
      for (let i = n + 1; i < frames.length && !shown; i++) {
        shown = display.update(frames[i]) && same(fresh.glassFrame(), frames[i]);
        clock.t += 33;
      }
      expect(shown).toBe(true);
      expect(display.status.online).toBe(true);
      expect(display.status.reinits).toBe(1);
    }
  });

  test("power-on with no panel attached: nothing throws, and the panel works once plugged in", () => {
    const { bus, display, clock } = rig({ attach: false });
    expect(display.status.online).toBe(false);
    expect(display.status.lastError).toMatch(/no device/);
    const f = randomFrame(random(10));
    for (let i = 0; i < 5; i++) {
      expect(display.update(f)).toBe(false);
      clock.t += 50;
    }
    const panel = new VirtualSSD1306();
    bus.attach(0x3c, panel);
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      ok = display.update(f);
      clock.t += 50;
    }
    expect(ok).toBe(true);
    expect(same(panel.glassFrame(), f)).toBe(true);
  });
});
