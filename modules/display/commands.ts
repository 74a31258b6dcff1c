/*
 * SSD1306 command bytes and transaction framing (Solomon Systech SSD1306 datasheet rev 1.1, section 9
 * and 8.1.5). Shared by the driver that sends them and the virtual panel that decodes them, so that
 * both agree by construction and the tests check them against each other.
 */

/** 7-bit I2C addresses: SA0 low, SA0 high. */
export const ADDRESS_SA0_LOW = 0x3c;
export const ADDRESS_SA0_HIGH = 0x3d;

/** Control byte after the address: Co (bit 7) one byte then another control byte, D/C# (bit 6) data. */
export const CONTROL_CO = 0x80;
export const CONTROL_DC = 0x40;
export const CONTROL_COMMAND_STREAM = 0x00;
export const CONTROL_DATA_STREAM = CONTROL_DC;

export const CMD = Object.freeze({
  DISPLAY_OFF: 0xae,
  DISPLAY_ON: 0xaf,
  CONTRAST: 0x81, // + 1
  FOLLOW_RAM: 0xa4,
  ENTIRE_ON: 0xa5,
  NORMAL: 0xa6,
  INVERSE: 0xa7,
  ADDRESSING_MODE: 0x20, // + 1: 0 horizontal, 1 vertical, 2 page
  COLUMN_WINDOW: 0x21, // + 2
  PAGE_WINDOW: 0x22, // + 2
  PAGE_START: 0xb0, // 0xb0..0xb7, page mode
  COLUMN_LOW: 0x00, // 0x00..0x0f, page mode
  COLUMN_HIGH: 0x10, // 0x10..0x1f, page mode
  START_LINE: 0x40, // 0x40..0x7f
  SEGMENT_NORMAL: 0xa0,
  SEGMENT_REMAP: 0xa1,
  MULTIPLEX: 0xa8, // + 1
  COM_NORMAL: 0xc0,
  COM_REMAP: 0xc8,
  DISPLAY_OFFSET: 0xd3, // + 1
  COM_PINS: 0xda, // + 1
  CLOCK_DIVIDE: 0xd5, // + 1
  PRECHARGE: 0xd9, // + 1
  VCOMH: 0xdb, // + 1
  CHARGE_PUMP: 0x8d, // + 1: 0x14 on, 0x10 off
  NOP: 0xe3,
  SCROLL_RIGHT: 0x26, // + 6
  SCROLL_LEFT: 0x27, // + 6
  SCROLL_VERTICAL_RIGHT: 0x29, // + 5
  SCROLL_VERTICAL_LEFT: 0x2a, // + 5
  SCROLL_VERTICAL_AREA: 0xa3, // + 2
  SCROLL_STOP: 0x2e,
  SCROLL_START: 0x2f,
  FADE_BLINK: 0x23, // + 1 (datasheet rev 1.5 and later controllers)
  ZOOM: 0xd6, // + 1 (datasheet rev 1.5 and later controllers)
} as const);

/** The longest parameter list of any command (horizontal scroll setup). */
export const MAX_PARAMETERS = 6;

/** Parameter bytes that follow command byte `c`, or -1 for an unknown command. */
export function parameterCount(c: number): number {
  switch (c) {
    case CMD.SCROLL_RIGHT:
    case CMD.SCROLL_LEFT:
      return 6;
    case CMD.SCROLL_VERTICAL_RIGHT:
    case CMD.SCROLL_VERTICAL_LEFT:
      return 5;
    case CMD.COLUMN_WINDOW:
    case CMD.PAGE_WINDOW:
    case CMD.SCROLL_VERTICAL_AREA:
      return 2;
    case CMD.CONTRAST:
    case CMD.ADDRESSING_MODE:
    case CMD.MULTIPLEX:
    case CMD.DISPLAY_OFFSET:
    case CMD.COM_PINS:
    case CMD.CLOCK_DIVIDE:
    case CMD.PRECHARGE:
    case CMD.VCOMH:
    case CMD.CHARGE_PUMP:
    case CMD.FADE_BLINK:
    case CMD.ZOOM:
      return 1;
    case CMD.DISPLAY_OFF:
    case CMD.DISPLAY_ON:
    case CMD.FOLLOW_RAM:
    case CMD.ENTIRE_ON:
    case CMD.NORMAL:
    case CMD.INVERSE:
    case CMD.SEGMENT_NORMAL:
    case CMD.SEGMENT_REMAP:
    case CMD.COM_NORMAL:
    case CMD.COM_REMAP:
    case CMD.NOP:
    case CMD.SCROLL_STOP:
    case CMD.SCROLL_START:
      return 0;
  }
  if (c >= 0x00 && c <= 0x1f) return 0; // page-mode column nibbles
  if (c >= 0x40 && c <= 0x7f) return 0; // start line
  if (c >= 0xb0 && c <= 0xb7) return 0; // page-mode page start
  return -1;
}

/** SCL clocks of one I2C transaction carrying `bytes` bytes after the address: 9 per byte (8 data +
 *  ACK) for the address and every byte, plus about 2 for START and STOP. */
export function transactionClocks(bytes: number): number {
  return 9 * (bytes + 1) + 2;
}
