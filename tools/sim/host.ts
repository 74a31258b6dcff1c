/*
 * The simulator's host for the robot: data files and frames.bin from disk, the saved state in a
 * file (written atomically), and a virtual I2C bus with a virtual SSD1306 whose every transaction
 * can be logged (docs/formats/i2c-log.md).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { VirtualBus, i2cClassFor } from "../../modules/virtual/i2c.js";
import { VirtualSSD1306 } from "../../modules/virtual/ssd1306.js";
import type { RobotConfig, RobotHost } from "../../modules/app/robot.js";
import { DATA_DIR, PROFILES_DIR } from "../lib/data.js";
import { formatTransaction } from "../display/i2c-log.js";
import { hostDecoder } from "../decoder/native.js";

export interface SimHostOptions {
  framesFile: string;
  stateFile?: string;
  config: RobotConfig;
  /** Called with each I2C transaction as a log line. */
  onLogLine?: (line: string) => void;
  /** Robot time, for log timestamps. */
  now: () => number;
  trace?: (message: string) => void;
  /** Crossfade instead of loading the C decoder. */
  noDecoder?: boolean;
}

export interface SimHost extends RobotHost {
  readonly bus: VirtualBus;
  readonly panel: VirtualSSD1306;
}

export function createSimHost(o: SimHostOptions): SimHost {
  const bus = new VirtualBus();
  const panel = new VirtualSSD1306(128, o.config.display?.height ?? 64);
  bus.attach(o.config.display?.address ?? 0x3c, panel);
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
  return {
    bus,
    panel,
    i2c: { io: i2cClassFor(bus), data: 4, clock: 5 },
    resource: (name) => {
      if (name !== "frames.bin" || !existsSync(o.framesFile)) return undefined;
      const b = readFileSync(o.framesFile);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    },
    text: (name) => {
      const p = dataFile(name);
      return p ? readFileSync(p, "utf8") : undefined;
    },
    load: () => (o.stateFile && existsSync(o.stateFile) ? new Uint8Array(readFileSync(o.stateFile)) : undefined),
    save: (bytes) => {
      if (o.stateFile) writeFileAtomic.sync(o.stateFile, Buffer.from(bytes));
    },
    trace: (m) => (o.trace ?? ((s: string) => process.stderr.write(s)))(m),
    config: o.config,
    decoder: o.noDecoder ? undefined : (model, size) => hostDecoder(model, size),
  };
}
