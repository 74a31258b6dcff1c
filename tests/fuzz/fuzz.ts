/*
 * The link fuzzer (tests/fuzz/link.fuzz.test.ts runs it): random and mutated messages through the codec, the link session and a real Robot
 * (built like tests/app/robot.test.ts does). Seeded xorshift32, so a failure names a reproducible
 * message. Checks after every message: no exception escapes, the reply is what the codec and the
 * authorisation rules say it must be, every level stays in [0, K] (0..ONE of capacity), and the
 * engine is bit-identical unless the write was a valid STIMULUS from an authorised peer. Prints the
 * count. Most messages go through codec + session + robot.apply (decoded by the session); the engine steps and the robot
 * renders a frame now and then so the state keeps moving. Throws on the first violation, naming the
 * message (its index and bytes) so that the seed reproduces it.
 *
 * Run directly (bundled by the test with esbuild: jest's module sandbox makes the engine's integer
 * arithmetic several times slower): node build/fuzz/fuzz.mjs [messages] [seed]
 */
import {
  checkCommand,
  decodeAck,
  decodePasskey,
  decodeStimulus,
  encodeForget,
  encodePair,
  encodePairStart,
  encodeStimulus,
  ERR_NOT_PAIRED,
  MAX_MESSAGE_BYTES,
  MSG_ACK,
  MSG_DONE,
  MSG_ERROR,
  MSG_FORGET,
  MSG_PAIR,
  MSG_PAIR_START,
  MSG_STIMULUS,
  newStimulusMessage,
} from "../../modules/link/codec.js";
import { ACT_FORGET_BONDS, LinkSession, PAIRING_MESSAGE, SEC_PAIRED } from "../../modules/link/session.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { Random } from "../../modules/common/random.js";
import type { EmotionEngine } from "../../modules/emotion/engine.js";
import { makeRobot } from "../link/helpers.js";

export interface FuzzCounts {
  messages: number;
  robot: number;
  acked: number;
  notPaired: number;
  malformed: number;
  done: number;
  forgets: number;
  frames: number;
}


/** A fast fingerprint of all the engine's mutable numbers (typed arrays and numeric fields, found once). */
function fingerprinter(e: EmotionEngine): () => number {
  const arrays: ArrayLike<number>[] = [];
  const holders: [Record<string, unknown>, string][] = [];
  for (const o of [e as unknown as Record<string, unknown>, e.state as unknown as Record<string, unknown>]) {
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (ArrayBuffer.isView(v)) arrays.push(v as unknown as ArrayLike<number>);
      else if (typeof v === "number") holders.push([o, k]);
    }
  }
  return () => {
    let h = 2166136261;
    for (const a of arrays) for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a[i], 16777619);
    for (const [o, k] of holders) h = Math.imul(h ^ (o[k] as number), 16777619);
    return h >>> 0;
  };
}

