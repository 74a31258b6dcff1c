/*
 * Pairing with a running simulator as its clients do: the page (tools/sim/page-pairing.ts, shared with
 * the tools that drive the page) and a raw WebSocket client, the passkey read off the panel's glass.
 */
import type { Sim } from "../../tools/sim/server.js";
import { passkeyOnPanel } from "../../tools/sim/page-pairing.js";
export { pairPage, passkeyOnPanel } from "../../tools/sim/page-pairing.js";
import type WebSocket from "ws";
import { encodePair, encodePairStart, MSG_DONE, MSG_PAIR, MSG_PAIR_START } from "../../modules/link/codec.js";

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

const cookies = new WeakMap<Sim, Promise<string>>();

/**
 * The headers of the person at the simulator's terminal: the one-time token in sim.tokenUrl spent for
 * the page's cookie (once per simulator; later calls reuse it), for POST /sense and /control.
 */
export function terminalHeaders(sim: Sim): Promise<Record<string, string>> {
  let c = cookies.get(sim);
  if (!c) {
    c = fetch(sim.tokenUrl, { redirect: "manual" }).then((r) => {
      if (r.status !== 303) throw new Error(`the token URL answered ${r.status}`);
      return r.headers.get("set-cookie")!.split(";")[0];
    });
    cookies.set(sim, c);
  }
  return c.then((cookie) => ({ cookie }));
}
