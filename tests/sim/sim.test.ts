/// <reference lib="dom" />
/*
 * End to end: the simulator in a real browser (Debian chromium driven by playwright-core), the
 * `moodface stim` command against a running simulator, garbage on the socket, and the I2C log
 * replayed into a fresh panel. Screenshots go to test-output/.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import WebSocket from "ws";
import { startSim, type Sim } from "../../tools/sim/server.js";
import { parseLog, replay } from "../../tools/display/i2c-log.js";
import { readGlassPng } from "../../tools/display/png.js";
import { VirtualSSD1306 } from "../../modules/virtual/ssd1306.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { moodfaceAsync, tempDir } from "../helpers/cli.js";

const OUT = join(REPO_ROOT, "test-output");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

describe("simulator", () => {
  let sim: Sim;
  let browser: Browser;
  let page: Page;
  const dir = tempDir();
  const log = join(dir, "i2c.jsonl");

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    // 20x time, so that a mood fades back to calm in a second or two of waiting.
    sim = await startSim({ port: 0, framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile: join(dir, "state.bin"), speed: 20, hz: 400000, seed: 1, i2cLog: log, quiet: true,
      // The page has no pairing flow yet: its clients count as paired here (tests/sim/link.test.ts and
      // tests/app cover pairing).
      link: { pairing: false } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(sim.url);
    await page.waitForFunction(() => (window as any).moodface?.ready && (window as any).moodface.glass);
  });

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });

  const glass = () => page.evaluate(() => Array.from((window as any).moodface.glass as Uint8Array));
  const canvasPixels = () => page.evaluate(() => {
    const c = document.getElementById("panel") as HTMLCanvasElement;
    return Array.from(c.getContext("2d")!.getImageData(0, 0, 128, 64).data.filter((_, i) => i % 4 === 2));
  });
  const emotionShown = (e: string) => page.waitForFunction((want) => document.getElementById("emotion")!.textContent === want, e, { timeout: 10_000 });

  test("pressing stimuli on the page makes the robot happy, scared and sad; the panel follows", async () => {
    const before = await canvasPixels();
    expect(before.some((v) => v > 0)).toBe(true); // the calm face is drawn from the glass
    for (const [stimulus, emotion] of [["gift", "joy"], ["threat", "fear"], ["loss", "sad"]]) {
      await emotionShown("calm");
      const pixelsBefore = await canvasPixels();
      await page.click(`button[data-stimulus="${stimulus}"]`);
      await emotionShown(emotion);
      await page.waitForTimeout(100); // the 400 ms crossfade, at 20x
      const after = await canvasPixels();
      expect(after).not.toEqual(pixelsBefore);
      await page.screenshot({ path: join(OUT, `sim-${emotion}.png`), fullPage: true });
    }
    expect(await page.textContent("#nuance")).toMatch(/\w+/);
  });

  test("works with the keyboard alone", async () => {
    await emotionShown("calm");
    await page.focus('button[data-stimulus="hug"]');
    await page.keyboard.press("Enter");
    await emotionShown("love");
    await page.focus("#strength");
    await page.keyboard.press("Home");
    expect(await page.inputValue("#strength")).toBe("0");
    await page.keyboard.press("End");
    expect(await page.inputValue("#strength")).toBe("1");
  });

  test("readable on a phone: one column, nothing wider than the screen", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await phone.goto(sim.url);
    await phone.waitForFunction(() => (window as any).moodface?.ready);
    const layout = await phone.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      panel: document.getElementById("panel")!.getBoundingClientRect().width,
      buttons: document.querySelectorAll("#stimuli button").length,
    }));
    expect(layout.scroll).toBeLessThanOrEqual(390);
    expect(layout.panel).toBeGreaterThan(300);
    expect(layout.buttons).toBeGreaterThanOrEqual(12);
    await phone.screenshot({ path: join(OUT, "sim-phone.png") });
    await phone.close();
  });

  test("moodface stim drives the running simulator", async () => {
    const port = new URL(sim.url).port;
    await emotionShown("calm");
    const r = await moodfaceAsync(["stim", "insult", "1", "--port", port, "--tags", "criticism"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("sent insult at 1");
    await emotionShown("mad");
    expect(EMOTIONS[sim.robot.engine.state.dominant]).toBe("mad");
    const bad = await moodfaceAsync(["stim", "insullt", "--port", port]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('unknown stimulus "insullt" (did you mean "insult"?)');
  });

  test("garbage on the socket is rejected and everyone else carries on", async () => {
    const ws = new WebSocket(sim.url.replace("http", "ws"));
    const replies: (string | Uint8Array)[] = [];
    ws.on("message", (d, isBinary) => replies.push(isBinary ? new Uint8Array(d as Buffer) : String(d)));
    await new Promise((r) => ws.once("open", r));
    sim.pause(true); // hold the clock, so any change would be the garbage's doing
    const levels = Array.from(sim.robot.engine.state.levels);
    ws.send("hello robot");
    ws.send(Uint8Array.of(0x01, 0x01, 200, 255, 0)); // unknown stimulus
    ws.send(Uint8Array.of(0x42, 0, 0)); // unknown type
    ws.send(Uint8Array.of(0x01, 0x01, 0, 255, 9)); // too many tags
    ws.send(new Uint8Array(500).fill(7)); // too long
    await new Promise((r) => setTimeout(r, 300));
    const errors = replies.filter((m) => m instanceof Uint8Array && m[0] === 0xff) as Uint8Array[];
    expect(errors.map((e) => [e[1], e[2]])).toEqual([
      [4, 2],
      [2, 0],
      [5, 4],
      [3, 20],
    ]);
    expect(replies.some((m) => typeof m === "string" && m.includes('"error"'))).toBe(true);
    expect(Array.from(sim.robot.engine.state.levels)).toEqual(levels);
    sim.pause(false);
    ws.close();
    // The page is still connected and served.
    await emotionShown("calm");
    await page.click('button[data-stimulus="gift"]');
    await emotionShown("joy");
  });

  test("the recorded I2C log replayed into a fresh panel gives the image the page shows", async () => {
    sim.pause(true);
    const want = Array.from(sim.host.panel.glassFrame());
    await page.waitForFunction((w) => JSON.stringify(Array.from((window as any).moodface.glass)) === JSON.stringify(w), want, { timeout: 5000 }).catch(() => undefined);
    const shown = await glass();
    await sim.close();
    const fresh = new VirtualSSD1306();
    replay(parseLog(readFileSync(log, "utf8"), log), 0x3c, fresh);
    expect(Array.from(fresh.glassFrame())).toEqual(shown);
    expect(shown).toEqual(want);
    // The same through the command line, as a picture.
    const png = join(dir, "glass.png");
    const r = await moodfaceAsync(["i2c", "replay", log, "-o", png, "--scale", "1", "--tint", "white"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("0 unknown and 0 malformed");
    const back = readGlassPng(readFileSync(png));
    const lit = Array.from(back.lum, (v) => (v > 0 ? 1 : 0));
    const bits = Array.from({ length: 128 * 64 }, (_, i) => (shown[((i >> 7) >> 3) * 128 + (i & 127)] >> ((i >> 7) & 7)) & 1);
    expect(lit).toEqual(bits);
    await page.screenshot({ path: join(OUT, "sim-final.png"), fullPage: true });
  });
});
