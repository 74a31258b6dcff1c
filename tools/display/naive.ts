/*
 * What Adafruit_SSD1306's display() sends over I2C on an ESP32 (WIRE_MAX 128): the page and column
 * window in two command transactions, then all 1024 bytes in chunks of 127, each chunk a transaction
 * of its own with 0x40 in front. The baseline a dirty-window driver is measured against.
 */
import type { VirtualBus } from "../../modules/virtual/i2c.js";

export const WIRE_MAX = 128;

export function naiveFullFrame(bus: VirtualBus, address: number, frame: Uint8Array): void {
  bus.write(address, Uint8Array.of(0x00, 0x22, 0x00, 0xff, 0x21, 0x00), 6);
  bus.write(address, Uint8Array.of(0x00, 0x7f), 2);
  const chunk = WIRE_MAX - 1;
  for (let i = 0; i < frame.length; i += chunk) {
    const n = Math.min(chunk, frame.length - i);
    const t = new Uint8Array(n + 1);
    t[0] = 0x40;
    t.set(frame.subarray(i, i + n), 1);
    bus.write(address, t, n + 1);
  }
}
