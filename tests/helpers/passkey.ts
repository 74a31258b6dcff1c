/*
 * The passkey a running simulator shows, read off its virtual panel's glass the way a person reads
 * it (tools/sim/pairing.ts readPasskey matches each digit cell against the robot's own figures).
 */
import type { Page } from "playwright-core";
import type { Sim } from "../../tools/sim/server.js";
import { readPasskey } from "../../tools/sim/pairing.js";
import type WebSocket from "ws";
import { encodePair, encodePairStart, MSG_DONE, MSG_PAIR, MSG_PAIR_START } from "../../modules/link/codec.js";

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
 * Pairs the simulator page (tools/sim/web) as a person does: Pair, read the digits off the panel,
 * type them, Send. Resolves once the page says it is paired.
 */
export async function pairPage(page: Page, sim: Sim): Promise<void> {
  await page.click("#pair-start");
  await page.waitForSelector("#pair-form:not([hidden])");
  await page.fill("#passkey", await passkeyOnPanel(sim));
  await page.click("#pair-send");
  await page.waitForFunction(() => (window as unknown as { moodface: { paired: boolean } }).moodface.paired);
}

/**
 * Pairs a raw WebSocket client with the simulator as the app does: PAIR_START, the digits read off
 * the panel, PAIR. Resolves once the robot answers DONE to the PAIR.
 */
export async function pairSocket(ws: WebSocket, sim: Sim): Promise<void> {
  const out = new Uint8Array(8);
  const reply = (type: number) =>
    new Promise<void>((resolve) => {
      const on = (d: Buffer, isBinary: boolean) => {
        if (isBinary && d[0] === MSG_DONE && d[1] === type) {
          ws.off("message", on);
          resolve();
        }
      };
      ws.on("message", on);
    });
  const started = reply(MSG_PAIR_START);
  ws.send(out.slice(0, encodePairStart(out)));
  await started;
  const paired = reply(MSG_PAIR);
  ws.send(out.slice(0, encodePair(out, Number(await passkeyOnPanel(sim)))));
  await paired;
}
