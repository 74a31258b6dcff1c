/*
 * SSD1306 bus budget: the standard animation trace through the driver and the virtual panel, against
 * a naive full-frame update of the same trace (Adafruit's display()).
 */
import SSD1306 from "../../modules/display/ssd1306.js";
import { VirtualSSD1306 } from "../../modules/virtual/ssd1306.js";
import { VirtualBus, i2cClassFor } from "../../modules/virtual/i2c.js";
import { standardTrace, TRACE_FPS } from "../../tools/display/trace.js";
import { naiveFullFrame } from "../../tools/display/naive.js";

const SPEEDS = [100_000, 400_000, 1_000_000];
const THEORY_FULL_FRAME = 9310;

interface Tally {
  frames: number;
  bytes: number;
  clocks: number;
  worstClocks: number;
  changed: number;
  changedClocks: number;
  mismatches: number;
}

function run(send: (bus: VirtualBus, frame: Uint8Array) => void, bus: VirtualBus, panel: VirtualSSD1306): Tally {
  const t: Tally = { frames: 0, bytes: 0, clocks: 0, worstClocks: 0, changed: 0, changedClocks: 0, mismatches: 0 };
  for (const frame of standardTrace()) {
    const b0 = bus.counters.bytes;
    const c0 = bus.counters.clocks;
    send(bus, frame);
    const c = bus.counters.clocks - c0;
    t.frames++;
    t.bytes += bus.counters.bytes - b0;
    t.clocks += c;
    if (c > t.worstClocks) t.worstClocks = c;
    if (c > 0 && t.frames > 1) {
      t.changed++;
      t.changedClocks += c;
    }
    if (!Buffer.from(panel.glassFrame()).equals(Buffer.from(frame))) t.mismatches++;
  }
  return t;
}

function rig() {
  const bus = new VirtualBus();
  const panel = new VirtualSSD1306();
  bus.attach(0x3c, panel);
  return { bus, panel };
}

export interface DisplayFigures {
  driver: Tally;
  naive: Tally;
  fullFrameClocks: number;
}

export function displayBench(): DisplayFigures {
  const a = rig();
  const display = new SSD1306({ display: { io: i2cClassFor(a.bus), data: 4, clock: 5 } });
  const driver = run((_bus, f) => display.update(f), a.bus, a.panel);
  const b = rig();
  new SSD1306({ display: { io: i2cClassFor(b.bus), data: 4, clock: 5 } }); // same init, then naive frames
  const naive = run((bus, f) => naiveFullFrame(bus, 0x3c, f), b.bus, b.panel);
  // One full change through the driver.
  const frame = new Uint8Array(1024);
  display.update(frame);
  const c0 = a.bus.counters.clocks;
  display.update(frame.fill(0xff));
  return { driver, naive, fullFrameClocks: a.bus.counters.clocks - c0 };
}

export function printDisplay(f: DisplayFigures): void {
  const row = (label: string, bytes: number, clocks: number) => {
    const times = SPEEDS.map((hz) => ((clocks / hz) * 1000).toFixed(2).padStart(6)).join(" ");
    const fps = SPEEDS.map((hz) => Math.floor(hz / clocks).toString().padStart(6)).join(" ");
    return `${label.padEnd(34)} ${bytes.toFixed(0).padStart(6)} ${clocks.toFixed(0).padStart(7)}  ${times}  ${fps}`;
  };
  console.log(`## SSD1306 over I2C: standard animation trace (${f.driver.frames} frames at ${TRACE_FPS} fps: idle, blinks, gaze shifts, smile transition)`);
  console.log(`${"".padEnd(34)} ${"bytes".padStart(6)} ${"clocks".padStart(7)}  ms/frame @100k/400k/1M   max fps @100k/400k/1M`);
  console.log(row("driver, mean per frame", f.driver.bytes / f.driver.frames, f.driver.clocks / f.driver.frames));
  console.log(row(`driver, mean of ${f.driver.changed} changed frames`, NaN, f.driver.changedClocks / f.driver.changed).replace("NaN", "   -"));
  console.log(row("driver, worst frame (the first)", NaN, f.driver.worstClocks).replace("NaN", "   -"));
  console.log(row("naive full frame (Adafruit display)", f.naive.bytes / f.naive.frames, f.naive.clocks / f.naive.frames));
  console.log(row("driver, one full-frame change", 1034, f.fullFrameClocks));
  const over = ((f.fullFrameClocks - THEORY_FULL_FRAME) / THEORY_FULL_FRAME) * 100;
  console.log(`full frame: ${f.fullFrameClocks} clocks, ${over.toFixed(2)}% over the theoretical ${THEORY_FULL_FRAME} (target: within 1%)`);
  console.log(`trace: naive/driver bus clocks = ${(f.naive.clocks / f.driver.clocks).toFixed(1)}x fewer clocks with the driver (target: at least 2x)`);
  console.log(`frames the panel did not show exactly: driver ${f.driver.mismatches}, naive ${f.naive.mismatches}`);
}
