/*
 * Pairing a running simulator's page the way a person does, for the tests and the tools that drive
 * the page in chromium (tools/sim/reflex-montage.ts): the passkey is read off the virtual panel's
 * glass (tools/sim/pairing.ts readPasskey matches each digit cell against the robot's own figures).
 */
import type { Page } from "playwright-core";
import type { Sim } from "./server.js";
import { readPasskey } from "./pairing.js";

/**
 * Call once the client has had DONE for its PAIR_START: waits for a robot frame drawn after that
 * (so digits of an earlier, spent passkey are never read) that shows a passkey, and returns its six
 * digits. It waits on the simulator's clock, not on a time limit: a running simulator draws one.
 */
export function passkeyOnPanel(sim: Sim): Promise<string> {
  const asked = sim.time();
  return new Promise((resolve) => {
    const look = () => {
      const digits = sim.time() > asked ? readPasskey(sim.host.panel.glassFrame()) : undefined;
      if (digits) resolve(digits);
      else setTimeout(look, 10);
    };
    look();
  });
}

/**
 * Pairs the simulator's page (the app, tools/app) as a person does: Pair, read the digits off the panel,
 * type them, Send. Resolves once the page says it is paired.
 */
export async function pairPage(page: Page, sim: Sim): Promise<void> {
  await page.click("#pair-start");
  await page.waitForSelector("#pair-form:not([hidden])");
  await page.fill("#passkey", await passkeyOnPanel(sim));
  await page.click("#pair-send");
  await page.waitForFunction(() => (window as unknown as { moodfaceApp: { paired: boolean } }).moodfaceApp.paired);
}
