/*
 * The stimulus protocol (docs/protocol.md): small binary messages that fit one BLE write (20 bytes
 * with the default ATT MTU), shared by the firmware, the simulator's WebSocket and the apps.
 *
 * App to robot: STIMULUS, FORGET (delete all bonds), PROFILE (switch personality), and on transports without link-layer pairing
 * (the simulator's WebSocket) PAIR_START / PAIR (passkey entry). Robot to app: ACK, DONE, ERROR
 * (naming the byte at fault), STATE (the emotion state, sent as a notification) and EVENT (what a
 * stimulus did, a second later, as the robot saw it: the facts of the event log's sentence). Decoding never
 * throws and never touches the robot's state: a message is fully checked first, then applied.
 * Who may send what is the session's business (modules/link/session.ts).
 */
import { CHANNEL_COUNT, EMOTION_COUNT } from "../emotion/names.js";
import { ONE } from "../emotion/fixed.js";
import type { EmotionState } from "../emotion/engine.js";

export const PROTOCOL_VERSION = 1;

/*
 * The BLE GATT service of the protocol (docs/ble.md): defined here once, lowercase as Web Bluetooth
 * wants them. modules/link/gatt.ts builds the service table from these; a test keeps them in step.
 */
/** The stimulus service, advertised (128-bit UUID) so apps can filter on it. */
export const SERVICE_UUID = "48bb4853-2841-4a67-9d1a-6550950bb956";
/** Command characteristic: the app writes STIMULUS / FORGET; replies (ACK, DONE, ERROR) are notified on it. */
export const COMMAND_UUID = "48bb4854-2841-4a67-9d1a-6550950bb956";
/** State characteristic: STATE, read and notified (10 Hz at most). */
export const STATE_UUID = "48bb4855-2841-4a67-9d1a-6550950bb956";
/** The public name (GAP device name, scan response). */
export const DEVICE_NAME = "moodface";

export const MSG_STIMULUS = 0x01;
/** FORGET `10 vv`: delete every bond ("forget phones"). Paired peers only. */
export const MSG_FORGET = 0x10;
/** PAIR_START `11 vv`: show a new passkey on the robot (transports without link-layer pairing). */
export const MSG_PAIR_START = 0x11;
/** PAIR `12 vv p2 p1 p0`: the passkey the user typed, 0..999999, big-endian. */
export const MSG_PAIR = 0x12;
/** PROFILE `13 vv nn name...`: switch to the shipped profile `name` (ASCII, 1..16). Paired peers only. */
export const MSG_PROFILE = 0x13;
export const MSG_ACK = 0x81;
/** DONE `82 tt`: the command of type tt (FORGET, PAIR_START, PAIR) was carried out. */
export const MSG_DONE = 0x82;
export const MSG_STATE = 0x90;
/** EVENT: what a stimulus did, EVENT_SETTLE_MS after it landed (notified on the command characteristic, sent to every WebSocket client). */
export const MSG_EVENT = 0x91;
export const MSG_ERROR = 0xff;
/** GLASS (the simulator's WebSocket only): [0xa0, brightness, 1024 bytes of what its virtual panel shows, page-packed]. */
export const MSG_GLASS = 0xa0;

export const MAX_TAGS = 4;
export const STATE_BYTES = 2 + CHANNEL_COUNT + EMOTION_COUNT + 3;
export const MAX_MESSAGE_BYTES = 20;
export const EVENT_BYTES = 19;
/** EVENT's reflex byte when the face played none. */
export const NO_REFLEX_BYTE = 255;
export const FORGET_BYTES = 2;
export const PAIR_START_BYTES = 2;
export const PAIR_BYTES = 5;
/** The longest reply (ACK with the appraisal). */
export const REPLY_MAX_BYTES = 6;
/** Passkeys are six decimal digits. */
export const PASSKEY_LIMIT = 1000000;

