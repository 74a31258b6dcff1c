/// <reference lib="dom" />
/*
 * Reflexes and sleep on the simulator page (issue 13), in Debian's chromium: the page's touch
 * button reaches the robot through the touch driver (modules/sensors/touch.ts, on a virtual GPIO)
 * and its giggle shows on the page's panel; the shake button moves the virtual MPU-6050, whose
 * registers the driver (modules/sensors/mpu6050.ts) reads, and the robot startles; the night
 * stimulus closes its eyes and a touch wakes it with a startle. Each reflex frame is caught by
 * stopping the simulator's clock while the animator plays it, then checked on the page's glass
 * against the mood face under it. Screenshots of the panel go to test-output/reflex-*.png.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startSim, type Sim } from "../../tools/sim/server.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { GIGGLE, STARTLE, NO_REFLEX } from "../../modules/face/reflexes.js";
import { DID_REFLEX, DID_SLEEP, DID_WAKE } from "../../modules/app/behaviour.js";
import { MPU6050_ADDRESS, REG } from "../../modules/sensors/mpu6050-registers.js";
import Touch from "../../modules/sensors/touch.js";
import MPU6050, { type MotionSample } from "../../modules/sensors/mpu6050.js";
import { tempDir } from "../helpers/cli.js";
import { pairPage, terminalHeaders } from "../helpers/passkey.js";
import { FRAME_MS } from "../../modules/app/robot.js";

const OUT = join(REPO_ROOT, "test-output");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const lit = (f: Uint8Array) => {
  let n = 0;
  for (const b of f) for (let x = b; x; x &= x - 1) n++;
  return n;
};

/** The first row with a lit pixel: a face moved up starts higher. */
const topRow = (f: Uint8Array) => {
  for (let y = 0; y < 64; y++) for (let x = 0; x < 128; x++) if ((f[(y >> 3) * 128 + x] >> (y & 7)) & 1) return y;
  return 64;
};

