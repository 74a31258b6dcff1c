import { VirtualSSD1306 } from "../../modules/virtual/ssd1306.js";
import { VirtualBus, i2cClassFor } from "../../modules/virtual/i2c.js";
import { formatTransaction, parseLog, replay, type LoggedTransaction } from "../../tools/display/i2c-log.js";
import { glassPng, readGlassPng } from "../../tools/display/png.js";
import { rig, random, randomFrame } from "../helpers/panel.js";

const INIT = [0xae, 0xd5, 0x80, 0xa8, 0x3f, 0xd3, 0x00, 0x40, 0x8d, 0x14, 0x20, 0x00, 0xa1, 0xc8, 0xda, 0x12, 0x81, 0xcf, 0xd9, 0xf1, 0xdb, 0x40, 0xa4, 0xa6, 0x2e, 0xaf];
const cmds = (p: VirtualSSD1306, ...b: number[]) => p.receive(Uint8Array.of(0x00, ...b));
const data = (p: VirtualSSD1306, ...b: number[]) => p.receive(Uint8Array.of(0x40, ...b));
const ready = () => {
  const p = new VirtualSSD1306();
  cmds(p, ...INIT);
  return p;
};
const px = (p: VirtualSSD1306, x: number, y: number) => (p.lit(x, y) ? 1 : 0);

describe("virtual SSD1306: decoding", () => {
  test("the facts' common init leaves a lit-able panel with no problems", () => {
    const p = ready();
    expect([p.displayOn, p.chargePump, p.addressingMode, p.contrast, p.segmentRemap, p.comRemap]).toEqual([true, true, 0, 0xcf, true, true]);
    expect(p.counters).toMatchObject({ commands: INIT.length, unknown: 0, malformed: 0 });
  });

  test("reset state: display off, page mode, contrast 0x7F; nothing shows", () => {
    const p = new VirtualSSD1306();
    expect([p.displayOn, p.addressingMode, p.contrast, p.chargePump]).toEqual([false, 2, 0x7f, false]);
    expect(p.render().every((v) => v === 0)).toBe(true);
  });

  test("Co=1 control bytes: one command or data byte each; parameters across control bytes and transactions", () => {
    const p = ready();
    p.receive(Uint8Array.of(0x80, 0x81, 0x80, 0x10)); // contrast as command/parameter pairs
    expect(p.contrast).toBe(0x10);
    p.receive(Uint8Array.of(0x00, 0x81)); // Adafruit style: each byte its own transaction
    p.receive(Uint8Array.of(0x00, 0x33));
    expect(p.contrast).toBe(0x33);
    p.receive(Uint8Array.of(0x80, 0x21, 0x80, 0x05, 0x80, 0x06, 0xc0, 0xff, 0x40, 0x01, 0x02));
    expect([p.columnStart, p.columnEnd]).toEqual([5, 6]);
    expect(Array.from(p.ram.subarray(127 - 6, 127 - 4))).toEqual([0x01, 0xff]); // segment order: A1 maps column c to SEG 127-c
    expect([p.column, p.page]).toEqual([6, 1]); // 0x02 wrapped to column 5 of the next page
    expect(p.counters.malformed).toBe(0);
  });

  test("horizontal mode wraps within the window: columns, then pages, then back to the start", () => {
    const p = ready();
    cmds(p, 0x21, 10, 12, 0x22, 2, 3);
    data(p, 1, 2, 3, 4, 5, 6, 7);
    // Glass column x shows RAM column x (A1); byte 1 -> (page 2, col 10), 4 -> (page 3, col 10), 7 wraps to (2, 10).
    const at = (page: number, col: number) => p.ram[page * 128 + 127 - col];
    expect([at(2, 10), at(2, 11), at(2, 12), at(3, 10), at(3, 11), at(3, 12)]).toEqual([7, 2, 3, 4, 5, 6]);
  });

  test("vertical mode walks pages first", () => {
    const p = ready();
    cmds(p, 0x20, 0x01, 0x21, 0, 1, 0x22, 0, 1);
    data(p, 1, 2, 3, 4);
    const at = (page: number, col: number) => p.ram[page * 128 + 127 - col];
    expect([at(0, 0), at(1, 0), at(0, 1), at(1, 1)]).toEqual([1, 2, 3, 4]);
  });

  test("page mode: B0-B7 and column nibbles, wrapping to the start column at 127", () => {
    const p = ready();
    cmds(p, 0x20, 0x02, 0xb5, 0x0e, 0x17); // page 5, column 0x7e
    data(p, 0xaa, 0xbb, 0xcc);
    const at = (page: number, col: number) => p.ram[page * 128 + 127 - col];
    // After column 127 the pointer returns to the start column 0x7e (0xcc overwrites 0xaa); the page stays.
    expect([at(5, 0x7e), at(5, 0x7f), p.page, p.column]).toEqual([0xcc, 0xbb, 5, 0x7f]);
  });

  test("unknown commands and malformed control bytes are counted and reported", () => {
    const p = ready();
    cmds(p, 0xff);
    p.receive(Uint8Array.of(0x01, 0xa5));
    p.receive(Uint8Array.of(0x80));
    p.receive(Uint8Array.of(0x00, 0x81));
    data(p, 0x00);
    expect(p.counters.unknown).toBe(1);
    expect(p.counters.malformed).toBe(3);
    expect(p.problems.join("\n")).toMatch(/unknown command 0xff[\s\S]*reserved bits[\s\S]*nothing after it[\s\S]*waits for 1 parameter/);
  });
});

