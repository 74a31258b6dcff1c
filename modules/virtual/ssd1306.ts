/*
 * A byte-accurate model of the SSD1306 controller and its glass, for the simulator, the Moddable lin
 * build (no I2C there) and the tests. It decodes every I2C transaction the way the datasheet says the
 * controller does: control bytes (Co, D/C#), a command decoder whose pending parameters survive across
 * control bytes and transactions, the three addressing modes with their wrap-around, windows,
 * page-mode pointers, the display mapping (segment remap, COM scan direction, multiplex ratio, offset,
 * start line, COM pin configuration), contrast, inverse, entire-display-on, display on/off, the charge
 * pump, and scrolling. Anything unknown or malformed is counted and kept in a short log.
 *
 * Modelling choices the datasheet leaves open are listed in docs/ssd1306.md. Pure ECMAScript, so it
 * runs on XS as well as in Node.js.
 */
import { HEIGHT, WIDTH } from "../common/geometry.js";
import { CMD, CONTROL_CO, CONTROL_DC, parameterCount } from "../display/commands.js";

/** GDDRAM is always 128 columns x 8 pages, whatever glass is attached. */
export const RAM_COLUMNS = WIDTH;
export const RAM_PAGES = 8;
export const RAM_BYTES = RAM_COLUMNS * RAM_PAGES;

/** Frames between scroll steps for each 3-bit interval code (datasheet 10.2.1). Frozen for preload. */
const SCROLL_INTERVAL_FRAMES = Object.freeze([5, 64, 128, 256, 3, 4, 25, 2]);
const LOG_SIZE = 16;

export interface PanelCounters {
  transactions: number;
  bytes: number;
  commands: number;
  dataBytes: number;
  /** Command bytes the SSD1306 does not define. */
  unknown: number;
  /** Control bytes with reserved bits set, a control byte with nothing after it, or data while a
   *  command still waits for parameters. */
  malformed: number;
}

export class VirtualSSD1306 {
  readonly width: number;
  readonly height: number;
  /** GDDRAM in segment order: byte (page, seg) drives segment seg; see data(). */
  readonly ram = new Uint8Array(RAM_BYTES);
  readonly counters: PanelCounters = { transactions: 0, bytes: 0, commands: 0, dataBytes: 0, unknown: 0, malformed: 0 };
  /** The last LOG_SIZE problems, newest last, e.g. "unknown command 0xff in transaction 12". */
  readonly problems: string[] = [];

  // Fundamental and hardware configuration, with the datasheet's reset values.
  displayOn = false;
  chargePump = false;
  contrast = 0x7f;
  inverse = false;
  entireOn = false;
  segmentRemap = false;
  comRemap = false;
  multiplex = 63;
  displayOffset = 0;
  startLine = 0;
  comPins = 0x12;
  clockDivide = 0x80;
  precharge = 0x22;
  vcomh = 0x20;
  fadeBlink = 0;
  zoom = 0;

  // Addressing.
  addressingMode = 2;
  columnStart = 0;
  columnEnd = 127;
  pageStart = 0;
  pageEnd = 7;
  column = 0;
  page = 0;
  /** Page mode: the column the pointer returns to (set by the nibble commands). */
  pageModeColumn = 0;

  // Scrolling.
  scrollActive = false;
  scrollKind = 0; // the setup command: 0x26, 0x27, 0x29 or 0x2a
  scrollStartPage = 0;
  scrollEndPage = 7;
  scrollInterval = 5;
  scrollVerticalOffset = 0;
  scrollAreaTop = 0;
  scrollAreaRows = 64;
  private frameClock = 0; // microseconds toward the next frame
  private framesToStep = 0;

  // Command decoder.
  private pending = -1;
  private needed = 0;
  private readonly params = new Uint8Array(6);
  private received = 0;
  private readonly rotate = new Uint8Array(RAM_COLUMNS);

  constructor(width = WIDTH, height = HEIGHT) {
    if (width !== WIDTH || (height !== HEIGHT && height !== HEIGHT >> 1)) throw new RangeError("the virtual SSD1306 models 128x64 and 128x32 glass");
    this.width = width;
    this.height = height;
    if (height === 32) this.comPins = 0x12; // the controller's reset value; 128x32 modules need 0x02
  }

