/*
 * What the robot remembers across power cycles (docs/formats/saved-state.md): the profile's name and
 * the neuromodulator levels, so a robot switched off while sad wakes up still a little sad.
 * 32 bytes at most; stored with Preference on the device and in a file by the simulator.
 */
import { CHANNEL_COUNT } from "../emotion/names.js";

export const SAVED_VERSION = 1;
export const SAVED_MAX_NAME = 16;

export interface SavedState {
  profile: string;
  levels: Int32Array;
}

/** [version, name length, name (ASCII), levels as int32 little-endian]. */
export function encodeSaved(profile: string, levels: Int32Array): Uint8Array {
  const n = profile.length > SAVED_MAX_NAME ? SAVED_MAX_NAME : profile.length;
  const out = new Uint8Array(2 + n + 4 * CHANNEL_COUNT);
  out[0] = SAVED_VERSION;
  out[1] = n;
  for (let i = 0; i < n; i++) out[2 + i] = profile.charCodeAt(i) & 0x7f;
  for (let c = 0; c < CHANNEL_COUNT; c++) {
    const v = levels[c];
    const o = 2 + n + 4 * c;
    out[o] = v & 0xff;
    out[o + 1] = (v >>> 8) & 0xff;
    out[o + 2] = (v >>> 16) & 0xff;
    out[o + 3] = v >>> 24;
  }
  return out;
}

/** The saved state, or undefined when the bytes are not a version-1 record (never throws). */
export function decodeSaved(bytes: Uint8Array): SavedState | undefined {
  if (bytes.length < 2 || bytes[0] !== SAVED_VERSION) return undefined;
  const n = bytes[1];
  if (n > SAVED_MAX_NAME || bytes.length !== 2 + n + 4 * CHANNEL_COUNT) return undefined;
  let profile = "";
  for (let i = 0; i < n; i++) profile += String.fromCharCode(bytes[2 + i]);
  const levels = new Int32Array(CHANNEL_COUNT);
  for (let c = 0; c < CHANNEL_COUNT; c++) {
    const o = 2 + n + 4 * c;
    levels[c] = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
  }
  return { profile, levels };
}