/** Sends `MESSAGES` messages from seed `SEED`; throws on the first violation; returns the counts. */
export function runFuzz(MESSAGES: number, SEED: number): FuzzCounts {
  const robot = makeRobot();
  const engine = robot.engine;
  const stimuli = engine.catalog.names.length;
  const tagCount = engine.catalog.tags.length;
  const fp = fingerprinter(engine);
  const r = new Random(SEED);

  const paired = new LinkSession(robot);
  paired.connect(0);
  paired.secured(SEC_PAIRED);
  const stranger = new LinkSession(robot);
  stranger.connect(0);
  stranger.secured(r.range(0, 14)); // anything short of SEC_PAIRED
  const socket = new LinkSession(robot, { pairing: PAIRING_MESSAGE, passkeys: new Random(SEED ^ 0xabc) });
  socket.connect(0);

  const msg = new Uint8Array(32);
  const reply = new Uint8Array(8);
  const oracle = newStimulusMessage();
  const fault = { errorAt: 0 };
  const tags = [0, 0, 0, 0, 0, 0];
  let socketAuthorised = false;
  const counts: FuzzCounts = { messages: 0, robot: 0, acked: 0, notPaired: 0, malformed: 0, done: 0, forgets: 0, frames: 0 };
  let now = 0;

  for (let k = 0; k < MESSAGES; k++) {
    counts.messages++;
    // The message.
    let n: number;
    const kind = r.range(0, 99);
    if (kind < 45) {
      tags.length = r.range(0, 5);
      for (let i = 0; i < tags.length; i++) tags[i] = r.range(0, tagCount);
      n = encodeStimulus(msg, r.range(0, stimuli), r.range(0, 255), tags);
    } else if (kind < 52) {
      const c = r.range(0, 2);
      n = c === 0 ? encodeForget(msg) : c === 1 ? encodePairStart(msg) : encodePair(msg, r.range(0, 1) ? socket.overlay(now) : r.range(0, 1100000));
    } else if (kind < 70) {
      n = r.range(0, 26);
      for (let i = 0; i < n; i++) msg[i] = r.next() & 0xff;
      if (n > 0 && r.range(0, 1) === 0) msg[0] = [MSG_STIMULUS, MSG_FORGET, MSG_PAIR_START, MSG_PAIR][r.range(0, 3)];
    } else {
      // A valid stimulus, then mutated: bit flips, a byte replaced, cut short or lengthened.
      tags.length = r.range(0, 4);
      for (let i = 0; i < tags.length; i++) tags[i] = r.range(0, tagCount - 1);
      n = encodeStimulus(msg, r.range(0, stimuli - 1), r.range(0, 255), tags);
      const m = r.range(0, 3);
      if (m === 0) msg[r.range(0, n - 1)] ^= 1 << r.range(0, 7);
      else if (m === 1) msg[r.range(0, n - 1)] = r.next() & 0xff;
      else if (m === 2) n = r.range(0, n - 1);
      else {
        const extra = r.range(1, 20);
        for (let i = 0; i < extra; i++) msg[n + i] = r.next() & 0xff;
        n += extra;
      }
    }
    const who = r.range(0, 9);
    const session = who < 6 ? paired : who < 9 ? stranger : socket;

    // What the reply must be, from the codec and the rules alone (authority tracked here, not asked of the session).
    const type = n > 0 && n <= MAX_MESSAGE_BYTES ? msg[0] : -1;
    const mayChange = session === paired ? true : session === stranger ? false : socketAuthorised;
    const shown = session === socket ? socket.overlay(now) : -1;
    const pairOk = session === socket && type === MSG_PAIR && checkCommand(msg, n, fault) === 0 && shown >= 0 && decodePasskey(msg) === shown;
    const stimulusOk = type === MSG_STIMULUS && decodeStimulus(msg, n, stimuli, tagCount, oracle) === 0;
    const forgetOk = type === MSG_FORGET && checkCommand(msg, n, fault) === 0;

    const before = fp();
    let len: number;
    try {
      len = session.write(msg, n, reply, now);
    } catch (err) {
      throw new Error(`message ${k}: ${Buffer.from(msg.subarray(0, n)).toString("hex")} threw ${(err as Error).message}`);
    }
    const actions = session.takeActions();
    const changed = fp() !== before;
    const hexMsg = () => Buffer.from(msg.subarray(0, n)).toString("hex");

    if (type === MSG_STIMULUS && mayChange) counts.robot++;
    if (reply[0] === MSG_ACK) {
      counts.acked++;
      if (!(stimulusOk && mayChange)) throw new Error(`message ${k} ${hexMsg()}: ACK without a valid, authorised stimulus`);
      // The ACK names the stimulus and carries exactly the robot's own appraisal of it (2 bytes when it touched no passion).
      const ack = decodeAck(reply.subarray(0, len));
      const st = engine.state;
      if (!ack || ack.stimulus !== oracle.stimulus || ack.served !== st.served || ack.violated !== st.violated || (len === 2) !== ((st.served | st.violated) === 0))
        throw new Error(`message ${k} ${hexMsg()}: ACK ${Array.from(reply.subarray(0, len))} does not carry the stimulus and the robot's appraisal`);
    } else {
      if (changed) throw new Error(`message ${k} ${hexMsg()}: refused (${Array.from(reply.subarray(0, len))}) but the engine changed`);
      if (reply[0] === MSG_ERROR) {
        if (len !== 3) throw new Error(`message ${k}: ERROR of ${len} bytes`);
        if (reply[1] === ERR_NOT_PAIRED) {
          counts.notPaired++;
          if (mayChange) throw new Error(`message ${k} ${hexMsg()}: a paired peer was told "not paired"`);
        } else counts.malformed++;
        if (stimulusOk && mayChange) throw new Error(`message ${k} ${hexMsg()}: a valid, authorised stimulus was refused`);
        if (pairOk) throw new Error(`message ${k} ${hexMsg()}: the right passkey was refused`);
      } else if (reply[0] === MSG_DONE) {
        counts.done++;
        if (reply[1] === MSG_FORGET && !(forgetOk && mayChange)) throw new Error(`message ${k} ${hexMsg()}: FORGET done without authority`);
        if (reply[1] === MSG_PAIR) {
          if (!pairOk) throw new Error(`message ${k} ${hexMsg()}: PAIR accepted without the passkey on show (${shown})`);
          socketAuthorised = true;
        }
        if (reply[1] === MSG_FORGET && session === socket) socketAuthorised = false; // its own bond went too
      } else throw new Error(`message ${k} ${hexMsg()}: reply type ${reply[0]}`);
    }
    if (actions & ACT_FORGET_BONDS) {
      counts.forgets++;
      if (!(forgetOk && mayChange)) throw new Error(`message ${k} ${hexMsg()}: forget raised without authority`);
      // Forgetting takes this peer's bond: the BLE peer pairs again (the stack would, after a new passkey).
      if (session === paired) paired.secured(SEC_PAIRED);
    }
    if (changed) {
      const lv = engine.state.levels;
      for (let c = 0; c < lv.length; c++) if (!(lv[c] >= 0 && lv[c] <= ONE)) throw new Error(`message ${k} ${hexMsg()}: level ${c} = ${lv[c]} outside [0, K]`);
    }

    // Time passes: the engine steps often, the whole robot renders a frame now and then.
    if ((k & 255) === 0) {
      now += 33;
      if ((k & 8191) === 0) {
        robot.frame(now);
        counts.frames++;
      } else engine.step(33);
      const lv = engine.state.levels;
      for (let c = 0; c < lv.length; c++) if (!(lv[c] >= 0 && lv[c] <= ONE)) throw new Error(`after message ${k}: level ${c} = ${lv[c]} outside [0, K]`);
    }
    if (k % 100000 === 99999) {
      socket.disconnect();
      socket.connect(now);
      socketAuthorised = false;
    }
    if (socket.authorised !== socketAuthorised) throw new Error(`message ${k}: the socket session says authorised=${socket.authorised}, the rules say ${socketAuthorised}`);
  }

  return counts;
}

export function describeCounts(c: FuzzCounts, seed: number): string {
  return (
    `fuzz: ${c.messages} messages (seed 0x${(seed >>> 0).toString(16)}): ${c.robot} authorised stimuli reached the robot, ${c.acked} applied, ` +
    `${c.notPaired} refused as not paired, ${c.malformed} malformed, ${c.done} commands done (${c.forgets} forgets), ${c.frames} robot frames`
  );
}

const g = globalThis as unknown as { process?: { argv: string[]; exitCode?: number } };
if (g.process && /fuzz\.mjs$/.test(g.process.argv[1] ?? "")) {
  const messages = Number(g.process.argv[2] ?? 1000000);
  const seed = Number(g.process.argv[3] ?? 0x5eed1234);
  const t0 = Date.now();
  const counts = runFuzz(messages, seed);
  console.log(`${describeCounts(counts, seed)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
