/// <reference lib="dom" />
/*
 * End to end: the simulator in a real browser (Debian chromium driven by playwright-core), paired
 * as a person pairs it (the passkey read off the virtual panel and typed into the page), the
 * `moodface stim` command on a terminal against a running simulator, garbage on the socket, and the
 * I2C log replayed into a fresh panel. Screenshots go to test-output/.
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
import { encodePair, encodePairStart, ERR_PASSKEY, MSG_DONE, MSG_ERROR, MSG_PAIR, MSG_PAIR_START } from "../../modules/link/codec.js";
import { readPasskey } from "../../tools/sim/pairing.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { moodfaceAsync, moodfaceOnTerminal, tempDir } from "../helpers/cli.js";
import { pairPage, passkeyOnPanel } from "../helpers/passkey.js";

const PAIR_FIRST = "pair first: press Pair, then type the six digits the robot shows";
const snapshot = (sim: Sim) => JSON.stringify([Array.from(sim.robot.engine.state.levels), sim.robot.engine.state.dominant]);

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
    sim = await startSim({ port: 0, framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile: join(dir, "state.bin"), speed: 20, hz: 400000, seed: 1, i2cLog: log, quiet: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(sim.url);
    await page.waitForFunction(() => (window as any).moodfaceApp?.ready && (window as any).moodfaceApp.glass);
  });

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });

  const glass = () => page.evaluate(() => Array.from((window as any).moodfaceApp.glass as Uint8Array));
  const canvasPixels = () => page.evaluate(() => {
    const c = document.getElementById("glass") as HTMLCanvasElement;
    return Array.from(c.getContext("2d")!.getImageData(0, 0, 128, 64).data.filter((_, i) => i % 4 === 2));
  });
  const emotionShown = (e: string) => page.waitForFunction((want) => document.getElementById("emotion")!.textContent === want, e, { timeout: 10_000 });

  const stimulusButtonsDisabled = (p: Page = page) => p.$$eval("#stimuli button", (bs) => bs.map((b) => (b as HTMLButtonElement).disabled));

  test("the page watches until it pairs: a wrong passkey is refused and changes nothing; the right one turns the buttons on", async () => {
    // Unpaired: it watches (glass, state), the buttons that write are off and say why in one line.
    expect(await page.textContent("#pair-text")).toBe(PAIR_FIRST);
    expect(await page.isVisible("#pair-start")).toBe(true);
    const off = await stimulusButtonsDisabled();
    expect(off.length).toBeGreaterThanOrEqual(12);
    expect(off.every(Boolean)).toBe(true);
    expect(await page.getAttribute("#stimuli", "aria-description")).toBe(PAIR_FIRST);

    // Pair: the robot draws six digits on its panel (and the terminal prints them), but this page is
    // not paired, so its copy of the panel never shows them: it could read its own passkey otherwise.
    await page.click("#pair-start");
    await page.waitForSelector("#pair-form:not([hidden])");
    expect(await page.textContent("#pair-text")).toMatch(/^type the six digits the simulator's terminal prints for this page \(client \d+\), then press Send$/);
    const digits = await passkeyOnPanel(sim);
    // Frames with the digits go by; then hold the clock: any change in the robot would be the page's doing.
    const shownAt = sim.time();
    while (sim.time() < shownAt + 300) await new Promise((r) => setTimeout(r, 20));
    sim.pause(true);
    expect(readPasskey(sim.host.panel.glassFrame())).toBe(digits);
    expect(readPasskey(Uint8Array.from(await glass()))).toBeUndefined();
    expect(sim.link.counters.withheld).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("passkey");
    await page.screenshot({ path: join(OUT, "sim-passkey.png"), fullPage: true });

    // A wrong passkey: refused, said so, still unpaired, nothing changed in the robot.
    const before = snapshot(sim);
    await page.fill("#passkey", String((Number(digits) + 1) % 1_000_000).padStart(6, "0"));
    await page.click("#pair-send");
    await page.waitForFunction((code) => (window as any).moodfaceApp.errors.includes(code), ERR_PASSKEY);
    expect(await page.textContent("#pair-text")).toBe("wrong passkey, and those digits are spent: press Pair for new ones, then type them");
    expect(await page.evaluate(() => (window as any).moodfaceApp.paired)).toBe(false);
    expect((await stimulusButtonsDisabled()).every(Boolean)).toBe(true);
    expect(await page.isVisible("#pair-start")).toBe(true);
    expect(snapshot(sim)).toBe(before);
    sim.pause(false);

    // Six digits only: anything else is not sent.
    await page.click("#pair-start");
    await page.waitForSelector("#pair-form:not([hidden])");
    await page.fill("#passkey", "12a4");
    await page.click("#pair-send");
    expect(await page.textContent("#pair-text")).toBe("type all six digits the robot shows (numbers only), then press Send");

    // The right passkey (a new one: press Pair again) pairs; the buttons come on.
    await pairPage(page, sim);
    expect(await page.textContent("#pair-text")).toBe("paired: your stimuli reach the robot until this page disconnects");
    expect(await page.isVisible("#pair-start")).toBe(false);
    expect(await page.isVisible("#pair-form")).toBe(false);
    expect((await stimulusButtonsDisabled()).every((d) => !d)).toBe(true);
    expect(await page.getAttribute("#stimuli", "aria-description")).toBeNull();
  });

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
    expect(await page.textContent("#word")).toMatch(/\w+/);
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
    await phone.waitForFunction(() => (window as any).moodfaceApp?.ready);
    const layout = await phone.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      panel: document.getElementById("glass")!.getBoundingClientRect().width,
      buttons: document.querySelectorAll("#stimuli button").length,
    }));
    expect(layout.scroll).toBeLessThanOrEqual(390);
    expect(layout.panel).toBeGreaterThan(300);
    expect(layout.buttons).toBeGreaterThanOrEqual(12);
    await phone.screenshot({ path: join(OUT, "sim-phone.png") });
    await phone.close();
  });

  const PROMPT = /passkey \(client \d+, on the simulator's terminal\): /;

  test("moodface stim on a terminal asks for the passkey on the panel, pairs and drives the running simulator", async () => {
    const port = new URL(sim.url).port;
    await emotionShown("calm");
    const run = moodfaceOnTerminal(["stim", "insult", "1", "--port", port, "--tags", "criticism"]);
    await run.waitFor(PROMPT);
    // One prompt line; the robot shows the digits for this connection.
    expect(run.output().match(new RegExp(PROMPT.source, "g"))).toHaveLength(1);
    run.type(await passkeyOnPanel(sim));
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("sent insult at 1");
    await emotionShown("mad");
    // The page's log names what came in (the engine itself may already be on its way back at 20x).
    await page.waitForFunction(() => [...document.querySelectorAll("#event-log li")].some((li) => /^insult 1\.00: /.test(li.textContent ?? "")), undefined, { timeout: 10_000 });
  });

  test("moodface stim with a wrong passkey sends nothing: one line, exit 1", async () => {
    const port = new URL(sim.url).port;
    await emotionShown("calm");
    const run = moodfaceOnTerminal(["stim", "threat", "--port", port]);
    await run.waitFor(PROMPT);
    const digits = await passkeyOnPanel(sim);
    sim.pause(true);
    const before = snapshot(sim);
    run.type(String((Number(digits) + 1) % 1_000_000).padStart(6, "0"));
    expect(await run.exited).toBe(1);
    expect(snapshot(sim)).toBe(before);
    sim.pause(false);
    const errors = run.output().split(/\r?\n/).filter((l) => l.startsWith("moodface:"));
    expect(errors).toEqual(["moodface: wrong passkey (each is good for one try); nothing was sent: run stim again for new digits"]);
  });

  test("moodface stim off a terminal sends nothing and says where to pair, in one line", async () => {
    const port = new URL(sim.url).port;
    const r = await moodfaceAsync(["stim", "gift", "--port", port]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`moodface: stimuli need pairing with the six digits the simulator prints on its terminal, typed at a terminal (stdin is not one); nothing was sent: pair and send from the page http://127.0.0.1:${port}/\n`);
    // A wrong name is said before any pairing.
    const bad = await moodfaceAsync(["stim", "insullt", "--port", port]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('moodface: unknown stimulus "insullt" (did you mean "insult"?)\n');
  });

  test("garbage on the socket from a paired client is rejected and everyone else carries on", async () => {
    const ws = new WebSocket(sim.url.replace("http", "ws"));
    const replies: (string | Uint8Array)[] = [];
    let seen: (() => void) | undefined;
    ws.on("message", (d, isBinary) => {
      replies.push(isBinary ? new Uint8Array(d as Buffer) : String(d));
      seen?.();
    });
    /** Resolves once the replies so far satisfy `ok` (checked on each message). */
    const until = (ok: () => boolean) =>
      new Promise<void>((resolve) => {
        seen = () => {
          if (ok()) resolve();
        };
        seen();
      });
    const errors = () => replies.filter((m) => m instanceof Uint8Array && m[0] === MSG_ERROR) as Uint8Array[];
    const done = (type: number) => replies.some((m) => m instanceof Uint8Array && m[0] === MSG_DONE && m[1] === type);
    await new Promise((r) => ws.once("open", r));
    // Paired the way a person pairs, so that the garbage reaches the decoder.
    const out = new Uint8Array(8);
    ws.send(out.slice(0, encodePairStart(out)));
    await until(() => done(MSG_PAIR_START));
    ws.send(out.slice(0, encodePair(out, Number(await passkeyOnPanel(sim)))));
    await until(() => done(MSG_PAIR));
    sim.pause(true); // hold the clock, so any change would be the garbage's doing
    const levels = Array.from(sim.robot.engine.state.levels);
    ws.send("hello robot");
    ws.send(Uint8Array.of(0x01, 0x01, 200, 255, 0)); // unknown stimulus
    ws.send(Uint8Array.of(0x42, 0, 0)); // unknown type
    ws.send(Uint8Array.of(0x01, 0x01, 0, 255, 9)); // too many tags
    ws.send(new Uint8Array(500).fill(7)); // too long
    await until(() => errors().length === 4);
    expect(errors().map((e) => [e[1], e[2]])).toEqual([
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
    await page.waitForFunction((w) => JSON.stringify(Array.from((window as any).moodfaceApp.glass)) === JSON.stringify(w), want, { timeout: 5000 }).catch(() => undefined);
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