describe("reflexes and sleep on the simulator page", () => {
  let sim: Sim;
  let browser: Browser;
  let page: Page;
  /** Every stimulus the robot took: name, what the face did, robot time. */
  const took: { name: string; did: number; t: number }[] = [];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    // Real time: a reflex lasts 300 to 700 ms, many frames to catch one in.
    sim = await startSim({ port: 0, framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile: join(tempDir(), "state.bin"), speed: 1, hz: 400000, seed: 1, quiet: true });
    const server = sim.robot.onStimulus;
    sim.robot.onStimulus = (s, intensity, did) => {
      server?.(s, intensity, did);
      took.push({ name: sim.robot.engine.catalog.names[s], did, t: sim.time() });
    };
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    await page.goto(sim.url);
    await page.waitForFunction(() => (window as any).moodfaceApp?.ready && (window as any).moodfaceApp.glass);
    // Its touch and motion buttons change the robot: the page pairs first (unpaired, they get 401).
    await pairPage(page, sim);
  });

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });

  /** The mood face under reflexes, sleep and idle life (the animator's own buffer). */
  const moodFace = () => (sim.robot.animator as unknown as { base: Uint8Array }).base.slice();

  /**
   * Stops the robot's clock at the first frame for which `when` holds (checked between frames),
   * waits until the page's panel shows that very frame, screenshots it, and returns the frame and
   * the mood face under it. The clock runs again after `then`.
   */
  async function frozenAt(name: string, when: () => boolean, then: (shown: Uint8Array, mood: Uint8Array) => void | Promise<void>) {
    // Bounded by the robot's clock, not the wall's: a reflex that never plays fails here.
    const since = sim.time();
    while (!when()) {
      if (sim.time() > since + 3000) throw new Error(`${name}: not seen within 3 s of robot time`);
      await new Promise((r) => setTimeout(r, 2));
    }
    sim.pause(true);
    try {
      const shown = sim.host.panel.glassFrame().slice();
      const mood = moodFace();
      await page.waitForFunction((want) => {
        const g = (window as any).moodfaceApp.glass as Uint8Array | null;
        return !!g && g.length === want.length && g.every((v, i) => v === want[i]);
      }, Array.from(shown));
      await page.locator(".bezel").screenshot({ path: join(OUT, `reflex-${name}.png`) });
      await then(shown, mood);
    } finally {
      sim.pause(false);
    }
  }

  test("a touch on the page goes through the touch driver and the panel giggles", async () => {
    expect(sim.robot.senses.touch).toBeInstanceOf(Touch);
    const from = took.length;
    await page.click('#sensors button[data-sense="touch"]');
    // From 100 ms in: the squint eases in over the reflex's first 100 ms (face/reflexes.ts), so a frame
    // caught at its very start is still almost the mood face.
    await frozenAt("giggle", () => took.length > from && sim.robot.animator.reflexing === GIGGLE && sim.time() >= took[from].t + 100, (shown, mood) => {
      expect(took.slice(from)).toEqual([expect.objectContaining({ name: "touch", did: DID_REFLEX })]);
      // Squinting eyes: the eyes squashed to 40% of their height, so far fewer pixels lit.
      expect(lit(shown)).toBeLessThan(lit(mood) * 0.85);
    });
  });

  test("a shake on the page moves the virtual MPU-6050, the driver reads it from its registers, and the robot startles", async () => {
    const imu = sim.robot.senses.imu!;
    expect(imu).toBeInstanceOf(MPU6050);
    const chip = sim.host.device.virtual.imu!;
    // What the chip clocks out after the driver points at ACCEL_XOUT_H, and what the driver makes of it.
    let pointer = -1;
    const rawG: number[] = [];
    const driverMg: number[] = [];
    const bus = sim.host.bus;
    const logWrites = bus.onTransaction;
    bus.onTransaction = (address, bytes, length, acked) => {
      logWrites?.(address, bytes, length, acked);
      if (address === MPU6050_ADDRESS && length === 1) pointer = bytes[0];
    };
    const transmit = chip.transmit!.bind(chip);
    chip.transmit = (out: Uint8Array, length: number) => {
      transmit(out, length);
      if (pointer === REG.ACCEL_XOUT_H && length === 14) {
        const v = (i: number) => ((out[i] << 24) >> 16) | out[i + 1];
        rawG.push(Math.hypot(v(0), v(2), v(4)) / 16384); // ±2 g full scale
      }
    };
    const sample = imu.sample.bind(imu);
    imu.sample = (): MotionSample => {
      const s = sample();
      driverMg.push(Math.hypot(s.ax, s.ay, s.az));
      return s;
    };
    try {
      const from = took.length;
      await page.click('#sensors button[data-sense="shake"]');
      // Past the startle's first 66 ms (a wince), when the eyes fly open.
      await frozenAt("shake-startle", () => took.length > from && sim.robot.animator.reflexing === STARTLE && sim.time() >= took[from].t + 100, (shown, mood) => {
        expect(took.slice(from)).toEqual([expect.objectContaining({ name: "threat", did: DID_REFLEX })]);
        expect(lit(shown)).toBeGreaterThan(lit(mood));
        expect(topRow(shown)).toBeLessThan(topRow(mood)); // the face jumps up
      });
      // The shake went through the chip's registers (well over 1 g) and the driver read the same.
      expect(Math.max(...rawG)).toBeGreaterThan(1.5);
      expect(Math.max(...driverMg)).toBeGreaterThan(1500);
      expect(driverMg.length).toBe(rawG.length);
    } finally {
      bus.onTransaction = logWrites;
      chip.transmit = transmit;
      imu.sample = sample;
    }
  });

  test("night puts it to sleep with its eyes closed; a touch wakes it with a startle, eyes wide open", async () => {
    const before = took.length;
    await page.click('button[data-stimulus="night"]');
    const night = () => took.slice(before).find((e) => e.name === "night");
    let asleep: Uint8Array = new Uint8Array(0);
    // A frame drawn since: the runtime ticks every tickMs and draws on FRAME_MS slots.
    await frozenAt("asleep", () => night() !== undefined && sim.time() >= night()!.t + FRAME_MS + sim.robot.tickMs, (shown, mood) => {
      expect(night()!.did).toBe(DID_SLEEP);
      expect(sim.robot.animator.asleep).toBe(true);
      expect(sim.robot.animator.reflexing).toBe(NO_REFLEX);
      // Eyes closed to a line.
      expect(lit(shown)).toBeLessThan(lit(mood) * 0.7);
      asleep = shown;
    });
    const from = took.length;
    await page.click('#sensors button[data-sense="touch"]');
    await frozenAt("wake-startle", () => took.length > from && sim.robot.animator.reflexing === STARTLE && sim.time() >= took[from].t + 100, (shown, mood) => {
      expect(took.slice(from)).toEqual([expect.objectContaining({ name: "touch", did: DID_WAKE })]);
      expect(sim.robot.animator.asleep).toBe(false);
      // Eyes flown open: wider than the mood face's, and far from the closed ones.
      expect(lit(shown)).toBeGreaterThan(lit(mood));
      expect(lit(shown)).toBeGreaterThan(lit(asleep) * 1.5);
      expect(topRow(shown)).toBeLessThan(topRow(mood));
    });
    // The page's event log says so too.
    await page.waitForFunction(() => (window as any).moodfaceApp.events.some((l: string) => /^touch 0\.60: .*; woke up with a startle$/.test(l)));
    const log: string[] = await page.evaluate(() => (window as any).moodfaceApp.events);
    expect(log.some((l) => /^night 0\.80: .*; fell asleep$/.test(l))).toBe(true);
  });

  test("with the touch driver closed, the page's touch no longer reaches the robot", async () => {
    sim.robot.senses.touch!.close();
    const from = took.length;
    const res = (await fetch(new URL("/sense?what=touch", sim.url), { method: "POST", headers: await terminalHeaders(sim) })).status;
    expect(res).toBe(200);
    const t = sim.time();
    while (sim.time() < t + 1000) await new Promise((r) => setTimeout(r, 20));
    expect(took.slice(from).filter((e) => e.name === "touch")).toEqual([]);
  });
});