  /** One I2C write to this device: `length` bytes of `bytes` after the address byte. */
  receive(bytes: Uint8Array, length = bytes.length): void {
    const c = this.counters;
    c.transactions++;
    c.bytes += length;
    let i = 0;
    while (i < length) {
      const control = bytes[i++];
      if ((control & 0x3f) !== 0) this.problem(`control byte 0x${hex(control)} has reserved bits set`);
      const data = (control & CONTROL_DC) !== 0;
      if ((control & CONTROL_CO) !== 0) {
        // Co = 1: one byte, then another control byte.
        if (i >= length) {
          this.problem(`control byte 0x${hex(control)} ends the transaction with nothing after it`);
          break;
        }
        const b = bytes[i++];
        if (data) this.data(b);
        else this.command(b);
      } else {
        // Co = 0: the rest of the transaction is one stream.
        if (i >= length && length === 1) this.problem("a transaction with only a control byte");
        for (; i < length; i++) {
          if (data) this.data(bytes[i]);
          else this.command(bytes[i]);
        }
      }
    }
  }

  /** Advances the panel's own clock (scrolling runs on display frames). */
  advance(ms: number): void {
    if (!this.scrollActive || !(ms > 0)) return;
    const frameUs = this.framePeriodUs();
    this.frameClock += ms * 1000;
    while (this.frameClock >= frameUs) {
      this.frameClock -= frameUs;
      if (--this.framesToStep <= 0) {
        this.framesToStep = this.scrollInterval;
        this.scrollStep();
      }
    }
  }

  /** Display frame period from the clock divide and pre-charge settings (datasheet 10.3: Ffrm =
   *  Fosc / (D * K * mux), K = phase1 + phase2 + 50; Fosc about 370 kHz at the reset setting). */
  framePeriodUs(): number {
    const divide = (this.clockDivide & 0x0f) + 1;
    const fosc = 370000 * (0.7 + (this.clockDivide >> 4) * 0.0375);
    const k = (this.precharge & 0x0f) + (this.precharge >> 4) + 50;
    return (1e6 * divide * k * (this.multiplex + 1)) / fosc;
  }

  /** Whether glass pixel (x, y) is lit, counting every mode that affects it. */
  lit(x: number, y: number): boolean {
    return this.litRow(x, this.ramRowAt(y));
  }

  private litRow(x: number, row: number): boolean {
    if (!this.displayOn || !this.chargePump) return false;
    if (row < 0) return false;
    if (this.entireOn) return true;
    const on = ((this.ram[(row >> 3) * RAM_COLUMNS + 127 - x] >> (row & 7)) & 1) === 1;
    return this.inverse ? !on : on;
  }

  /** Brightness of a lit pixel, 0..255, from the contrast setting (an OLED's current scales with it). */
  brightness(): number {
    return 64 + ((191 * this.contrast) / 255) | 0;
  }

  /** What the glass shows: one byte of luminance per pixel, row by row (width x height). */
  render(out: Uint8Array = new Uint8Array(this.width * this.height)): Uint8Array {
    const level = this.brightness();
    for (let y = 0; y < this.height; y++) {
      const row = this.ramRowAt(y);
      for (let x = 0; x < this.width; x++) out[y * this.width + x] = this.litRow(x, row) ? level : 0;
    }
    return out;
  }

  /** The glass as a page-packed frame (byte = 8 vertical pixels, bit 0 on top), lit = 1. */
  glassFrame(out: Uint8Array = new Uint8Array((this.width * this.height) >> 3)): Uint8Array {
    out.fill(0);
    for (let y = 0; y < this.height; y++) {
      const row = this.ramRowAt(y);
      for (let x = 0; x < this.width; x++) if (this.litRow(x, row)) out[(y >> 3) * this.width + x] |= 1 << (y & 7);
    }
    return out;
  }

