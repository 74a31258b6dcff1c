/*
 * SSD1306 OLED driver in the ECMA-419 display class pattern, over an `embedded:io/i2c` class.
 *
 * Frames are 1024-byte page-packed buffers (byte = one column of one page, bit 0 on top): the
 * controller's own GDDRAM layout, so no conversion is needed. update(frame) keeps the last frame sent
 * and sends only what changed, in the windows the planner finds cheapest on the bus. Bus faults never
 * escape: a NACK or a timeout marks the panel offline, update() retries with backoff, and when the
 * panel answers again it is re-initialised and redrawn; status says what happened.
 *
 * Allocation-free per frame. Uses only ECMAScript and the ECMA-419 I2C API.
 */
import { FRAME_BYTES, WIDTH } from "../common/geometry.js";
import { ADDRESS_SA0_HIGH, ADDRESS_SA0_LOW, CMD, CONTROL_COMMAND_STREAM, CONTROL_DATA_STREAM, MAX_PARAMETERS, transactionClocks } from "./commands.js";
import { COLUMNS, MAX_WINDOWS, PortableFrameOps, type FrameOps } from "./planner.js";

import type { I2C, I2CClass, PinSpecifier } from "../common/io.js";

export type { I2CClass, PinSpecifier, FrameOps };

export interface SSD1306Options {
  /** Bus options, usually `{...device.I2C.default, io: device.io.I2C}` from the host provider. */
  display: { io: I2CClass; data: PinSpecifier; clock: PinSpecifier; port?: number; address?: number; hz?: number };
  width?: number;
  height?: number;
  /** Panel mounted upside down: rotate 180 degrees. */
  flip?: boolean;
  contrast?: number;
  invert?: boolean;
  /** Millisecond clock for retry backoff (defaults to Date.now). */
  now?: () => number;
  /** The per-frame byte work (diff, window plan, copies): the board passes the C one
   *  (display/native-frame); default: the portable TypeScript one (planner.ts). */
  frameOps?: FrameOps;
}

export interface ConfigureOptions {
  contrast?: number;
  flip?: boolean;
  invert?: boolean;
  /** true: display off (sleep); false: display on. */
  sleep?: boolean;
}

export interface DisplayStatus {
  /** The last transaction succeeded and the panel shows what the driver believes. */
  online: boolean;
  /** Failed transactions. */
  errors: number;
  /** Recovery attempts after a failure. */
  retries: number;
  /** Successful re-initialisations after a failure. */
  reinits: number;
  lastError: string;
  /** Frames fully sent by update(). */
  frames: number;
  /** Bytes written, address bytes included, and the SCL clocks they took. */
  bytes: number;
  clocks: number;
}

export { FRAME_BYTES };

/**
 * The driver's defaults and what it accepts (as a Moddable driver owns its MODDEF_SSD1306_* values):
 * the boot stage's config schema (modules/app/config.ts) takes its defaults and its checks from here.
 */
export const SSD1306_ADDRESSES: readonly number[] = Object.freeze([ADDRESS_SA0_LOW, ADDRESS_SA0_HIGH]);
export const SSD1306_HEIGHTS: readonly number[] = Object.freeze([64, 32]);
/** The I2C clock: the datasheet allows 400 kHz; hobbyists run these panels up to 1 MHz. */
export const SSD1306_HZ_MIN = 10000;
export const SSD1306_HZ_MAX = 1000000;
export const SSD1306_DEFAULTS = Object.freeze({ address: ADDRESS_SA0_LOW, hz: 400000, height: 64, flip: false, contrast: 0xcf });
const FIRST_RETRY_MS = 20;
const MAX_RETRY_MS = 1000;

export default class SSD1306 {
  readonly width: number;
  readonly height: number;
  /** Page-packed 1 bit per pixel, SSD1306 GDDRAM order (docs/ssd1306.md). */
  readonly pixelFormat = "page1";
  readonly address: number;
  readonly hz: number;
  readonly status: DisplayStatus = { online: false, errors: 0, retries: 0, reinits: 0, lastError: "", frames: 0, bytes: 0, clocks: 0 };

