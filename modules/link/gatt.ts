/*
 * The stimulus service's GATT table as data (docs/ble.md), built from the codec's UUIDs and sizes.
 * The BLE adapter (modules/link/ble-peripheral.ts) turns it into the ECMA-419
 * `embedded:io/bluetoothle/peripheral` service table with propertyBits(); tests/link/gatt.test.ts
 * checks it against the codec and the SDK's property bits, tests/link/ble-adapter.test.ts runs the
 * adapter on a stand-in GATT server.
 */
import { COMMAND_UUID, DEVICE_NAME, EVENT_BYTES, MAX_MESSAGE_BYTES, SERVICE_UUID, STATE_BYTES, STATE_UUID } from "./codec.js";

/** Property names of ECMA-419's `GATTServer.properties`. */
export type PropertyName =
  | "read"
  | "readEncrypted"
  | "readAuthenticated"
  | "write"
  | "writeEncrypted"
  | "writeAuthenticated"
  | "writeWithOutResponse"
  | "notify"
  | "indicate"
  | "subscribeEncrypted"
  | "subscribeAuthenticated";

export interface CharacteristicSpec {
  readonly uuid: string;
  readonly properties: readonly PropertyName[];
  /** Longest value the peer may write (0: not writable). */
  readonly writeBytes: number;
  /** Exact length of every value read or notified. */
  readonly valueBytes: number;
  /** Values notified, when not exactly valueBytes: min..max. */
  readonly notifyMinBytes: number;
}

/**
 * Command: writes only on an encrypted link with an authenticated (MITM) key: the stack refuses
 * everyone else with ATT "insufficient authentication" before the firmware sees the bytes, which is
 * also what makes a phone start pairing. Replies (2 or 3 bytes) and EVENT messages are notified on it.
 * State: public, read and notify, always STATE_BYTES long.
 */
export const COMMAND: CharacteristicSpec = Object.freeze({
  uuid: COMMAND_UUID,
  properties: Object.freeze(["writeAuthenticated", "notify"] as const),
  writeBytes: MAX_MESSAGE_BYTES,
  valueBytes: EVENT_BYTES,
  notifyMinBytes: 2,
});

export const STATE: CharacteristicSpec = Object.freeze({
  uuid: STATE_UUID,
  properties: Object.freeze(["read", "notify"] as const),
  writeBytes: 0,
  valueBytes: STATE_BYTES,
  notifyMinBytes: STATE_BYTES,
});

export const SERVICE = Object.freeze({ uuid: SERVICE_UUID, characteristics: Object.freeze([COMMAND, STATE]) });

/** GAP: the public name, readable by anyone (a static value: NimBLE serves it itself). */
export const GAP_SERVICE_UUID = "1800";
export const GAP_NAME_UUID = "2a00";
export const NAME = DEVICE_NAME;

/** LE General Discoverable, BR/EDR not supported. */
export const ADVERTISING_FLAGS = 6;

/** ORs the bits of the named properties from the stack's table (GATTServer.properties). Throws on an unknown name. */
export function propertyBits(table: Readonly<Record<string, number>>, names: readonly string[]): number {
  let bits = 0;
  for (const n of names) {
    const b = table[n];
    if (typeof b !== "number") throw new Error(`GATT property "${n}" is not in the stack's table`);
    bits |= b;
  }
  return bits;
}