  /** RAM row shown on glass row y, or -1 where no COM line drives it. */
  ramRowAt(y: number): number {
    const mux = this.multiplex + 1;
    for (let i = 0; i < mux; i++) {
      let pin = this.comRemap ? mux - 1 - i : i;
      if (this.comPins & 0x20) pin = (pin + 32) & 63; // COM left/right remap
      // 64-row glass is wired for the alternative COM pin configuration, 32-row glass for the
      // sequential one; the other setting interleaves the rows (the familiar every-other-line image).
      const alternative = (this.comPins & 0x10) !== 0;
      const matches = this.height === 64 ? alternative : !alternative;
      const line = matches ? pin : pin < 32 ? pin * 2 : (pin - 32) * 2 + 1;
      if (this.height - 1 - line === y) {
        const shown = this.zoom & 1 ? i >> 1 : i;
        return (shown + this.startLine + this.displayOffset) & 63;
      }
    }
    return -1;
  }

  private problem(message: string, unknown = false): void {
    if (unknown) this.counters.unknown++;
    else this.counters.malformed++;
    this.problems.push(`${message} (transaction ${this.counters.transactions})`);
    if (this.problems.length > LOG_SIZE) this.problems.shift();
  }

  private data(b: number): void {
    this.counters.dataBytes++;
    if (this.pending >= 0) this.problem(`data byte while command 0x${hex(this.pending)} waits for ${this.needed - this.received} parameter(s)`);
    // Segment remap acts on data input (datasheet 10.1.8: "only affects subsequent data input"), so
    // RAM is kept in segment order: the glass shows SEG0 at its right edge.
    this.ram[this.page * RAM_COLUMNS + (this.segmentRemap ? 127 - this.column : this.column)] = b;
    if (this.addressingMode === 0) {
      if (++this.column > this.columnEnd) {
        this.column = this.columnStart;
        if (++this.page > this.pageEnd) this.page = this.pageStart;
      }
    } else if (this.addressingMode === 1) {
      if (++this.page > this.pageEnd) {
        this.page = this.pageStart;
        if (++this.column > this.columnEnd) this.column = this.columnStart;
      }
    } else if (++this.column > 127) {
      this.column = this.pageModeColumn;
    }
  }

  private command(b: number): void {
    this.counters.commands++;
    if (this.pending >= 0) {
      this.params[this.received++] = b;
      if (this.received === this.needed) {
        const cmd = this.pending;
        this.pending = -1;
        this.execute(cmd);
      }
      return;
    }
    const n = parameterCount(b);
    if (n < 0) {
      this.problem(`unknown command 0x${hex(b)}`, true);
      return;
    }
    if (n === 0) {
      this.execute(b);
      return;
    }
    this.pending = b;
    this.needed = n;
    this.received = 0;
  }