  private readonly options: SSD1306Options["display"];
  private readonly now: () => number;
  private i2c: I2C | undefined;
  private contrast: number;
  private flip: boolean;
  private invert: boolean;
  private sleeping = false;
  private needsInit = true;
  /** Whether `last` is what GDDRAM holds. */
  private known = false;
  private retryAt = 0;
  private retryDelay = FIRST_RETRY_MS;
  private readonly last = new Uint8Array(FRAME_BYTES);
  private readonly ops: FrameOps;
  /** The planned windows, [c0, c1, p0, p1] each: an ArrayBuffer for the C (xsmc reads no Int32Array). */
  private readonly windowBuffer = new ArrayBuffer(MAX_WINDOWS * 16);
  private readonly windows = new Int32Array(this.windowBuffer);
  // Resizable buffers so one allocation serves every transaction length (ES2024).
  private readonly commandBuffer = new ArrayBuffer(40, { maxByteLength: 40 });
  private readonly command = new Uint8Array(this.commandBuffer);
  /** A window's command transaction: 00 21 c0 c1 22 p0 p1. */
  private readonly windowCommand = Uint8Array.of(CONTROL_COMMAND_STREAM, CMD.COLUMN_WINDOW, 0, 0, CMD.PAGE_WINDOW, 0, 0);
  private readonly dataBuffer = new ArrayBuffer(1 + FRAME_BYTES, { maxByteLength: 1 + FRAME_BYTES });
  private readonly data = new Uint8Array(this.dataBuffer);
  private area = { x: 0, y: 0, width: 0, height: 0, page: 0, offset: 0 };

  constructor(options: SSD1306Options) {
    const d = options?.display;
    if (!d || typeof d.io !== "function") throw new TypeError("SSD1306: options.display.io must be an I2C class (device.io.I2C)");
    if (d.data === undefined || d.clock === undefined) throw new TypeError("SSD1306: options.display needs data and clock pins");
    const address = d.address ?? SSD1306_DEFAULTS.address;
    if (!SSD1306_ADDRESSES.includes(address)) throw new RangeError(`SSD1306: address must be 0x3c or 0x3d, not 0x${address.toString(16)}`);
    const hz = d.hz ?? SSD1306_DEFAULTS.hz;
    if (!(hz >= SSD1306_HZ_MIN && hz <= SSD1306_HZ_MAX) || (hz | 0) !== hz) throw new RangeError(`SSD1306: hz must be a whole number from ${SSD1306_HZ_MIN} to ${SSD1306_HZ_MAX}, not ${hz}`);
    const width = options.width ?? WIDTH;
    const height = options.height ?? SSD1306_DEFAULTS.height;
    if (width !== WIDTH) throw new RangeError(`SSD1306: width must be ${WIDTH}, not ${width}`);
    if (!SSD1306_HEIGHTS.includes(height)) throw new RangeError(`SSD1306: height must be 64 or 32, not ${height}`);
    this.width = width;
    this.height = height;
    this.address = address;
    this.hz = hz;
    this.contrast = checkContrast(options.contrast ?? SSD1306_DEFAULTS.contrast);
    this.flip = !!options.flip;
    this.invert = !!options.invert;
    this.options = d;
    this.now = options.now ?? Date.now;
    this.ops = options.frameOps ?? new PortableFrameOps();
    this.recover();
  }

