/*
 * The BLE adapter's API, shared by the esp32 adapter (link/ble-peripheral.ts) and the lin stand-in
 * (modules/virtual/ble-peripheral.ts) that the manifest maps in its place: one definition, type-only.
 */
import type { StimulusSink } from "./session.js";

export interface BleRobot extends StimulusSink {
  state(out: Uint8Array): number;
}

export interface BleLinkOptions {
  robot: BleRobot;
  trace(message: string): void;
  /** The public name (default "moodface"). */
  name?: string;
}
