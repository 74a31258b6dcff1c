/*
 * The simulator's host for the robot: the same raw inputs main.ts hands the boot stage on the
 * board, from this machine. The config is the manifest's (merged for lin, as mcconfig merges it)
 * with the command line's overrides on top; data files and frames.bin come from disk; the saved
 * state through the board's A/B store with CRC, over a file standing in for its flash; the hardware is the virtual provider the lin build uses
 * (a virtual SSD1306 at the configured address on a virtual I2C bus, virtual GPIO inputs), and
 * every I2C transaction can be logged (docs/formats/i2c-log.md).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openStateFile } from "./flash-file.js";
import type { Robot, RobotHost } from "../../modules/app/robot.js";
import { parseConfig } from "../../modules/app/config.js";
import { createVirtualDevice, type VirtualDevice } from "../../modules/virtual/provider.js";
import type { VirtualBus } from "../../modules/virtual/i2c.js";
import type { VirtualSSD1306 } from "../../modules/virtual/ssd1306.js";
import { DATA_DIR, PROFILES_DIR } from "../lib/data.js";
import { platformConfig } from "../lib/manifest.js";
import { formatTransaction } from "../display/i2c-log.js";
import { hostDecoder } from "../decoder/native.js";

/** Raw config overrides, in the manifest's shape ({ profile, display: { hz } ...}). */
export interface ConfigOverrides {
  readonly [key: string]: unknown;
}

export interface SimHostOptions {
  framesFile: string;
  stateFile?: string;
  /** Laid over the manifest's lin config, key by key. */
  config?: ConfigOverrides;
  seed?: number;
  /** Called with each I2C transaction as a log line. */
  onLogLine?: (line: string) => void;
  /** Robot time, for log timestamps. */
  now: () => number;
  trace?: (message: string) => void;
  /** Crossfade instead of loading the C decoder. */
  noDecoder?: boolean;
}

export interface SimHost extends RobotHost {
  readonly device: VirtualDevice;
  readonly bus: VirtualBus;
  readonly panel: VirtualSSD1306;
}

function overlay(base: Record<string, unknown>, top: ConfigOverrides): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(top)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" ? overlay(b as Record<string, unknown>, v as ConfigOverrides) : v;
  }
  return out;
}

/**
 * One tick of the runtime at simulated time `t`, as the board's timer gives it: the virtual IMU's
 * clock is set to `t` first (the real one simply lives in time). Returns true when it drew a frame.
 */
export function tickAt(robot: Robot, host: SimHost, t: number): boolean {
  const imu = host.device.virtual.imu;
  if (imu) imu.time = t;
  return robot.tick(t);
}

/** Runs the runtime through simulated time (from, to], a tick every robot.tickMs. Returns the last tick's time. */
export function runFor(robot: Robot, host: SimHost, from: number, to: number): number {
  let t = from;
  while (t + robot.tickMs <= to) tickAt(robot, host, (t += robot.tickMs));
  return t;
}

export function createSimHost(o: SimHostOptions): SimHost {
  const config = overlay(platformConfig("lin"), o.config ?? {});
  // The provider gets the display config the boot stage will use (parseConfig is that stage's schema).
  const parsed = parseConfig(config).config;
  const device = createVirtualDevice(parsed.display, parsed.sensors);
  const { bus, panel } = device.virtual;
  if (o.onLogLine) {
    const log = o.onLogLine;
    bus.onTransaction = (address, bytes, length, acked) => log(formatTransaction({ t: o.now(), address, bytes: bytes.slice(0, length), acked }));
  }
  const dataFile = (name: string) => {
    for (const dir of [DATA_DIR, PROFILES_DIR]) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    return undefined;
  };
  const trace = (m: string) => (o.trace ?? ((s: string) => process.stderr.write(s)))(m);
  const store = o.stateFile ? openStateFile(o.stateFile, trace) : undefined;
  return {
    device,
    bus,
    panel,
    config,
    seed: o.seed ?? 1,
    i2c: device.I2C.default,
    digital: device.io.Digital,
    resource: (name) => {
      if (name !== "frames.bin" || !existsSync(o.framesFile)) return undefined;
      const b = readFileSync(o.framesFile);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    },
    text: (name) => {
      const p = dataFile(name);
      return p ? readFileSync(p, "utf8") : undefined;
    },
    // The board's A/B store with CRC over a file standing in for its flash (tools/sim/flash-file.ts).
    load: () => store?.load(),
    save: (bytes) => {
      store?.save(bytes);
    },
    trace,
    // Latent size 0: the decoder reports the model's own, and the boot stage checks it against the pack's.
    openDecoder: o.noDecoder ? undefined : (model) => hostDecoder(model, 0),
  };
}
