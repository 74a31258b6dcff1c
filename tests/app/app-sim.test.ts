/// <reference lib="dom" />
/*
 * The one page (the app, tools/app) in Debian chromium as the simulator serves it: it connects to
 * its simulator by itself, the passkey is read off the virtual panel's glass (matched against the
 * digits the robot draws), typed into the page, and then stimuli move the charts and the face; a
 * wrong passkey is refused. The event log is the robot's own: on night -> gift -> threat two pages
 * and a raw WebSocket client write the same sentences, and the asleep robot plays no hearts and no
 * startle. Also: the production build is a static folder, and a browser without Web Bluetooth gets
 * one clear sentence. Screenshots go to test-output/.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import WebSocket from "ws";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startSim, type Sim } from "../../tools/sim/server.js";
import { APP_OUT } from "../../tools/app/serve.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";
import { pairSocket, passkeyOnPanel } from "../helpers/passkey.js";
import { decodeEvent, encodeStimulus, MSG_EVENT } from "../../modules/link/codec.js";
import { eventSentence } from "../../modules/app/events.js";

const OUT = join(REPO_ROOT, "test-output");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

type AppApi = { connected: boolean; paired: boolean; emotion: string; word: string; states: number; acks: number; errors: number[]; chartPoints: number; glass: Uint8Array | null; events: string[] };
const app = (page: Page) => page.evaluate(() => (window as unknown as { moodfaceApp: AppApi }).moodfaceApp);

describe("stimulus app against the simulator", () => {
  let sim: Sim;
  let browser: Browser;
  let page: Page;
  const dir = tempDir();

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    sim = await startSim({ port: 0, framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile: join(dir, "state.bin"), speed: 20, hz: 400000, seed: 1, quiet: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--enable-features=WebBluetooth"] });
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    await page.goto(sim.url);
  });

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });

  const emotionShown = (e: string) => page.waitForFunction((want) => document.getElementById("emotion")!.textContent === want, e, { timeout: 15_000 });

  test("the build is a static folder the simulator serves as its page", () => {
    expect(existsSync(join(APP_OUT, "index.html"))).toBe(true);
    expect(readdirSync(join(APP_OUT, "assets")).some((f) => f.endsWith(".js"))).toBe(true);
  });

  test("connects to its simulator by itself and watches without pairing; writing needs pairing", async () => {
    expect(await page.inputValue("#sim-url")).toBe(sim.url.replace("http", "ws"));
    await page.waitForFunction(() => (window as any).moodfaceApp.connected && (window as any).moodfaceApp.states > 0);
    expect(await page.textContent("#pair-text")).toContain("pair");
    expect(await page.$$eval("#stimuli button", (bs) => bs.every((b) => (b as HTMLButtonElement).disabled))).toBe(true);
    expect(await page.textContent("#versions")).toMatch(/^firmware \d+\.\d+\.\d+ · protocol 1$/);
    expect([await page.textContent("#robot-name"), await page.textContent("#robot-kind")]).toEqual(["moodface", "simulator"]);
    expect(EMOTIONS[sim.robot.engine.state.dominant]).toBe("calm");
  });

  test("a wrong passkey is refused", async () => {
    await page.click("#pair-start");
    await page.waitForSelector("#pair-form:not([hidden])");
    const digits = await passkeyOnPanel(sim);
    await page.screenshot({ path: join(OUT, "app-passkey-prompt.png"), fullPage: true });
    await page.fill("#passkey", String((Number(digits) + 1) % 1_000_000).padStart(6, "0"));
    await page.click("#pair-send");
    await page.waitForFunction(() => (window as any).moodfaceApp.errors.includes(9));
    expect(await page.textContent("#status")).toContain("wrong passkey");
    expect((await app(page)).paired).toBe(false);
  });

  test("pairing with the digits on the panel, then stimuli move the charts and the face", async () => {
    await page.click("#pair-start");
    await page.waitForSelector("#pair-form:not([hidden])");
    const digits = await passkeyOnPanel(sim);
    await page.fill("#passkey", digits);
    await page.click("#pair-send");
    await page.waitForFunction(() => (window as any).moodfaceApp.paired);
    expect(await page.textContent("#status")).toBe("paired");
    await emotionShown("calm");
    for (const [stimulus, emotion] of [["gift", "joy"], ["threat", "fear"]]) {
      await emotionShown("calm");
      const before = await app(page);
      await page.click(`button[data-stimulus="${stimulus}"]`);
      await emotionShown(emotion);
      await page.waitForFunction((n) => (window as any).moodfaceApp.chartPoints > n + 3, before.chartPoints);
      const after = await app(page);
      expect(after.acks).toBe(before.acks + 1);
      expect(after.word).toMatch(/\w+/);
      // The face moved: the panel's glass as the app shows it differs from before the stimulus.
      await page.waitForFunction((g) => JSON.stringify(Array.from((window as any).moodfaceApp.glass)) !== JSON.stringify(g), Array.from(before.glass!));
      const chartData = await page.evaluate(() => {
        const c = (window as any).Chart;
        return c === undefined;
      });
      expect(chartData).toBe(true); // Chart.js is bundled, not a global
      await page.screenshot({ path: join(OUT, `app-sim-${emotion}.png`), fullPage: true });
    }
    // Tags travel with a stimulus.
    await emotionShown("calm");
    await page.click("summary");
    await page.check('#tags input[data-tag="criticism"]');
    await page.click('button[data-stimulus="insult"]');
    await emotionShown("mad");
    // The event log says what each stimulus did: the robot's EVENT in the one sentence (modules/app/events.ts).
    await page.waitForFunction(() => (window as any).moodfaceApp.events.some((l: string) => l.startsWith("insult")));
    const log: string[] = await page.evaluate(() => (window as any).moodfaceApp.events);
    expect(log.find((l) => l.startsWith("gift"))).toMatch(/^gift 0\.80: \w+ (rose|fell) to \d\.\d\d.*; hearts$/);
    expect(await page.locator("#event-log li").count()).toBe(log.length);
  });

  test("night, gift, threat: the robot's own log, the same on two pages and a raw client; no hearts, no startle while asleep", async () => {
    const other = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    await other.goto(sim.url);
    await other.waitForFunction(() => (window as any).moodfaceApp.ready);
    const raw = new WebSocket(sim.url.replace("http", "ws"));
    const rawLog: string[] = [];
    raw.on("message", (d: Buffer, isBinary) => {
      if (!isBinary || d[0] !== MSG_EVENT) return;
      const e = decodeEvent(new Uint8Array(d))!;
      rawLog.push(eventSentence(e, sim.robot.engine.catalog.names[e.stimulus], EMOTIONS));
    });
    await new Promise((r) => raw.once("open", r));
    await pairSocket(raw, sim);
    await emotionShown("calm");
    const since = await page.evaluate(() => (window as any).moodfaceApp.events.length);
    const m = new Uint8Array(20);
    for (const s of ["night", "gift", "threat"]) {
      raw.send(m.slice(0, encodeStimulus(m, sim.robot.engine.stimulusIndex(s), 204)));
      await page.waitForFunction(([n, want]) => (window as any).moodfaceApp.events.slice(n).some((l: string) => l.startsWith(want)), [since, s] as const, { timeout: 15_000 });
    }
    const pageLog: string[] = (await page.evaluate(() => (window as any).moodfaceApp.events)).slice(-3);
    await other.waitForFunction((n) => (window as any).moodfaceApp.events.length >= n, 3);
    const otherLog: string[] = (await other.evaluate(() => (window as any).moodfaceApp.events)).slice(-3);
    expect(pageLog.map((l) => l.split(" ")[0])).toEqual(["night", "gift", "threat"]);
    expect(pageLog[0]).toMatch(/; fell asleep$/);
    expect(pageLog[1]).not.toMatch(/;/); // asleep: no hearts
    expect(pageLog[2]).not.toMatch(/;/); // asleep: no startle
    expect(otherLog).toEqual(pageLog);
    expect(rawLog.slice(-3)).toEqual(pageLog);
    expect(await page.locator("#event-log li").first().textContent()).toBe(pageLog[2]);
    await page.screenshot({ path: join(OUT, "app-sim-night.png"), fullPage: true });
    raw.close();
    await other.close();
  });

  test("a browser without Web Bluetooth says so in one sentence", async () => {
    const plain = await browser.newPage();
    await plain.addInitScript(() => delete (Navigator.prototype as any).bluetooth);
    await plain.goto(sim.url);
    expect(await plain.isDisabled("#ble")).toBe(true);
    expect(await plain.textContent("#ble-problem")).toMatch(/^This browser has no Web Bluetooth \(Firefox and Safari do not support it\)\./);
    await plain.close();
  });
});