  private execute(c: number): void {
    const p = this.params;
    if (c >= 0xb0 && c <= 0xb7) {
      if (this.addressingMode === 2) this.page = c & 7;
      return;
    }
    if (c <= 0x0f) {
      if (this.addressingMode === 2) this.column = this.pageModeColumn = (this.pageModeColumn & 0xf0) | c;
      return;
    }
    if (c <= 0x1f) {
      if (this.addressingMode === 2) this.column = this.pageModeColumn = (this.pageModeColumn & 0x0f) | ((c & 0x07) << 4);
      return;
    }
    if (c >= 0x40 && c <= 0x7f) {
      this.startLine = c & 0x3f;
      return;
    }
    switch (c) {
      case CMD.DISPLAY_OFF:
        this.displayOn = false;
        break;
      case CMD.DISPLAY_ON:
        this.displayOn = true;
        break;
      case CMD.CONTRAST:
        this.contrast = p[0];
        break;
      case CMD.FOLLOW_RAM:
        this.entireOn = false;
        break;
      case CMD.ENTIRE_ON:
        this.entireOn = true;
        break;
      case CMD.NORMAL:
        this.inverse = false;
        break;
      case CMD.INVERSE:
        this.inverse = true;
        break;
      case CMD.ADDRESSING_MODE:
        if ((p[0] & 3) === 3) this.problem("addressing mode 3 is invalid");
        else this.addressingMode = p[0] & 3;
        break;
      case CMD.COLUMN_WINDOW:
        this.columnStart = p[0] & 0x7f;
        this.columnEnd = p[1] & 0x7f;
        this.column = this.columnStart;
        break;
      case CMD.PAGE_WINDOW:
        this.pageStart = p[0] & 7;
        this.pageEnd = p[1] & 7;
        this.page = this.pageStart;
        break;
      case CMD.SEGMENT_NORMAL:
        this.segmentRemap = false;
        break;
      case CMD.SEGMENT_REMAP:
        this.segmentRemap = true;
        break;
      case CMD.MULTIPLEX:
        if ((p[0] & 0x3f) < 15) this.problem(`multiplex ratio ${(p[0] & 0x3f) + 1} is below the minimum of 16`);
        else this.multiplex = p[0] & 0x3f;
        break;
      case CMD.COM_NORMAL:
        this.comRemap = false;
        break;
      case CMD.COM_REMAP:
        this.comRemap = true;
        break;
      case CMD.DISPLAY_OFFSET:
        this.displayOffset = p[0] & 0x3f;
        break;
      case CMD.COM_PINS:
        this.comPins = p[0] & 0x32;
        break;
      case CMD.CLOCK_DIVIDE:
        this.clockDivide = p[0];
        break;
      case CMD.PRECHARGE:
        this.precharge = p[0];
        break;
      case CMD.VCOMH:
        this.vcomh = p[0];
        break;
      case CMD.CHARGE_PUMP:
        this.chargePump = (p[0] & 0x04) !== 0;
        break;
      case CMD.NOP:
        break;
      case CMD.FADE_BLINK:
        this.fadeBlink = p[0];
        break;
      case CMD.ZOOM:
        this.zoom = p[0] & 1;
        break;
      case CMD.SCROLL_RIGHT:
      case CMD.SCROLL_LEFT:
      case CMD.SCROLL_VERTICAL_RIGHT:
      case CMD.SCROLL_VERTICAL_LEFT:
        this.scrollKind = c;
        this.scrollStartPage = p[1] & 7;
        this.scrollInterval = SCROLL_INTERVAL_FRAMES[p[2] & 7];
        this.scrollEndPage = p[3] & 7;
        this.scrollVerticalOffset = c === CMD.SCROLL_VERTICAL_RIGHT || c === CMD.SCROLL_VERTICAL_LEFT ? p[4] & 0x3f : 0;
        if (this.scrollEndPage < this.scrollStartPage) this.problem("scroll end page is before its start page");
        break;
      case CMD.SCROLL_VERTICAL_AREA:
        this.scrollAreaTop = p[0] & 0x3f;
        this.scrollAreaRows = p[1] & 0x7f;
        break;
      case CMD.SCROLL_START:
        if (this.scrollKind === 0) {
          this.problem("scroll started before any scroll setup");
          break;
        }
        this.scrollActive = true;
        this.framesToStep = this.scrollInterval;
        this.frameClock = 0;
        break;
      case CMD.SCROLL_STOP:
        this.scrollActive = false;
        break;
    }
  }

  /** One scroll step: the pages in the scroll range rotate by one column (RAM content moves, which
   *  is why the datasheet says to rewrite RAM after stopping), and vertical scrolling moves the start
   *  line by the vertical offset within the scroll area. */
  private scrollStep(): void {
    const right = this.scrollKind === CMD.SCROLL_RIGHT || this.scrollKind === CMD.SCROLL_VERTICAL_RIGHT;
    const t = this.rotate;
    for (let pg = this.scrollStartPage; pg <= this.scrollEndPage; pg++) {
      const base = pg * RAM_COLUMNS;
      for (let x = 0; x < RAM_COLUMNS; x++) t[x] = this.ram[base + x];
      // RAM is in segment order and SEG0 is at the glass's right edge, so moving the picture right
      // (what 0x26 does on a module initialised the usual way) moves it toward lower segments.
      for (let x = 0; x < RAM_COLUMNS; x++) this.ram[base + ((x + (right ? RAM_COLUMNS - 1 : 1)) & 127)] = t[x];
    }
    if (this.scrollVerticalOffset !== 0) {
      const rows = this.scrollAreaRows > 0 ? this.scrollAreaRows : 64;
      this.startLine = (this.scrollAreaTop + ((this.startLine - this.scrollAreaTop + this.scrollVerticalOffset) % rows)) & 63;
    }
  }
}

function hex(b: number): string {
  return (b < 16 ? "0" : "") + b.toString(16);
}