describe("virtual SSD1306: what the glass shows", () => {
  const withPixel = () => {
    const p = ready();
    cmds(p, 0x21, 3, 3, 0x22, 1, 1);
    data(p, 0x01); // pixel at glass (3, 8)
    return p;
  };

  test("RAM (page 1, column 3, bit 0) is glass pixel (3, 8)", () => {
    const p = withPixel();
    expect(px(p, 3, 8)).toBe(1);
    expect(p.render().filter((v) => v > 0)).toHaveLength(1);
  });

  test("COM scan direction flips vertically at once; segment remap applies to new data only", () => {
    const p = withPixel();
    cmds(p, 0xc0);
    expect(px(p, 3, 63 - 8)).toBe(1);
    cmds(p, 0xc8, 0xa0);
    expect(px(p, 3, 8)).toBe(1); // data already in RAM is unchanged by A0
    cmds(p, 0x21, 3, 3, 0x22, 1, 1);
    data(p, 0x02);
    expect(px(p, 127 - 3, 9)).toBe(1);
  });

  test("start line and display offset shift rows; multiplex ratio blanks rows it does not drive", () => {
    const p = withPixel();
    cmds(p, 0x40 | 2);
    expect(px(p, 3, 6)).toBe(1);
    cmds(p, 0x40, 0xd3, 4);
    expect(px(p, 3, 4)).toBe(1);
    cmds(p, 0xd3, 0, 0xa8, 31);
    const lit = p.render().filter((v) => v > 0).length;
    expect(lit).toBe(1);
    cmds(p, 0xa8, 63, 0xda, 0x02); // wrong COM pin configuration on 64-row glass: rows interleave
    expect(px(p, 3, 8)).toBe(0);
    expect(p.render().filter((v) => v > 0)).toHaveLength(1);
  });

  test("contrast is brightness; inverse; entire display on; display off; charge pump off", () => {
    const p = withPixel();
    const bright = p.render()[8 * 128 + 3];
    cmds(p, 0x81, 0x00);
    const dim = p.render()[8 * 128 + 3];
    expect(dim).toBeLessThan(bright);
    expect(dim).toBeGreaterThan(0);
    cmds(p, 0xa7);
    expect(px(p, 3, 8)).toBe(0);
    expect(px(p, 0, 0)).toBe(1);
    cmds(p, 0xa6, 0xa5);
    expect(p.render().every((v) => v > 0)).toBe(true);
    cmds(p, 0xa4, 0xae);
    expect(p.render().every((v) => v === 0)).toBe(true);
    cmds(p, 0xaf, 0x8d, 0x10);
    expect(p.render().every((v) => v === 0)).toBe(true);
  });

  test("horizontal scroll moves the pages' content one column per step, and stops", () => {
    const p = withPixel();
    cmds(p, 0x26, 0x00, 0x00, 0x07, 0x03, 0x00, 0xff); // pages 0-3, every 2 frames
    cmds(p, 0x2f);
    const frame = p.framePeriodUs() / 1000;
    p.advance(frame * 2 * 5 + 0.01);
    expect(px(p, 3 + 5, 8)).toBe(1);
    cmds(p, 0x2e);
    p.advance(1000);
    expect(px(p, 3 + 5, 8)).toBe(1);
    cmds(p, 0x27, 0x00, 0x00, 0x07, 0x03, 0x00, 0xff, 0x2f);
    p.advance(frame * 2 * 5 + 0.01);
    expect(px(p, 3, 8)).toBe(1);
  });
});

describe("I2C log and PNG", () => {
  test("a recorded log replayed into a fresh panel gives the same glass", () => {
    const log: LoggedTransaction[] = [];
    const r = rig({ record: (address, bytes, length, acked) => log.push({ address, bytes: bytes.slice(0, length), acked, t: log.length }) });
    const rand = random(11);
    for (let i = 0; i < 5; i++) r.display.update(randomFrame(rand));
    const text = log.map(formatTransaction).join("");
    const parsed = parseLog(text, "log.jsonl");
    expect(parsed).toHaveLength(log.length);
    expect(parsed.map((t) => Buffer.from(t.bytes).toString("hex"))).toEqual(log.map((t) => Buffer.from(t.bytes).toString("hex")));
    const fresh = new VirtualSSD1306();
    replay(parsed, 0x3c, fresh);
    expect(Buffer.from(fresh.render()).equals(Buffer.from(r.panel.render()))).toBe(true);
  });

  test("bad log lines are named", () => {
    expect(() => parseLog('{"address":"3c","bytes":"0"}', "x.jsonl")).toThrow('x.jsonl:1: field "bytes"');
    expect(() => parseLog('\n{"address":"zz","bytes":"00"}', "x.jsonl")).toThrow('x.jsonl:2: field "address"');
  });

  test("the glass PNG round-trips to the panel's luminance", () => {
    const r = rig();
    r.display.update(randomFrame(random(12)));
    const back = readGlassPng(glassPng(r.panel));
    expect([back.width, back.height]).toEqual([128, 64]);
    expect(Buffer.from(back.lum).equals(Buffer.from(r.panel.render()))).toBe(true);
  });

  test("the virtual bus answers like ECMA-419 I2C: options checked, missing device NACKs", () => {
    const bus = new VirtualBus();
    const I2C = i2cClassFor(bus);
    expect(() => new I2C({ data: 4, clock: 5, hz: 0, address: 0x3c })).toThrow("hz is required");
    const i2c = new I2C({ data: 4, clock: 5, hz: 400000, address: 0x3c });
    expect(() => i2c.write(Uint8Array.of(0x00, 0xaf))).toThrow("no device at address 0x3c");
    expect(bus.counters).toMatchObject({ transactions: 1, nacks: 1, bytes: 1 });
  });
});
