/// <reference lib="dom" />
/*
 * The page explains itself (issue 11), in Debian's chromium: emotion colours by name and distinct
 * from the neuromodulators', a legend of what drives each emotion, the labelled status line, tag
 * explanations, a visible disconnected state, the face in view on a phone, no 404 and no CSP
 * violation, pairing that ends with the connection (a reconnect says to pair again). Runs at 1x, as `npm start` does; its screenshot is the README's (test-output/simulator.png).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startSim, type Sim } from "../../tools/sim/server.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";
import { pairPage } from "../helpers/passkey.js";

const OUT = join(REPO_ROOT, "test-output");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
const distance = (a: string, b: string) => Math.hypot(...hex(a).map((v, i) => v - hex(b)[i]));

describe("the simulator page explains itself", () => {
  let sim: Sim;
  const state = join(tempDir(), "state.bin");
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    sim = await startSim({ port: 0, framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile: state, speed: 1, hz: 400000, seed: 1, quiet: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
    await page.goto(sim.url);
    await page.waitForFunction(() => (window as any).moodfaceApp?.ready && (window as any).moodfaceApp.model && (window as any).moodfaceApp.glass);
  });

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });

  test("emotion colours are conventional, by name, and none is a neuromodulator's", async () => {
    const c = await page.evaluate(() => {
      const m = (window as any).moodfaceApp;
      const sets = (series: any[]) => Object.fromEntries(series.map((d: any) => [d.label, d.colour]));
      const s = m.series();
      return { colours: m.colours, probs: sets(s.probabilities), levels: sets(s.levels) };
    });
    const e = c.colours.emotions as Record<string, string>;
    for (const [name, colour] of Object.entries(c.probs)) expect(colour).toBe(e[name]);
    const [r, g, b] = hex(e.joy);
    expect(r > 200 && g > 180 && b < 80).toBe(true); // yellow
    expect(hex(e.sad)[2]).toBeGreaterThan(200); // blue
    expect(hex(e.mad)[0]).toBeGreaterThan(200); // red
    expect(distance(e.fear, e.power)).toBeGreaterThan(120);
    const emotionColours = Object.values(e);
    for (const [name, colour] of Object.entries(c.levels)) {
      if (name.endsWith(" rest")) continue;
      for (const ec of emotionColours) expect(distance(colour as string, ec)).toBeGreaterThan(40);
    }
  });

  test("a legend says which neuromodulators drive which emotion, from the running profile", async () => {
    const items = await page.$$eval("#legend li", (lis) => lis.map((li) => [(li as HTMLElement).dataset.emotion, li.textContent]));
    expect(items).toHaveLength(8);
    expect(items.find(([e]) => e === "joy")![1]).toContain("high dopamine");
    expect(items.find(([e]) => e === "calm")![1]).toContain("wins when every other emotion is weak");
    expect(await page.textContent("#legend-profile")).toBe("default");
  });

  test("the status line is labelled and has a one-line help; tags are explained", async () => {
    expect(await page.textContent(".feeling-label")).toBe("emotion · intensity · Feeling-Wheel word");
    expect(await page.textContent("#intensity")).toMatch(/^(mild|medium|strong)$/);
    expect(await page.textContent("#feeling-help")).toContain("Feeling Wheel");
    expect(await page.textContent("#tags-help")).toContain("Recent tags choose the Feeling-Wheel word");
    const title = await page.getAttribute('#tags label[data-tag="threat"]', "title");
    expect(title).toMatch(/^threat: sent with .*threat.*; picks /);
  });

  test("no 404 (favicon included) and no content-security-policy violation", async () => {
    expect(problems).toEqual([]);
  });

  test("the README screenshot: paired, then a gift at 1x", async () => {
    await pairPage(page, sim);
    await page.click('button[data-stimulus="gift"]');
    await page.waitForFunction(() => document.getElementById("emotion")!.textContent === "joy", undefined, { timeout: 10_000 });
    await page.waitForFunction(() => (window as any).moodfaceApp.series().probabilities[0].points.length > 8, undefined, { timeout: 20_000 });
    expect(await page.textContent("#status")).toBe("sent gift");
    await page.screenshot({ path: join(OUT, "simulator.png") });
  });

  test("the clock (pause, step, speed), the robot's trace, and the exports (CSV, PNG, GIF)", async () => {
    // Pause: the robot's clock stops; Step: one frame of it; Run: it goes on.
    await page.click("#pause");
    await page.waitForFunction(() => (window as any).moodfaceApp.stats?.paused === true);
    const t = sim.time();
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.time()).toBe(t);
    expect(await page.isEnabled("#step")).toBe(true);
    await page.click("#step");
    await page.waitForFunction((t0) => (window as any).moodfaceApp.stats.t > t0, t);
    expect(sim.time() - t).toBeGreaterThan(0);
    expect(sim.time() - t).toBeLessThanOrEqual(40);
    await page.click("#pause");
    await page.waitForFunction(() => (window as any).moodfaceApp.stats?.paused === false);
    await page.selectOption("#speed", "2");
    await page.waitForFunction(() => (window as any).moodfaceApp.stats?.speed === 2);
    await page.selectOption("#speed", "1");
    // The trace pane: the robot's own lines (its boot line went to the page with the first frames).
    await page.click("#trace-box summary");
    const trace = await page.textContent("#trace");
    expect(trace).toMatch(/^moodface: profile default, \d+ stimuli, \d+ keyframes/m); // the boot line, from before the page came
    expect(trace).toMatch(/^moodface: joy \(\w+\)$/m);
    // Exports.
    const save = async (id: string) => {
      const [d] = await Promise.all([page.waitForEvent("download"), page.click(id)]);
      return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
    };
    const levels = await save("#export-levels");
    const rows = levels.bytes.toString("utf8").trim().split("\n");
    expect(levels.name).toBe("moodface-levels.csv");
    expect(rows[0].split(",").slice(0, 3)).toEqual(["t_s", "dopamine", "dopamine_rest"]);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows[1].split(",").length).toBe(rows[0].split(",").length);
    const log = await save("#export-log");
    expect(log.bytes.toString("utf8")).toMatch(/^event\n"gift 0\.80: /);
    const png = await save("#export-panel");
    expect(png.bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    const gif = await save("#export-gif");
    expect(gif.bytes.subarray(0, 6).toString("latin1")).toBe("GIF89a");
    expect([gif.bytes.readUInt16LE(6), gif.bytes.readUInt16LE(8)]).toEqual([256, 128]);
  });

  test("on a phone the face stays in view while scrolling to the last button", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await phone.goto(sim.url);
    await phone.waitForFunction(() => (window as any).moodfaceApp?.ready);
    await phone.locator("#stimuli button").last().scrollIntoViewIfNeeded();
    const r = await phone.evaluate(() => {
      const p = document.getElementById("glass")!.getBoundingClientRect();
      return { top: p.top, bottom: p.bottom, scrolled: window.scrollY };
    });
    expect(r.scrolled).toBeGreaterThan(200);
    expect(r.top).toBeGreaterThanOrEqual(0);
    expect(r.bottom).toBeLessThanOrEqual(844);
    await phone.screenshot({ path: join(OUT, "sim-phone-scrolled.png") });
    await phone.close();
  });

  test("when the simulator stops: said in words, buttons disabled, frames/s stopped", async () => {
    await sim.close();
    await page.waitForFunction(() => document.body.classList.contains("disconnected"), undefined, { timeout: 10_000 });
    expect(await page.isVisible("#offline")).toBe(true);
    expect(await page.textContent("#fps")).toBe("stopped");
    const disabled = await page.$$eval("#stimuli button", (bs) => bs.every((b) => (b as HTMLButtonElement).disabled));
    expect(disabled).toBe(true);
    // Pairing ended with the connection, and the page says so.
    expect(await page.textContent("#pair-text")).toBe("disconnected: pairing ends with the connection; pair again once it is back");
    expect(await page.isDisabled("#pair-start")).toBe(true);
    await page.screenshot({ path: join(OUT, "sim-disconnected.png") });
  });

  test("when it is back the page reconnects unpaired and says to pair again", async () => {
    sim = await startSim({ port: Number(new URL(sim.url).port), framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile: state, speed: 1, hz: 400000, seed: 1, quiet: true });
    await page.waitForFunction(() => (window as any).moodfaceApp.ready && (window as any).moodfaceApp.connected);
    expect(await page.textContent("#pair-text")).toBe("reconnected, so pair again: press Pair, then type the six digits the robot shows");
    // A new robot clock (a new epoch): the old series, markers and log are gone, nothing drawn back
    // across the chart; the new points follow the new clock from 0.
    await page.waitForFunction(() => (window as any).moodfaceApp.series().probabilities[0].points.length > 2, undefined, { timeout: 10_000 });
    const charts = await page.evaluate(() => {
      const m = (window as any).moodfaceApp;
      const xs = (series: any[]) => series.flatMap((d: any) => d.points.map((p: any) => p.x));
      const s = m.series();
      return { xs: [...xs(s.levels), ...xs(s.probabilities)], log: m.events.length, marks: m.marks.length, items: document.querySelectorAll("#event-log li").length };
    });
    const now = sim.time() / 1000;
    expect(Math.max(...charts.xs)).toBeLessThanOrEqual(now + 0.5);
    expect(Math.min(...charts.xs)).toBeLessThan(3);
    const sorted = [...charts.xs];
    expect(charts.xs.length).toBeGreaterThan(0);
    expect({ log: charts.log, marks: charts.marks, items: charts.items }).toEqual({ log: 0, marks: 0, items: 0 });
    expect(sorted.every((x) => x >= 0)).toBe(true);
    await page.screenshot({ path: join(OUT, "sim-restarted.png") });
    expect(await page.evaluate(() => (window as any).moodfaceApp.paired)).toBe(false);
    expect(await page.$$eval("#stimuli button", (bs) => bs.every((b) => (b as HTMLButtonElement).disabled))).toBe(true);
    expect(await page.isEnabled("#pair-start")).toBe(true);
    await pairPage(page, sim);
    expect(await page.$$eval("#stimuli button", (bs) => bs.every((b) => !(b as HTMLButtonElement).disabled))).toBe(true);
  });
});