/** Error codes of MSG_ERROR, with the index of the byte at fault. */
export const ERR_EMPTY = 1;
export const ERR_UNKNOWN_TYPE = 2;
export const ERR_LENGTH = 3;
export const ERR_STIMULUS = 4;
export const ERR_TAG_COUNT = 5;
export const ERR_TAG = 6;
export const ERR_VERSION = 7;
/** The peer is not paired with an authenticated (passkey, LE Secure Connections) bond. */
export const ERR_NOT_PAIRED = 8;
/** PAIR: wrong passkey, out of range, or no pairing under way. */
export const ERR_PASSKEY = 9;
/** PROFILE: the name is not a profile the robot has (or not a profile name), byte 3. */
export const ERR_PROFILE = 10;

/** The longest profile name PROFILE carries (the saved state's limit, modules/app/saved.ts). */
export const PROFILE_NAME_MAX = 16;
/** ACK with the appraisal: `81 ss s1 s0 v1 v0`. */
export const ACK_APPRAISAL_BYTES = 6;

export const ERROR_TEXT = Object.freeze([
  "",
  "empty message",
  "unknown message type",
  "wrong length for this message type",
  "unknown stimulus",
  "too many tags",
  "unknown tag",
  "unsupported protocol version",
  "not paired",
  "wrong passkey",
  "unknown profile",
]);

/** A decoded, checked stimulus (reused: decoding allocates nothing). */
export interface StimulusMessage {
  /** After a failed decode: the index of the byte at fault. */
  errorAt: number;
  stimulus: number;
  /** Q8.24 intensity, 0..ONE. */
  intensity: number;
  tagCount: number;
  readonly tags: Int32Array;
  /** Where the stimulus came from, 0..255 (256ths of a turn clockwise from straight ahead, as the robot sees it), or NO_DIRECTION. */
  direction: number;
}

/** The optional direction byte is absent. */
export const NO_DIRECTION = -1;

export function newStimulusMessage(): StimulusMessage {
  return { errorAt: 0, stimulus: 0, intensity: 0, tagCount: 0, tags: new Int32Array(MAX_TAGS), direction: NO_DIRECTION };
}

/**
 * Encodes STIMULUS: [0x01, version, stimulus, intensity 0..255, tag count, tags..., direction?].
 * The direction byte (0..255) is written only when given. Returns the length written into `out`.
 */
export function encodeStimulus(out: Uint8Array, stimulus: number, intensity255: number, tags: ArrayLike<number> = [], direction = NO_DIRECTION): number {
  out[0] = MSG_STIMULUS;
  out[1] = PROTOCOL_VERSION;
  out[2] = stimulus;
  out[3] = intensity255;
  out[4] = tags.length;
  for (let i = 0; i < tags.length; i++) out[5 + i] = tags[i];
  if (direction < 0) return 5 + tags.length;
  out[5 + tags.length] = direction;
  return 6 + tags.length;
}

/**
 * The one length check every message gets, before its type is looked at: 1 to MAX_MESSAGE_BYTES
 * bytes (nothing longer than one BLE write is a message, whatever its first byte says). Returns 0,
 * or ERR_EMPTY / ERR_LENGTH with the byte at fault in `m.errorAt`. The body decoders below
 * (decodeStimulus, checkCommand) take a message that passed it.
 */
export function checkEnvelope(length: number, m: Fault): number {
  if (length < 1) return fault(m, ERR_EMPTY, 0);
  if (length > MAX_MESSAGE_BYTES) return fault(m, ERR_LENGTH, MAX_MESSAGE_BYTES);
  return 0;
}

/**
 * Checks a STIMULUS message (its envelope checked by checkEnvelope) against the catalog sizes.
 * Returns 0 and fills `m`, or an error code with the index of the byte at fault in `m.errorAt`
 * (the other fields are then meaningless).
 */
