/*
 * One interface for both ways to the robot: Web Bluetooth (ble.ts) and a simulator's WebSocket
 * (ws.ts). Both carry the same codec messages (modules/link/codec.ts), each kind to its own handler:
 * STATE to state(), the command channel's replies and EVENTs to reply(). The simulator also sends its
 * panel's glass, a hello (catalog, clock epoch, versions) and figures (robot time, levels, bus).
 */
export interface Hello {
  /** The robot's name, firmware version and protocol version. */
  name: string;
  firmware: string;
  protocol: number;
  /** Changes whenever the simulator (re)starts: its clock starts again from 0. */
  epoch: string;
  profile: string;
  profiles: string[];
  emotions: string[];
  words: string[];
  stimuli: { name: string; description: string }[];
  tags: string[];
  channels: { name: string; K: number; M: number; rest: number }[];
  hz: number;
  speed: number;
  paused: boolean;
  packError: string;
  /** The robot's latest trace lines, oldest first. */
  trace: string[];
}

/** The simulator's figures, twice a second of robot time (docs/simulator.md). */
export interface Stats {
  t: number;
  fps: number;
  busBytesPerSecond: number;
  busUtilisation: number;
  levels: number[];
  probabilities: number[];
  display: { online: boolean; lastError: string };
  speed: number;
  paused: boolean;
}

export interface TransportEvents {
  /** A STATE message (the state characteristic, or STATE on the WebSocket). */
  state(bytes: Uint8Array): void;
  /** A reply or EVENT (the command characteristic, or those types on the WebSocket). */
  reply(bytes: Uint8Array): void;
  /** The link came up (again). */
  up(t: Transport): void;
  /** The link went down; `retrying` when the transport is reconnecting by itself. */
  down(reason: string, retrying: boolean): void;
  /** Simulator only: its catalog, what its panel's glass shows (page-packed 128x64), its figures, its trace lines. */
  hello?(h: Hello): void;
  glass?(bytes: Uint8Array, brightness: number): void;
  stats?(s: Stats): void;
  trace?(lines: string[]): void;
  /** A line for people about something the simulator said (a refused text message...). */
  note?(text: string): void;
  /** Simulator only: this page is paired (the terminal's token, or a passkey); its POSTs now carry the session key. */
  paired?(): void;
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
