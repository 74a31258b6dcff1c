/*
 * BLE notify budget: the link session's STATE throttle driven by the robot's 33 ms frame clock for a
 * minute of robot time, in notifications per second and bytes per second on the air at a 15 ms
 * connection interval (what phones usually grant), beside what a writer flooding the command
 * characteristic adds. Plus the session's cost per frame on Node.
 */
import { LinkSession, SEC_PAIRED } from "../../modules/link/session.js";
import { encodeState, STATE_BYTES } from "../../modules/link/codec.js";
import { FRAME_MS } from "../../modules/app/robot.js";
import { readCatalog, readProfile, readWheel } from "../../tools/lib/data.js";
import { EmotionEngine } from "../../modules/emotion/engine.js";

const CONN_INTERVAL_MS = 15;
/** Per notification on air: ATT opcode + handle (3) + L2CAP header (4) + LL header (2) + MIC (4, encrypted link). */
const ATT_OVERHEAD = 3;
const L2CAP_OVERHEAD = 4;
const LL_OVERHEAD = 2 + 4;
const SECONDS = 60;

export interface LinkFigures {
  notifications: number;
  seconds: number;
  rateHz: number;
  minGapMs: number;
  maxGapMs: number;
  framesPerNotification: number;
  eventsPerSecond: number;
  nsPerFrame: number;
  floodWrites: number;
}

export function linkBench(): LinkFigures {
  const catalog = readCatalog();
  const engine = new EmotionEngine(readProfile("default"), catalog, readWheel(catalog));
  const session = new LinkSession({ stimulusCount: 0, tagCount: 0, apply: () => {} });
  session.connect(0);
  session.secured(SEC_PAIRED);
  session.subscribe(true, 0);
  const out = new Uint8Array(STATE_BYTES);
  let last = -1;
  let minGap = Infinity;
  let maxGap = 0;
  let frames = 0;
  const end = SECONDS * 1000;
  for (let now = 0; now < end; now += FRAME_MS) {
    frames++;
    if (session.notifyDue(now)) {
      encodeState(out, engine.state);
      session.notified(now);
      if (last >= 0) {
        minGap = Math.min(minGap, now - last);
        maxGap = Math.max(maxGap, now - last);
      }
      last = now;
    }
  }
  // Cost of the throttle plus STATE encoding per frame (the adapter's frame() work, less the radio).
  const timing = new LinkSession({ stimulusCount: 0, tagCount: 0, apply: () => {} });
  timing.connect(0);
  timing.subscribe(true, 0);
  const N = 2_000_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0, now = 0; i < N; i++, now = (now + FRAME_MS) | 0) {
    if (timing.notifyDue(now)) {
      encodeState(out, engine.state);
      timing.notified(now);
    }
  }
  const ns = Number(process.hrtime.bigint() - t0) / N;
  return {
    notifications: session.counters.notifications,
    seconds: SECONDS,
    rateHz: session.counters.notifications / SECONDS,
    minGapMs: minGap,
    maxGapMs: maxGap,
    framesPerNotification: frames / session.counters.notifications,
    eventsPerSecond: 1000 / CONN_INTERVAL_MS,
    nsPerFrame: ns,
    // A flooding writer: one write per connection event, each answered by a reply notification.
    floodWrites: 1000 / CONN_INTERVAL_MS,
  };
}

export function printLink(f: LinkFigures): void {
  const pdu = (payload: number) => payload + ATT_OVERHEAD + L2CAP_OVERHEAD + LL_OVERHEAD;
  const stateApp = f.rateHz * STATE_BYTES;
  const stateAir = f.rateHz * pdu(STATE_BYTES);
  console.log(`## BLE link: STATE notifications from the session's throttle (${f.seconds} s of ${FRAME_MS} ms frames, ${CONN_INTERVAL_MS} ms connection interval)`);
  console.log(`notifications: ${f.notifications} in ${f.seconds} s = ${f.rateHz.toFixed(2)} Hz (target about 10), one per ${f.framesPerNotification.toFixed(2)} frames, gaps ${f.minGapMs}-${f.maxGapMs} ms`);
  console.log(`STATE: ${STATE_BYTES} B payload, ${pdu(STATE_BYTES)} B per LL PDU (ATT ${ATT_OVERHEAD} + L2CAP ${L2CAP_OVERHEAD} + LL header and MIC ${LL_OVERHEAD})`);
  console.log(`bytes per second: ${stateApp.toFixed(0)} B/s of STATE, ${stateAir.toFixed(0)} B/s on air; ${((f.rateHz / f.eventsPerSecond) * 100).toFixed(1)}% of the ${f.eventsPerSecond.toFixed(1)} connection events per second carry one`);
  const replyAir = f.floodWrites * pdu(3);
  const writeAir = f.floodWrites * pdu(5);
  console.log(
    `with a writer flooding one 5-byte STIMULUS per event (${f.floodWrites.toFixed(1)}/s) and its reply: +${writeAir.toFixed(0)} B/s in, +${replyAir.toFixed(0)} B/s of replies out; STATE stays ${f.rateHz.toFixed(2)} Hz`,
  );
  console.log(`session throttle + STATE encoding: ${f.nsPerFrame.toFixed(0)} ns per frame on Node (no allocation)`);
}