export function decodeStimulus(bytes: Uint8Array, length: number, stimulusCount: number, tagVocabulary: number, m: StimulusMessage): number {
  if (bytes[0] !== MSG_STIMULUS) return fault(m, ERR_UNKNOWN_TYPE, 0);
  if (length < 5) return fault(m, ERR_LENGTH, length);
  if (bytes[1] !== PROTOCOL_VERSION) return fault(m, ERR_VERSION, 1);
  if (bytes[2] >= stimulusCount) return fault(m, ERR_STIMULUS, 2);
  const n = bytes[4];
  if (n > MAX_TAGS) return fault(m, ERR_TAG_COUNT, 4);
  // 5 + n bytes, or one more: the optional direction.
  if (length < 5 + n) return fault(m, ERR_LENGTH, length);
  if (length > 6 + n) return fault(m, ERR_LENGTH, 6 + n);
  for (let i = 0; i < n; i++) if (bytes[5 + i] >= tagVocabulary) return fault(m, ERR_TAG, 5 + i);
  m.stimulus = bytes[2];
  // 0..255 to Q8.24 0..ONE: x * ONE / 255 without division (65793 ~ 2^24 / 255; 255 maps to ONE).
  m.intensity = bytes[3] === 255 ? ONE : Math.imul(bytes[3], 65793);
  m.tagCount = n;
  for (let i = 0; i < n; i++) m.tags[i] = bytes[5 + i];
  m.direction = length === 6 + n ? bytes[5 + n] : NO_DIRECTION;
  return 0;
}

/** Where a failed check leaves the index of the byte at fault (StimulusMessage is one). */
export interface Fault {
  errorAt: number;
}

/** The fixed length of a command message type (FORGET, PAIR_START, PAIR), or 0 for other types. */
export function commandBytes(type: number): number {
  return type === MSG_FORGET ? FORGET_BYTES : type === MSG_PAIR_START ? PAIR_START_BYTES : type === MSG_PAIR ? PAIR_BYTES : 0;
}

/**
 * Checks a fixed-length command (FORGET, PAIR_START, PAIR; its envelope checked by checkEnvelope):
 * its length, its version and, for PAIR, that the passkey is six digits. Returns 0, or an error
 * code with the byte at fault in `m.errorAt`.
 */
export function checkCommand(bytes: Uint8Array, length: number, m: Fault): number {
  const want = commandBytes(bytes[0]);
  if (want === 0) return fault(m, ERR_UNKNOWN_TYPE, 0);
  if (length !== want) return fault(m, ERR_LENGTH, want);
  if (bytes[1] !== PROTOCOL_VERSION) return fault(m, ERR_VERSION, 1);
  if (bytes[0] === MSG_PAIR && decodePasskey(bytes) >= PASSKEY_LIMIT) return fault(m, ERR_PASSKEY, 2);
  return 0;
}

/** The passkey of a PAIR message (bytes 2..4, big-endian). */
export function decodePasskey(bytes: Uint8Array): number {
  return (bytes[2] << 16) | (bytes[3] << 8) | bytes[4];
}

/** FORGET: [0x10, version]. */
export function encodeForget(out: Uint8Array): number {
  out[0] = MSG_FORGET;
  out[1] = PROTOCOL_VERSION;
  return FORGET_BYTES;
}

/** PAIR_START: [0x11, version]. */
export function encodePairStart(out: Uint8Array): number {
  out[0] = MSG_PAIR_START;
  out[1] = PROTOCOL_VERSION;
  return PAIR_START_BYTES;
}

/** PAIR: [0x12, version, passkey big-endian (3 bytes)]. */
export function encodePair(out: Uint8Array, passkey: number): number {
  out[0] = MSG_PAIR;
  out[1] = PROTOCOL_VERSION;
  out[2] = (passkey >>> 16) & 0xff;
  out[3] = (passkey >>> 8) & 0xff;
  out[4] = passkey & 0xff;
  return PAIR_BYTES;
}

/** DONE: [0x82, type of the command carried out] (FORGET, PAIR_START, PAIR, PROFILE). */
export function encodeDone(out: Uint8Array, type: number): number {
  out[0] = MSG_DONE;
  out[1] = type;
  return 2;
}

function fault(m: Fault, code: number, at: number): number {
  m.errorAt = at;
  return code;
}

/**
 * ACK: [0x81, stimulus index], and when the stimulus touched a passion the robot holds, the robot's
 * appraisal: served and violated passions as two 16-bit masks, big-endian (bit p = PASSIONS[p]).
 * A stimulus that touched none keeps the two-byte ACK of old.
 */
export function encodeAck(out: Uint8Array, stimulus: number, served = 0, violated = 0): number {
  out[0] = MSG_ACK;
  out[1] = stimulus;
  if ((served | violated) === 0) return 2;
  out[2] = (served >>> 8) & 0xff;
  out[3] = served & 0xff;
  out[4] = (violated >>> 8) & 0xff;
  out[5] = violated & 0xff;
  return ACK_APPRAISAL_BYTES;
}

