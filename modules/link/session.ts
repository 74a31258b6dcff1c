/*
 * One peer of the stimulus link (a BLE central, or a WebSocket client of the simulator) as a pure,
 * allocation-free state machine. The transport adapter (modules/link/ble-peripheral.ts on the board,
 * the simulator's WebSocket server on the desktop) feeds it what happened and does what it asks:
 *
 *   adapter event                         session call
 *   ------------------------------------  -------------------------------------------------------
 *   peer connected                        connect(now)
 *   peer gone                             disconnect()
 *   stack: link secured {enc, auth, bond} secured(SEC_* flags)            (BLE: onSecured)
 *   stack: show this passkey              showPasskey(passkey, now)       (BLE: onPasskey "display")
 *   stack: pairing failed                 pairingFailed()
 *   stack accepted an authenticated-only  resumed()   (a bonded phone came back: no pairing, so no
 *   write before any secured() report                 onSecured on esp32; see docs/ble.md)
 *   peer wrote bytes                      write(bytes, length, reply, now) -> reply length, send it
 *                                         (an authorised STIMULUS reaches the sink decoded: apply(m))
 *   peer (un)subscribed to STATE          subscribe(on, now)
 *   every frame                           notifyDue(now)? -> send STATE, notified(now)
 *                                         overlay(now) -> passkey to draw full screen, or -1
 *                                         takeActions() -> ACT_FORGET_BONDS: delete all bonds
 *
 * Rules (docs/protocol.md, docs/ble.md):
 * - A STIMULUS, FORGET or PROFILE is carried out only for an authorised peer: a link that is encrypted,
 *   authenticated (MITM: passkey, not Just Works), bonded and LE Secure Connections (SEC_PAIRED),
 *   or, in PAIRING_MESSAGE mode, a peer that typed the passkey shown on the robot. Anyone else gets
 *   ERROR "not paired" (byte 0) and nothing changes: not the robot, not the bonds.
 * - Malformed messages get the codec's ERROR naming the byte at fault; nothing changes.
 * - STATE notifications are throttled to 10 per second (NOTIFY_INTERVAL_MS), never closer than half an
 *   interval. STATE is public, like
 *   the face on the robot: an unpaired peer may read it and subscribe (docs/ble.md says why).
 * - The passkey overlay shows from showPasskey() (or PAIR_START) until the pairing succeeds or fails,
 *   the peer disconnects, or PASSKEY_TIMEOUT_MS pass.
 *
 * Time is the caller's clock in integer milliseconds; differences are taken with wrap-safe int32
 * subtraction. Nothing here allocates after construction.
 */
import {
  checkCommand,
  checkEnvelope,
  checkProfile,
  decodePasskey,
  decodeStimulus,
  encodeAck,
  encodeDone,
  encodeError,
  ERR_NOT_PAIRED,
  ERR_PASSKEY,
  ERR_UNKNOWN_TYPE,
  MSG_FORGET,
  MSG_PAIR,
  MSG_PAIR_START,
  MSG_PROFILE,
  MSG_STIMULUS,
  PASSKEY_LIMIT,
  newStimulusMessage,
  profileName,
  type StimulusMessage,
} from "./codec.js";

/** Link security as the stack reports it (bit flags). */
export const SEC_ENCRYPTED = 1;
/** The key was made with MITM protection (passkey entry), not Just Works. */
export const SEC_AUTHENTICATED = 2;
export const SEC_BONDED = 4;
/** LE Secure Connections (not legacy pairing). On esp32 the build allows nothing else (docs/ble.md). */
export const SEC_SECURE_CONNECTIONS = 8;
/** What a peer needs to change anything. */
export const SEC_PAIRED = SEC_ENCRYPTED | SEC_AUTHENTICATED | SEC_BONDED | SEC_SECURE_CONNECTIONS;

/** Pairing is done by the link layer (BLE security manager): PAIR_START / PAIR are unknown types. */
export const PAIRING_STACK = 0;
/** Pairing is done with PAIR_START / PAIR messages (the simulator's WebSocket). */
export const PAIRING_MESSAGE = 1;

/** STATE notifications at most this often (10 Hz). */
export const NOTIFY_INTERVAL_MS = 100;
/** The passkey overlay goes away by itself after this long (NimBLE's SM times out after 30 s). */
export const PASSKEY_TIMEOUT_MS = 60000;

/** takeActions() bits: what the adapter must do now. */
export const ACT_FORGET_BONDS = 1;

/**
 * Where authorised STIMULUS messages go, decoded and checked (the Robot): the session decodes them
 * against the sink's catalog sizes, answers ACK or ERROR itself, and hands over only a good one.
 */
export interface StimulusSink {
  /** Carries out a checked stimulus. The message is the session's, reused: read it, keep nothing. */
  apply(m: StimulusMessage): void;
  /** Stimuli in the catalog, and tags in its vocabulary: what a STIMULUS may name. */
  readonly stimulusCount: number;
  readonly tagCount: number;
  /** The robot's appraisal of the stimulus applied last (EmotionState.served / .violated), for the ACK; none: a short ACK. */
  readonly served?: number;
  readonly violated?: number;
  /**
   * An authorised PROFILE message that checkProfile accepted, as the profile's name: the Robot loads
   * it, switches and saves, and returns 0; or ERR_PROFILE (no such profile), changing nothing. A sink
   * without it answers PROFILE as an unknown message type.
   */
  switchProfile?(name: string): number;
}