  /** ECMA-419 configure: contrast 0..255, flip, invert, sleep. Never throws on a bus fault. */
  configure(options: ConfigureOptions): void {
    if (options.contrast !== undefined) this.contrast = checkContrast(options.contrast);
    if (options.flip !== undefined && !!options.flip !== this.flip) {
      this.flip = !!options.flip;
      this.known = false; // segment remap applies to data written from now on: redraw everything
    }
    if (options.invert !== undefined) this.invert = !!options.invert;
    if (options.sleep !== undefined) this.sleeping = !!options.sleep;
    if (this.needsInit) return; // recover() will send all of it
    const c = this.command;
    let n = 0;
    c[n++] = CONTROL_COMMAND_STREAM;
    c[n++] = CMD.CONTRAST;
    c[n++] = this.contrast;
    c[n++] = this.flip ? CMD.SEGMENT_NORMAL : CMD.SEGMENT_REMAP;
    c[n++] = this.flip ? CMD.COM_NORMAL : CMD.COM_REMAP;
    c[n++] = this.invert ? CMD.INVERSE : CMD.NORMAL;
    c[n++] = this.sleeping ? CMD.DISPLAY_OFF : CMD.DISPLAY_ON;
    this.sendCommands(n);
  }

  /** ECMA-419 begin: the next send() calls fill this area, page row by page row. */
  begin(options: { x?: number; y?: number; width?: number; height?: number } = {}): void {
    const x = options.x ?? 0;
    const y = options.y ?? 0;
    const w = options.width ?? this.width - x;
    const h = options.height ?? this.height - y;
    if (x < 0 || w < 1 || x + w > this.width || y < 0 || h < 8 || y + h > this.height || (y & 7) !== 0 || (h & 7) !== 0) {
      throw new RangeError("SSD1306: begin() needs an area inside the panel with y and height in whole pages (multiples of 8)");
    }
    this.area = { x, y, width: w, height: h, page: y >> 3, offset: 0 };
    this.scratch.set(this.last); // what is outside the area stays as it is
  }

  /** ECMA-419 send: page-packed bytes for the area given to begin(), continuing where the last ended. */
  send(buffer: ArrayBufferLike | ArrayBufferView): void {
    const bytes = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
    const a = this.area;
    for (let i = 0; i < bytes.length; i++) {
      const row = (a.offset / a.width) | 0;
      if (row >= a.height >> 3) throw new RangeError("SSD1306: send() past the end of the area given to begin()");
      const index = (a.page + row) * COLUMNS + a.x + (a.offset % a.width);
      this.scratch[index] = bytes[i];
      a.offset++;
    }
  }

  /** ECMA-419 end: puts the area on the panel (only the bytes that changed). */
  end(): void {
    this.update(this.scratch);
  }

  /** Frame assembled by begin/send before end() hands it to update(). */
  private readonly scratch = new Uint8Array(FRAME_BYTES);

  /**
   * Shows a 1024-byte page-packed frame, sending only what changed. Returns true when the panel
   * shows it; false while the panel is offline (then it retries on later calls with backoff).
   */
  update(frame: Uint8Array): boolean {
    if (this.needsInit && !this.recover()) return false;
    const windows = this.ops.plan(frame, this.last, this.known, this.height >> 3, this.windowBuffer);
    const w = this.windows;
    for (let k = 0; k < windows; k++) {
      if (!this.sendWindow(frame, w[4 * k], w[4 * k + 1], w[4 * k + 2], w[4 * k + 3])) return false;
    }
    this.known = true;
    this.status.frames++;
    return true;
  }

  /** Closes the bus. The panel keeps showing the last frame. */
  close(): void {
    if (this.i2c?.close) this.i2c.close();
    this.i2c = undefined;
  }

