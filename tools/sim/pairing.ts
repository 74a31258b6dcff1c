/*
 * The simulator's sessions: one modules/link/session.ts LinkSession per WebSocket client, in
 * PAIRING_MESSAGE mode (a WebSocket has no link-layer pairing, so PAIR_START / PAIR messages stand in
 * for the BLE security manager). Together they are one RobotLink of the runtime, as the BLE adapter
 * is on the board: service() gives the runtime the passkey of the oldest pairing under way, and the
 * runtime draws it full screen (modules/face/passkey.ts) in place of the face, so the digits reach
 * the virtual panel over the virtual bus like any other frame.
 */
import { randomInt } from "node:crypto";
import type { RobotLink } from "../../modules/app/robot.js";
import { LinkSession, PAIRING_MESSAGE, SEC_PAIRED, type StimulusSink } from "../../modules/link/session.js";
import { encodeError, ERR_PASSKEY, MSG_PAIR, MSG_PAIR_START, MSG_STIMULUS, ERR_NOT_PAIRED } from "../../modules/link/codec.js";
import { drawDigit, DIGIT_GAP, DIGIT_H, DIGIT_W, DIGITS_X, DIGITS_Y, PASSKEY_DIGITS } from "../../modules/face/passkey.js";
import { TokenBucket } from "./guard.js";
import { FRAME_BYTES, WIDTH } from "../../modules/common/geometry.js";

export interface ClientSession {
  readonly session: LinkSession;
  /** A number for this connection (in its hello), so the terminal can say whose passkey it prints. */
  readonly id: number;
  /** The client's address (per-address caps). */
  readonly address: string;
  /** Passkey attempts (PAIR_START and PAIR) of this client: PAIRING_RATE a second, PAIRING_BURST at once. */
  readonly bucket: TokenBucket;
}

export interface ReceiveResult {
  length: number;
  /** The write was refused as not paired. */
  unpaired: boolean;
  /** The write paired this client (PAIR with the right digits). */
  paired: boolean;
}

/** Passkey attempts (PAIR_START and PAIR) per client: one a second, five at once. */
export const PAIRING_RATE = 1;
export const PAIRING_BURST = 5;
/**
 * Passkey guesses (PAIR) across all clients: ten a second, twenty at once. Each client may only
 * guess its own passkey once (one try per passkey), so many connections are what a brute force
 * needs; this bounds them all together (1e6 digits at 10 a second: half of them take 14 hours).
 * PAIR_START is not counted here, so a client starting pairings in a loop blocks nobody else.
 */
export const GUESS_RATE = 10;
export const GUESS_BURST = 20;

export class LinkSessions implements RobotLink {
  private readonly open_ = new Set<ClientSession>();
  private readonly guessBucket: TokenBucket;
  /** Passkey attempts refused over a client's pairing rate or the guess rate. */
  pairingThrottled = 0;
  private readonly robot: StimulusSink;
  private readonly now: () => number;
  private nextId = 1;
  /** Called with each new passkey and the client it is for: the terminal prints it (docs/protocol.md, threat model). */
  onPasskey: ((id: number, address: string, digits: string) => void) | undefined;

  /** `now`: the wall clock (ms) the sessions run on, a person types the passkey in wall time. */
  constructor(robot: StimulusSink, now: () => number = () => performance.now()) {
    this.robot = robot;
    this.now = now;
    this.guessBucket = new TokenBucket(GUESS_RATE, GUESS_BURST, now());
  }

  private ms(): number {
    return Math.floor(this.now()) | 0;
  }

  /** A new client; `authorised`: it came with the terminal's token (or its cookie) and is paired from the start. */
  open(address = "", authorised = false): ClientSession {
    const session = new LinkSession(this.robot, { pairing: PAIRING_MESSAGE, passkeys: { next: () => randomInt(0, 1000000) } });
    session.connect(this.ms());
    if (authorised) session.secured(SEC_PAIRED);
    const c: ClientSession = { session, id: this.nextId++, address, bucket: new TokenBucket(PAIRING_RATE, PAIRING_BURST, this.now()) };
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
    if ((type === MSG_PAIR_START || type === MSG_PAIR) && (!c.bucket.take(now) || (type === MSG_PAIR && !this.guessBucket.take(now)))) {
      // Guessing passkeys fast is what this stops: a refused attempt spends this client's passkey, no one else's.
      this.pairingThrottled++;
      c.session.pairingFailed();
      return { length: encodeError(reply, ERR_PASSKEY, 0), unpaired: false, paired: false };
    }
    const before = c.session.overlay(now);
    const wasAuthorised = c.session.authorised;
    const n = c.session.write(bytes, length, reply, now);
    if (type === MSG_PAIR_START && before < 0) {
      const shown = c.session.overlay(now);
      if (shown >= 0 && this.onPasskey) this.onPasskey(c.id, c.address, String(shown).padStart(PASSKEY_DIGITS, "0"));
    }
    return { length: n, unpaired: type === MSG_STIMULUS && c.session.lastError === ERR_NOT_PAIRED, paired: !wasAuthorised && c.session.authorised };
  }

  /** Clients open now. */
  get size(): number {
    return this.open_.size;
  }

  /**
   * The passkey to show: of the pairings under way, the one that began first (until it succeeds,
   * fails or expires). A client cannot replace its own passkey while it is on show (LinkSession),
   * and a later client cannot push an earlier one off the panel: no storm of passkeys on the panel.
   * Every passkey also goes to the terminal (onPasskey), so a client behind in the queue pairs at once.
   */
  overlay(): number {
    const now = this.ms();
    let since = 0;
    let passkey = -1;
    for (const c of this.open_) {
      const s = c.session.shownSince(now);
      if (s >= 0 && (passkey < 0 || ((s - since) | 0) < 0)) {
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
