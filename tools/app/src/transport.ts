/*
 * One interface for both ways to the robot: Web Bluetooth (ble.ts) and a simulator's WebSocket
 * (ws.ts). Both carry the same codec messages (modules/link/codec.ts); the simulator also sends its
 * panel's glass and a catalog (hello).
 */
export interface Hello {
  profile: string;
  /** The profiles the simulator has (shipped names). */
  profiles?: string[];
  emotions: string[];
  words: string[];
  stimuli: { name: string; description: string }[];
  tags: string[];
  channels: { name: string }[];
}

export interface TransportEvents {
  /** A protocol message from the robot: ACK, DONE, ERROR or STATE. */
  message(bytes: Uint8Array): void;
  /** The link came up (again). */
  up(t: Transport): void;
  /** The link went down; `retrying` when the transport is reconnecting by itself. */
  down(reason: string, retrying: boolean): void;
  /** Simulator only: its catalog, and what its panel's glass shows (page-packed 128x64). */
  hello?(h: Hello): void;
  glass?(bytes: Uint8Array, brightness: number): void;
}

export interface Transport {
  readonly kind: "bluetooth" | "simulator";
  /**
   * How pairing happens. "system": the browser and the operating system ask for the passkey the
   * first time the app writes (BLE link-layer pairing). "app": this app sends PAIR_START and PAIR.
   */
  readonly pairing: "system" | "app";
  /** Where it is connected, for people. */
  readonly label: string;
  /** Sends one message. Rejects with an Error whose message is one line for people. */
  write(bytes: Uint8Array): Promise<void>;
  /** Asks for the current state now (BLE read); the answer comes as a message. */
  refresh(): Promise<void>;
  close(): void;
}