/** Where PAIRING_MESSAGE sessions get passkeys from (any uniform 32-bit source; the simulator uses crypto). */
export interface PasskeySource {
  next(): number;
}

export interface SessionOptions {
  /** PAIRING_STACK (default, BLE) or PAIRING_MESSAGE (WebSocket). */
  pairing?: number;
  /** Needed with PAIRING_MESSAGE. */
  passkeys?: PasskeySource;
}

export class LinkSession {
  readonly pairing: number;
  /** A peer is connected. */
  connected = false;
  /** SEC_* flags of the current link (0 when disconnected). */
  security = 0;
  /** The peer subscribed to STATE notifications. */
  subscribed = false;
  /**
   * Counters since construction: writes seen, carried out (ACK/DONE), refused as not paired,
   * malformed, and notifications granted by notifyDue()/notified().
   */
  readonly counters = { writes: 0, accepted: 0, refusedNotPaired: 0, malformed: 0, notifications: 0 };
  /** How the last write ended: 0 when it was carried out (ACK, DONE), else the ERR_* code it was answered with. */
  lastError = 0;

  private readonly sink: StimulusSink;
  private readonly passkeys: PasskeySource | undefined;
  /** The message being decoded (also the Fault of a failed check): reused, nothing allocated per write. */
  private readonly message: StimulusMessage = newStimulusMessage();
  /** The passkey on show, or -1. */
  private passkey = -1;
  private passkeySince = 0;
  /** secured() was called during this connection. */
  private reported = false;
  private lastNotify = 0;
  private actions = 0;

  constructor(sink: StimulusSink, options: SessionOptions = {}) {
    this.sink = sink;
    this.pairing = options.pairing ?? PAIRING_STACK;
    this.passkeys = options.passkeys;
    if (this.pairing === PAIRING_MESSAGE && !this.passkeys) throw new Error("LinkSession: PAIRING_MESSAGE needs options.passkeys");
  }

  /** The peer may change things (SEC_PAIRED). */
  get authorised(): boolean {
    return this.connected && (this.security & SEC_PAIRED) === SEC_PAIRED;
  }

  /** A peer connected: a fresh, unauthorised link. */
  connect(now: number): void {
    this.connected = true;
    this.security = 0;
    this.reported = false;
    this.subscribed = false;
    this.passkey = -1;
    this.lastNotify = now;
  }

  /** The peer went away: everything about the link is forgotten (bonds stay in the stack). */
  disconnect(): void {
    this.connected = false;
    this.security = 0;
    this.reported = false;
    this.subscribed = false;
    this.passkey = -1;
  }

  /** The stack says how the link is secured now (BLE onSecured). Ends any pairing on show. */
  secured(flags: number): void {
    if (!this.connected) return;
    this.security = flags & SEC_PAIRED;
    this.reported = true;
    this.passkey = -1;
  }

  /**
   * The stack let through a write on a characteristic that only an authenticated (MITM, LE Secure
   * Connections) link may write, and no secured() came in this connection: a bonded peer came back
   * and the link was encrypted with its stored key, which the esp32 stack does not report
   * (docs/ble.md). A stored key is a bond. No effect once secured() has reported.
   */
  resumed(): void {
    if (!this.connected || this.reported) return;
    this.security = SEC_PAIRED;
    this.reported = true;
  }

  /** The stack asks to display a passkey (DisplayOnly). Shown until pairing ends, fails or times out. */
  showPasskey(passkey: number, now: number): void {
    if (!this.connected) return;
    this.passkey = passkey >= 0 && passkey < PASSKEY_LIMIT ? passkey | 0 : ((passkey >>> 0) % PASSKEY_LIMIT) | 0;
    this.passkeySince = now;
  }

  /** Pairing failed or was cancelled: the overlay goes; the link keeps what it had. */
  pairingFailed(): void {
    this.passkey = -1;
  }

  /** When the passkey on show began (the caller's clock), or -1 with none on show: of several peers pairing, the first keeps the panel. */
  shownSince(now: number): number {
    return this.overlay(now) >= 0 ? this.passkeySince : -1;
  }

  /** The passkey to draw full screen now (0..999999, shown as six zero-padded digits), or -1. */
  overlay(now: number): number {
    if (this.passkey >= 0 && ((now - this.passkeySince) | 0) >= PASSKEY_TIMEOUT_MS) this.passkey = -1;
    return this.passkey;
  }

  /** The peer turned STATE notifications on or off. The first one is due at once. */
  subscribe(on: boolean, now: number): void {
    if (!this.connected) return;
    this.subscribed = on;
    if (on) this.lastNotify = (now - NOTIFY_INTERVAL_MS) | 0;
  }