export interface DecodedAck {
  stimulus: number;
  served: number;
  violated: number;
}

/** For apps and tests: an ACK back to the stimulus and the robot's appraisal (0, 0 for a short ACK). */
export function decodeAck(bytes: Uint8Array): DecodedAck | undefined {
  if (bytes[0] !== MSG_ACK || (bytes.length !== 2 && bytes.length !== ACK_APPRAISAL_BYTES)) return undefined;
  if (bytes.length === 2) return { stimulus: bytes[1], served: 0, violated: 0 };
  return { stimulus: bytes[1], served: (bytes[2] << 8) | bytes[3], violated: (bytes[4] << 8) | bytes[5] };
}

/** PROFILE: [0x13, version, name length, name (ASCII)]. Returns the length written into `out`. */
export function encodeProfile(out: Uint8Array, name: string): number {
  out[0] = MSG_PROFILE;
  out[1] = PROTOCOL_VERSION;
  out[2] = name.length;
  for (let i = 0; i < name.length; i++) out[3 + i] = name.charCodeAt(i) & 0xff;
  return 3 + name.length;
}

/**
 * Checks a PROFILE message: length, version, a name of 1..16 characters from [a-z0-9_-] (the
 * shipped profiles' file names). Returns 0, or an error code with the byte at fault in `m.errorAt`.
 * The caller then reads the name with profileName() and decides whether it has such a profile.
 */
export function checkProfile(bytes: Uint8Array, length: number, m: Fault): number {
  if (length < 1) return fault(m, ERR_EMPTY, 0);
  if (length > MAX_MESSAGE_BYTES) return fault(m, ERR_LENGTH, MAX_MESSAGE_BYTES);
  if (bytes[0] !== MSG_PROFILE) return fault(m, ERR_UNKNOWN_TYPE, 0);
  if (length < 3) return fault(m, ERR_LENGTH, length);
  if (bytes[1] !== PROTOCOL_VERSION) return fault(m, ERR_VERSION, 1);
  const n = bytes[2];
  if (n < 1 || n > PROFILE_NAME_MAX) return fault(m, ERR_PROFILE, 2);
  if (length !== 3 + n) return fault(m, ERR_LENGTH, 3 + n);
  for (let i = 0; i < n; i++) {
    const c = bytes[3 + i];
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
    if (!ok) return fault(m, ERR_PROFILE, 3 + i);
  }
  return 0;
}

/** The name in a PROFILE message that checkProfile accepted. */
export function profileName(bytes: Uint8Array): string {
  let name = "";
  for (let i = 0; i < bytes[2]; i++) name += String.fromCharCode(bytes[3 + i]);
  return name;
}

/** ERROR: [0xff, code, index of the byte at fault]. */
export function encodeError(out: Uint8Array, code: number, at: number): number {
  out[0] = MSG_ERROR;
  out[1] = code;
  out[2] = at;
  return 3;
}

/**
 * STATE: [0x90, version, level per channel (0..255 of K), probability per emotion (0..255),
 * dominant, intensity (0..255), nuance word]: 19 bytes, one BLE notification.
 */
export function encodeState(out: Uint8Array, s: EmotionState): number {
  out[0] = MSG_STATE;
  out[1] = PROTOCOL_VERSION;
  let k = 2;
  for (let c = 0; c < CHANNEL_COUNT; c++) out[k++] = toByte(s.levels[c]);
  for (let e = 0; e < EMOTION_COUNT; e++) out[k++] = toByte(s.probabilities[e]);
  out[k++] = s.dominant;
  out[k++] = toByte(s.intensity);
  out[k++] = s.nuance;
  return k;
}

export interface DecodedState {
  levels: number[];
  probabilities: number[];
  dominant: number;
  intensity: number;
  nuance: number;
}

/**
 * For apps and tests: STATE back to numbers (levels and probabilities 0..1). Anything that is not a
 * STATE of this version, exactly STATE_BYTES long, with a dominant emotion that exists, is refused
 * (undefined). The nuance word is an index into the wheel the app knows; the app checks it.
 */
