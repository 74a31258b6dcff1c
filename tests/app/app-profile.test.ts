/// <reference lib="dom" />
/*
 * The web app's personality control and the robot's why, in Debian chromium against the simulator:
 * unpaired, the switch is off and the robot keeps its profile (the robot's own refusal of an unpaired
 * PROFILE is tests/link/profile.test.ts); paired, the page switches the robot to the guardian
 * (PROFILE, DONE), the simulator's state file names it, and a lie then reads "the lie hurt:
 * integrity" in the page's event log, from the bits in the robot's EVENT.
 */
import { readStateFile } from "../../tools/sim/flash-file.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startSim, type Sim } from "../../tools/sim/server.js";
import { decodeSaved } from "../../modules/app/saved.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";
import { passkeyOnPanel } from "../helpers/passkey.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

describe("stimulus app: the robot's personality", () => {
  let sim: Sim;
  let browser: Browser;
  let page: Page;
  const dir = tempDir();
  const stateFile = join(dir, "state.bin");

  beforeAll(async () => {
    sim = await startSim({ port: 0, framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile, speed: 20, hz: 400000, seed: 1, quiet: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    await page.goto(sim.url);
    await page.waitForFunction(() => (window as any).moodfaceApp.connected && (window as any).moodfaceApp.states > 0);
  });

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });

  test("the list holds the simulator's profiles with the running one selected", async () => {
    const options = await page.$$eval("#profile option", (os) => os.map((o) => [(o as HTMLOptionElement).value, (o as HTMLOptionElement).selected]));
    expect(options.map((o) => o[0])).toEqual(["anxious", "cheerful", "default", "guardian", "inventor", "lovheim"]);
    expect(options.find((o) => o[1])?.[0]).toBe(sim.robot.engine.profile.name);
  });

  test("unpaired, the switch is off and nothing changes", async () => {
    const before = sim.robot.engine.profile.name;
    await page.selectOption("#profile", "guardian");
    expect(await page.isDisabled("#profile-send")).toBe(true);
    expect(sim.robot.engine.profile.name).toBe(before);
  });

  test("paired, the app switches the robot, the choice is saved, and the event log says why a lie hurt", async () => {
    await page.click("#pair-start");
    await page.waitForSelector("#pair-form:not([hidden])");
    await page.fill("#passkey", await passkeyOnPanel(sim));
    await page.click("#pair-send");
    await page.waitForFunction(() => (window as any).moodfaceApp.paired);
    await page.selectOption("#profile", "guardian");
    await page.click("#profile-send");
    await page.waitForFunction(() => (window as any).moodfaceApp.profile === "guardian");
    expect(sim.robot.engine.profile.name).toBe("guardian");
    expect(await page.textContent("#status")).toBe("the robot is now guardian");
    expect(decodeSaved(readStateFile(stateFile)!)?.profile).toBe("guardian");
    await page.click('button[data-stimulus="lie"]');
    await page.waitForFunction(() => (window as any).moodfaceApp.events.some((l: string) => l.startsWith("lie")), undefined, { timeout: 20_000 });
    const log: string[] = await page.evaluate(() => (window as any).moodfaceApp.events);
    expect(log.find((l) => l.startsWith("lie"))).toMatch(/^lie 0\.80: .*; the lie hurt: integrity/);
  });
});