  /** Re-initialises the panel if its retry time has come. True when the panel is ready. */
  private recover(): boolean {
    const t = this.now();
    if (this.status.errors > 0 && t - this.retryAt < 0) return false;
    if (this.status.errors > 0) this.status.retries++;
    if (!this.i2c) {
      try {
        const o = this.options;
        this.i2c = new o.io({ data: o.data, clock: o.clock, port: o.port, address: this.address, hz: this.hz });
      } catch (e) {
        this.fail(e, t);
        return false;
      }
    }
    const c = this.command;
    let n = 0;
    c[n++] = CONTROL_COMMAND_STREAM;
    // NOPs first: if a transaction broke after a command byte, the controller still waits for that
    // command's parameters and would swallow the first bytes of this sequence as them.
    for (let i = 0; i < MAX_PARAMETERS; i++) c[n++] = CMD.NOP;
    c[n++] = CMD.DISPLAY_OFF;
    c[n++] = CMD.CLOCK_DIVIDE;
    c[n++] = 0x80;
    c[n++] = CMD.MULTIPLEX;
    c[n++] = this.height - 1;
    c[n++] = CMD.DISPLAY_OFFSET;
    c[n++] = 0x00;
    c[n++] = CMD.START_LINE | 0;
    c[n++] = CMD.CHARGE_PUMP;
    c[n++] = 0x14;
    c[n++] = CMD.ADDRESSING_MODE;
    c[n++] = 0x00;
    c[n++] = this.flip ? CMD.SEGMENT_NORMAL : CMD.SEGMENT_REMAP;
    c[n++] = this.flip ? CMD.COM_NORMAL : CMD.COM_REMAP;
    c[n++] = CMD.COM_PINS;
    c[n++] = this.height === 64 ? 0x12 : 0x02;
    c[n++] = CMD.CONTRAST;
    c[n++] = this.contrast;
    c[n++] = CMD.PRECHARGE;
    c[n++] = 0xf1;
    c[n++] = CMD.VCOMH;
    c[n++] = 0x40;
    c[n++] = CMD.FOLLOW_RAM;
    c[n++] = this.invert ? CMD.INVERSE : CMD.NORMAL;
    c[n++] = CMD.SCROLL_STOP;
    c[n++] = this.sleeping ? CMD.DISPLAY_OFF : CMD.DISPLAY_ON;
    if (!this.sendCommands(n)) return false;
    if (this.status.errors > 0) this.status.reinits++;
    this.needsInit = false;
    this.known = false; // GDDRAM content is unknown after power-up or a fault
    return true;
  }

  private sendWindow(frame: Uint8Array, c0: number, c1: number, p0: number, p1: number): boolean {
    // Its own 7-byte buffer: no resizing per window (on XS, every call counts in a frame).
    const c = this.windowCommand;
    c[2] = c0;
    c[3] = c1;
    c[5] = p0;
    c[6] = p1;
    if (!this.write(c, 7)) return false;
    const d = this.data;
    const w = c1 - c0 + 1;
    const n = 1 + w * (p1 - p0 + 1);
    this.dataBuffer.resize(n);
    d[0] = CONTROL_DATA_STREAM;
    this.ops.pack(frame, d, c0, c1, p0, p1);
    if (!this.write(d, n)) return false;
    this.ops.commit(frame, this.last, c0, c1, p0, p1);
    return true;
  }

  private sendCommands(n: number): boolean {
    this.commandBuffer.resize(n);
    const ok = this.write(this.command, n);
    this.commandBuffer.resize(40);
    return ok;
  }

  /** One I2C write of a length-tracking view (its buffer was resized to n bytes). */
  private write(buffer: Uint8Array, n: number): boolean {
    const s = this.status;
    try {
      this.i2c!.write(buffer);
    } catch (e) {
      this.fail(e, this.now());
      return false;
    }
    s.online = true;
    s.bytes += n + 1;
    s.clocks += transactionClocks(n);
    this.retryDelay = FIRST_RETRY_MS;
    return true;
  }

  private fail(e: unknown, t: number): void {
    const s = this.status;
    s.online = false;
    s.errors++;
    s.lastError = e instanceof Error ? e.message : String(e);
    this.needsInit = true;
    this.known = false;
    this.retryAt = t + this.retryDelay;
    this.retryDelay = Math.min(MAX_RETRY_MS, this.retryDelay * 2);
  }
}

function checkContrast(v: number): number {
  if (!((v | 0) === v && v >= 0 && v <= 255)) throw new RangeError(`SSD1306: contrast must be a whole number from 0 to 255, not ${v}`);
  return v;
}