  /** Is a STATE notification due at time `now`? (Call notified(now) once it is sent.) */
  notifyDue(now: number): boolean {
    return this.connected && this.subscribed && ((now - this.lastNotify) | 0) >= NOTIFY_INTERVAL_MS;
  }

  /**
   * A STATE notification went out at `now`. The schedule advances by NOTIFY_INTERVAL_MS from the
   * previous slot, not from `now`, so a 33 ms frame clock still gives 10 per second (not 7.6); a
   * caller that fell behind by more than half an interval is resynchronised, so notifications are
   * never closer than half an interval and never come in bursts.
   */
  notified(now: number): void {
    let slot = (this.lastNotify + NOTIFY_INTERVAL_MS) | 0;
    if (((now - slot) | 0) > NOTIFY_INTERVAL_MS >> 1) slot = (now - (NOTIFY_INTERVAL_MS >> 1)) | 0;
    this.lastNotify = slot;
    this.counters.notifications++;
  }

  /** What the adapter must do now (ACT_* bits); reading clears them. */
  takeActions(): number {
    const a = this.actions;
    this.actions = 0;
    return a;
  }

  /**
   * One message from the peer. Writes the reply (ACK, DONE or ERROR) into `reply` (at least 3 bytes)
   * and returns its length; `lastError` says how it ended. Only an authorised, well-formed STIMULUS
   * reaches the sink (decoded) and only an authorised FORGET raises ACT_FORGET_BONDS; every other
   * outcome leaves the robot and the bonds as they were.
   */
  write(bytes: Uint8Array, length: number, reply: Uint8Array, now: number): number {
    this.counters.writes++;
    const m = this.message;
    let code = checkEnvelope(length, m);
    if (code !== 0) return this.bad(reply, code, m.errorAt);
    const type = bytes[0];
    if (type === MSG_STIMULUS) {
      // Refused before it is decoded: an unpaired peer learns nothing about the catalog.
      if (!this.authorised) return this.notPaired(reply);
      code = decodeStimulus(bytes, length, this.sink.stimulusCount, this.sink.tagCount, m);
      if (code !== 0) return this.bad(reply, code, m.errorAt);
      this.sink.apply(m);
      // The robot's own appraisal goes back with the ACK, so apps say why without guessing.
      return this.done(encodeAck(reply, m.stimulus, this.sink.served ?? 0, this.sink.violated ?? 0));
    }
    if (type === MSG_FORGET) {
      if (!this.authorised) return this.notPaired(reply);
      code = checkCommand(bytes, length, m);
      if (code !== 0) return this.bad(reply, code, m.errorAt);
      this.actions |= ACT_FORGET_BONDS;
      // This peer's bond goes too: it must pair again to change anything.
      this.security &= ~SEC_BONDED;
      return this.done(encodeDone(reply, MSG_FORGET));
    }
    if (type === MSG_PROFILE && this.sink.switchProfile) {
      if (!this.authorised) return this.notPaired(reply);
      code = checkProfile(bytes, length, m);
      if (code !== 0) return this.bad(reply, code, m.errorAt);
      code = this.sink.switchProfile(profileName(bytes));
      // The name is byte 3 on: an unknown profile is answered there.
      if (code !== 0) return this.bad(reply, code, 3);
      return this.done(encodeDone(reply, MSG_PROFILE));
    }
    if (this.pairing === PAIRING_MESSAGE && (type === MSG_PAIR_START || type === MSG_PAIR)) {
      code = checkCommand(bytes, length, m);
      if (code !== 0) {
        // A malformed passkey attempt still burns the passkey on show.
        if (type === MSG_PAIR) this.passkey = -1;
        return this.bad(reply, code, m.errorAt);
      }
      if (type === MSG_PAIR_START) {
        // One passkey per peer at a time: asking again while it is on show keeps it (same digits,
        // same expiry), so a peer repeating PAIR_START cannot flood the panel with new passkeys.
        if (this.overlay(now) < 0) {
          this.passkey = ((this.passkeys!.next() >>> 0) % PASSKEY_LIMIT) | 0;
          this.passkeySince = now;
        }
        return this.done(encodeDone(reply, MSG_PAIR_START));
      }
      const shown = this.overlay(now);
      // One try per passkey: right or wrong, the passkey on show is spent.
      this.passkey = -1;
      if (shown < 0 || decodePasskey(bytes) !== shown) return this.bad(reply, ERR_PASSKEY, 2);
      this.security = SEC_PAIRED;
      this.reported = true;
      return this.done(encodeDone(reply, MSG_PAIR));
    }
    return this.bad(reply, ERR_UNKNOWN_TYPE, 0);
  }

  private done(length: number): number {
    this.counters.accepted++;
    this.lastError = 0;
    return length;
  }

  private notPaired(reply: Uint8Array): number {
    this.counters.refusedNotPaired++;
    this.lastError = ERR_NOT_PAIRED;
    return encodeError(reply, ERR_NOT_PAIRED, 0);
  }

  private bad(reply: Uint8Array, code: number, at: number): number {
    this.counters.malformed++;
    this.lastError = code;
    return encodeError(reply, code, at);
  }
}
