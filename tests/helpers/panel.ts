/* A driver wired to a virtual SSD1306 on a virtual bus, with a hand-driven clock. */
import SSD1306, { type SSD1306Options } from "../../modules/display/ssd1306.js";
import { VirtualSSD1306 } from "../../modules/virtual/ssd1306.js";
import { VirtualBus, i2cClassFor } from "../../modules/virtual/i2c.js";

export interface Rig {
  bus: VirtualBus;
  panel: VirtualSSD1306;
  display: SSD1306;
  clock: { t: number };
}

export interface RigOptions extends Partial<SSD1306Options> {
  height?: number;
  address?: number;
  attach?: boolean;
  hz?: number;
  /** Sees every transaction from the first (the init sequence included). */
  record?: VirtualBus["onTransaction"];
}

export function rig(options: RigOptions = {}): Rig {
  const bus = new VirtualBus();
  bus.onTransaction = options.record;
  const panel = new VirtualSSD1306(128, options.height ?? 64);
  if (options.attach !== false) bus.attach(options.address ?? 0x3c, panel);
  const clock = { t: 0 };
  const display = new SSD1306({
    display: { io: i2cClassFor(bus), data: 4, clock: 5, address: options.address ?? 0x3c, hz: options.hz ?? 400000 },
    height: options.height,
    flip: options.flip,
    contrast: options.contrast,
    invert: options.invert,
    now: () => clock.t,
    frameOps: options.frameOps,
  });
  return { bus, panel, display, clock };
}

/** Reproducible random stream (the firmware's own xorshift32) for random frames. */
import { HEIGHT, WIDTH } from "../../modules/common/geometry.js";

export { xorshift32 as random } from "../parity/vectors.js";

export function randomFrame(rand: () => number, bytes = 1024): Uint8Array {
  const f = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) f[i] = rand() & 0xff;
  return f;
}

/** Frame rotated by 180 degrees (what a flipped panel's glass shows). */
export function rotate180(frame: Uint8Array, height = 64): Uint8Array {
  const out = new Uint8Array(frame.length);
  const pages = height >> 3;
  for (let p = 0; p < pages; p++) {
    for (let x = 0; x < 128; x++) {
      let b = frame[p * 128 + x];
      let r = 0;
      for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
      out[(pages - 1 - p) * 128 + (127 - x)] = r;
      b = 0;
    }
  }
  return out;
}

/** Whether pixel (x, y) of a page-packed frame is lit (false outside the screen). */
export function getPixel(frame: Uint8Array, x: number, y: number): boolean {
  if (x < 0 || y < 0 || x >= WIDTH || y >= HEIGHT) return false;
  return ((frame[(y >> 3) * WIDTH + x] >> (y & 7)) & 1) === 1;
}
