/*
 * The simulator's sessions: one modules/link/session.ts LinkSession per WebSocket client, in
 * PAIRING_MESSAGE mode (a WebSocket has no link-layer pairing, so PAIR_START / PAIR messages stand in
 * for the BLE security manager). Together they are one RobotLink of the runtime, as the BLE adapter
 * is on the board: service() gives the runtime the passkey of the newest pairing under way, and the
 * runtime draws it full screen (modules/face/passkey.ts) in place of the face, so the digits reach
 * the virtual panel over the virtual bus like any other frame.
 */
import { randomInt } from "node:crypto";
import type { RobotLink } from "../../modules/app/robot.js";
import { LinkSession, PAIRING_MESSAGE, type StimulusSink } from "../../modules/link/session.js";
import { encodeError, ERR_PASSKEY, MSG_PAIR, MSG_PAIR_START, MSG_STIMULUS, ERR_NOT_PAIRED } from "../../modules/link/codec.js";
import { drawDigit, DIGIT_GAP, DIGIT_H, DIGIT_W, DIGITS_X, DIGITS_Y, PASSKEY_DIGITS } from "../../modules/face/passkey.js";
import { TokenBucket } from "./guard.js";
import { FRAME_BYTES, WIDTH } from "../../modules/common/geometry.js";

export interface ClientSession {
  readonly session: LinkSession;
}

export interface ReceiveResult {
  length: number;
  /** The write was refused as not paired. */
  unpaired: boolean;
}

/** Passkey attempts (PAIR_START and PAIR) across all clients: one a second, five at once. */
export const PAIRING_RATE = 1;
export const PAIRING_BURST = 5;

export class LinkSessions implements RobotLink {
  private readonly open_ = new Set<ClientSession>();
  private readonly pairingBucket: TokenBucket;
  /** Passkey attempts refused over the pairing rate. */
  pairingThrottled = 0;
  private readonly robot: StimulusSink;
  private readonly now: () => number;

  /** `now`: the wall clock (ms) the sessions run on, a person types the passkey in wall time. */
  constructor(robot: StimulusSink, now: () => number = () => performance.now()) {
    this.robot = robot;
    this.now = now;
    this.pairingBucket = new TokenBucket(PAIRING_RATE, PAIRING_BURST, now());
  }

  private ms(): number {
    return Math.floor(this.now()) | 0;
  }

  open(): ClientSession {
    const session = new LinkSession(this.robot, { pairing: PAIRING_MESSAGE, passkeys: { next: () => randomInt(0, 1000000) } });
    session.connect(this.ms());
    const c: ClientSession = { session };
    this.open_.add(c);
    return c;
  }

  close(c: ClientSession): void {
    c.session.disconnect();
    this.open_.delete(c);
  }

  /** One message from a client through its session; the reply is written into `reply`. */
  receive(c: ClientSession, bytes: Uint8Array, length: number, reply: Uint8Array): ReceiveResult {
    const now = this.ms();
    const type = length > 0 ? bytes[0] : -1;
    if ((type === MSG_PAIR_START || type === MSG_PAIR) && !this.pairingBucket.take(now)) {
      // Guessing passkeys fast is what this stops: a refused attempt spends the passkey on show.
      this.pairingThrottled++;
      c.session.pairingFailed();
      return { length: encodeError(reply, ERR_PASSKEY, 0), unpaired: false };
    }
    const n = c.session.write(bytes, length, reply, now);
    return { length: n, unpaired: type === MSG_STIMULUS && c.session.lastError === ERR_NOT_PAIRED };
  }

  /** Clients open now. */
  get size(): number {
    return this.open_.size;
  }

  /** The passkey to show: the newest pairing under way, or -1. */
  overlay(): number {
    const now = this.ms();
    let since = -1;
    let passkey = -1;
    for (const c of this.open_) {
      const s = c.session.shownSince(now);
      if (s >= 0 && (passkey < 0 || s >= since)) {
        since = s;
        passkey = c.session.overlay(now);
      }
    }
    return passkey;
  }

  /** The runtime's RobotLink, every frame: the passkey to draw (robot time unused: sessions run on the wall clock a person types in). */
  service(_now: number): number {
    return this.overlay();
  }
}

/**
 * Reads six digits off a glass frame (page-packed, 128x64) the way a person would: each digit cell
 * of the robot's passkey screen (modules/face/passkey.ts) is compared with the ten figures and the
 * closest wins. Returns undefined when the glass does not show a passkey (a cell matches no figure).
 */
export function readPasskey(glass: Uint8Array): string | undefined {
  const lit = (f: Uint8Array, x: number, y: number) => (f[(y >> 3) * WIDTH + x] >> (y & 7)) & 1;
  const probe = new Uint8Array(FRAME_BYTES);
  let out = "";
  for (let i = 0; i < PASSKEY_DIGITS; i++) {
    const left = DIGITS_X + i * (DIGIT_W + DIGIT_GAP);
    let best = -1;
    let bestMiss = Infinity;
    for (let d = 0; d < 10; d++) {
      probe.fill(0);
      drawDigit(probe, left, DIGITS_Y, d);
      let miss = 0;
      for (let y = DIGITS_Y; y < DIGITS_Y + DIGIT_H; y++) for (let x = left; x < left + DIGIT_W; x++) if (lit(glass, x, y) !== lit(probe, x, y)) miss++;
      if (miss < bestMiss) {
        bestMiss = miss;
        best = d;
      }
    }
    if (bestMiss > 8) return undefined;
    out += String(best);
  }
  return out;
}
