/*
 * The simulator's event log and sensors over its real server: each stimulus (from the link or the
 * virtual sensors) comes back a second later as the robot's own EVENT message, sent to every client,
 * which reads as the one sentence (modules/app/events.ts); POST /sense touches the virtual pad and
 * moves the virtual IMU, with the WebSocket's Host and Origin checks.
 */
import { join } from "node:path";
import WebSocket from "ws";
import { chromium } from "playwright-core";
import { startSim, type Sim } from "../../tools/sim/server.js";
import { decodeEvent, encodeStimulus, MSG_EVENT } from "../../modules/link/codec.js";
import { eventSentence } from "../../modules/app/events.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";
import { pairPage, pairSocket, terminalHeaders } from "../helpers/passkey.js";

describe("simulator: event log and sensors", () => {
  let sim: Sim;
  let ws: WebSocket;
  const events: { t: number; stimulus: string; text: string }[] = [];

  beforeAll(async () => {
    sim = await startSim({ port: 0, framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile: join(tempDir(), "state.bin"), speed: 20, hz: 400000, seed: 1, quiet: true });
    ws = new WebSocket(sim.url.replace("http", "ws"));
    ws.on("message", (d: Buffer, isBinary) => {
      if (!isBinary || d[0] !== MSG_EVENT) return;
      const e = decodeEvent(new Uint8Array(d))!;
      const stimulus = sim.robot.engine.catalog.names[e.stimulus];
      events.push({ t: e.at, stimulus, text: eventSentence(e, stimulus, EMOTIONS) });
    });
    await new Promise((r) => ws.once("open", r));
    await pairSocket(ws, sim);
  });

  afterAll(async () => {
    ws?.close();
    await sim?.close();
  });

  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
    return ok();
  };

  test("a stimulus from the link comes back as an event with its sentence and reaction", async () => {
    const m = new Uint8Array(20);
    ws.send(m.slice(0, encodeStimulus(m, sim.robot.engine.stimulusIndex("hit"), 204)));
    expect(await until(() => events.some((e) => e.stimulus === "hit"))).toBe(true);
    const e = events.find((x) => x.stimulus === "hit")!;
    // From calm, a hit makes mad rise (the sentence compares with the state before the stimulus landed).
    expect(e.text).toMatch(/^hit 0\.80: mad rose to \d\.\d\d(, \w+ (still|now) leads| and now leads); flinch$/);
  });

  test("POST /sense: touch and a drop reach the robot through its drivers and show as events", async () => {
    const touch = await fetch(sim.url + "sense?what=touch", { method: "POST", headers: await terminalHeaders(sim) });
    expect(touch.status).toBe(200);
    expect(await until(() => events.some((e) => e.stimulus === "touch"))).toBe(true);
    expect(events.find((e) => e.stimulus === "touch")!.text).toMatch(/^touch 0\.60: .*; giggle$/);
    expect((await fetch(sim.url + "sense?what=drop", { method: "POST", headers: await terminalHeaders(sim) })).status).toBe(200);
    expect(await until(() => events.some((e) => e.stimulus === "hit" && e.text.startsWith("hit 1.00")))).toBe(true);
    expect(sim.robot.senses.samples).toBeGreaterThan(0);
  });

  test("the page: the sensor buttons poke the robot and the log and the chart markers show what happened", async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
      const problems: string[] = [];
      page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(sim.url);
      await page.waitForFunction(() => (window as any).moodfaceApp?.ready);
      // The sensor buttons change the robot: the page pairs first (an unpaired page's POST gets 401).
      await pairPage(page, sim);
      await page.click('#sensors button[data-sense="shake"]');
      await page.waitForFunction(() => (window as any).moodfaceApp.events.some((l: string) => l.startsWith("threat 0.70")), undefined, { timeout: 20_000 });
      expect(await page.locator("#event-log li").first().textContent()).toMatch(/^threat 0\.70: .*; startle$/);
      expect(await page.evaluate(() => (window as any).moodfaceApp.marks.some((m: any) => m.label === "threat"))).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test("/sense refuses other methods, unknown gestures and pages from other sites", async () => {
    expect((await fetch(sim.url + "sense?what=touch")).status).toBe(405);
    expect((await fetch(sim.url + "sense?what=spin", { method: "POST", headers: await terminalHeaders(sim) })).status).toBe(404);
    // Without the terminal's cookie or a paired client's key: refused, 4xx, nothing touched.
    expect((await fetch(sim.url + "sense?what=touch", { method: "POST" })).status).toBe(401);
    expect((await fetch(sim.url + "sense?what=touch", { method: "POST", headers: { "x-moodface-key": "guess" } })).status).toBe(401);
    const foreign = await fetch(sim.url + "sense?what=touch", { method: "POST", headers: { ...(await terminalHeaders(sim)), origin: "http://evil.example" } });
    expect(foreign.status).toBe(403);
  });
});