export function decodeState(bytes: Uint8Array): DecodedState | undefined {
  if (bytes.length !== STATE_BYTES || bytes[0] !== MSG_STATE || bytes[1] !== PROTOCOL_VERSION) return undefined;
  if (bytes[STATE_BYTES - 3] >= EMOTION_COUNT) return undefined;
  const levels: number[] = [];
  const probabilities: number[] = [];
  let k = 2;
  for (let c = 0; c < CHANNEL_COUNT; c++) levels.push(bytes[k++] / 255);
  for (let e = 0; e < EMOTION_COUNT; e++) probabilities.push(bytes[k++] / 255);
  return { levels, probabilities, dominant: bytes[k], intensity: bytes[k + 1] / 255, nuance: bytes[k + 2] };
}

/** What an EVENT says (numbers as sent; probabilities 0..255 of 1). */
export interface EventFacts {
  stimulus: number;
  /** 0..255 of full intensity. */
  intensity: number;
  /** What the face did: behaviour.ts DID_* (0 nothing, 1 a reflex, 2 fell asleep, 3 woke up). */
  reaction: number;
  /** The reflex played (face/reflexes.ts REFLEXES index), or NO_REFLEX_BYTE. */
  reflex: number;
  dominantBefore: number;
  dominantAfter: number;
  /** The emotion whose probability moved most, and its probability before and after (0..255). */
  moved: number;
  before: number;
  after: number;
  /** When the stimulus landed, on the robot's clock (ms since it started, wrapping at 2^32). */
  at: number;
  /** The robot's appraisal of the stimulus (EmotionState.served / .violated): bit p for PASSIONS[p]. */
  served: number;
  violated: number;
}

/**
 * EVENT: [0x91, version, stimulus, intensity, reaction, reflex, dominant before, dominant after,
 * moved emotion, its probability before, after, robot time of the stimulus (ms, 4 bytes big-endian),
 * passions served (2 bytes big-endian), passions violated (2 bytes)]: 19 bytes.
 */
export function encodeEvent(out: Uint8Array, e: EventFacts): number {
  out[0] = MSG_EVENT;
  out[1] = PROTOCOL_VERSION;
  out[2] = e.stimulus;
  out[3] = e.intensity;
  out[4] = e.reaction;
  out[5] = e.reflex;
  out[6] = e.dominantBefore;
  out[7] = e.dominantAfter;
  out[8] = e.moved;
  out[9] = e.before;
  out[10] = e.after;
  out[11] = (e.at >>> 24) & 0xff;
  out[12] = (e.at >>> 16) & 0xff;
  out[13] = (e.at >>> 8) & 0xff;
  out[14] = e.at & 0xff;
  out[15] = (e.served >> 8) & 0xff;
  out[16] = e.served & 0xff;
  out[17] = (e.violated >> 8) & 0xff;
  out[18] = e.violated & 0xff;
  return EVENT_BYTES;
}

/** EVENT back to its facts, or undefined for anything else (wrong type, version or length, an emotion that does not exist). */
export function decodeEvent(bytes: Uint8Array): EventFacts | undefined {
  if (bytes.length !== EVENT_BYTES || bytes[0] !== MSG_EVENT || bytes[1] !== PROTOCOL_VERSION) return undefined;
  if (bytes[6] >= EMOTION_COUNT || bytes[7] >= EMOTION_COUNT || bytes[8] >= EMOTION_COUNT) return undefined;
  return { stimulus: bytes[2], intensity: bytes[3], reaction: bytes[4], reflex: bytes[5], dominantBefore: bytes[6], dominantAfter: bytes[7], moved: bytes[8], before: bytes[9], after: bytes[10], at: ((bytes[11] << 24) | (bytes[12] << 16) | (bytes[13] << 8) | bytes[14]) >>> 0, served: (bytes[15] << 8) | bytes[16], violated: (bytes[17] << 8) | bytes[18] };
}

/** Q8.24 0..ONE to 0..255, rounded (STATE's and EVENT's bytes). */
export function toByte(q: number): number {
  const v = (Math.imul(q < 0 ? 0 : q > ONE ? ONE : q >> 8, 255) + 32768) >> 16;
  return v;
}
