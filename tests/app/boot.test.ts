/*
 * The boot stage and the config schema: one set of defaults, every key in the manifest for every
 * platform, errors that name the key and the allowed values, assets cross-checked (the decoder's
 * latent size against the pack's), and the simulator honouring every display key of the manifest.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Robot, MAX_STEP_MS, SAVE_EVERY_MS, TRACE_EVERY_MS } from "../../modules/app/robot.js";
import { configKeys, parseConfig, DEFAULT_CONFIG } from "../../modules/app/config.js";
import { FRAME_BYTES, latentSize, openPack, readSelfTest, recordBand, recordEmotion } from "../../modules/pack/pack.js";
import { encodeSaved } from "../../modules/app/saved.js";
import { drawPasskey } from "../../modules/face/passkey.js";
import { latentsSection, writePack, type PackEntry } from "../../tools/faces/pack-writer.js";
import { selfTestSection } from "../../tools/faces/self-test.js";
import { createSimHost, type ConfigOverrides } from "../../tools/sim/host.js";
import { platformConfig, PLATFORMS } from "../../tools/lib/manifest.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";

const FRAMES = join(REPO_ROOT, "frames", "frames.bin");

function start(config: ConfigOverrides = {}, framesFile = FRAMES) {
  const traces: string[] = [];
  const host = createSimHost({ framesFile, config, now: () => 0, trace: (m) => traces.push(m) });
  return { robot: new Robot(host), host, traces };
}

const keysOf = (o: Record<string, unknown>, prefix = ""): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === "object" && !Array.isArray(v) ? keysOf(v as Record<string, unknown>, `${prefix}${k}.`) : [prefix + k]));

describe("config schema", () => {
  test.each(PLATFORMS)("the manifest's %s config names every key of the schema, and only those, with valid values", (platform) => {
    const raw = platformConfig(platform);
    expect(keysOf(raw).sort()).toEqual(configKeys().sort());
    expect(parseConfig(raw).errors).toEqual([]);
  });

  test("a bad value names the key and the allowed values, and keeps the default", () => {
    const p = parseConfig({ display: { address: 62, height: 48, contrast: 300, flip: "yes", hz: 5 }, view: "graph", profile: "../../x", button: { pin: 99, stimuli: [] } });
    expect(p.errors).toEqual([
      "config.display.address: 62 is not allowed; use 60 (0x3C) or 61 (0x3D)",
      "config.display.hz: 5 is not allowed; use 10000 to 1000000 (400000 is the datasheet's maximum)",
      "config.display.height: 48 is not allowed; use 64 or 32",
      "config.display.flip: \"yes\" is not allowed; use true or false",
      "config.display.contrast: 300 is not allowed; use 0 to 255",
      "config.profile: \"../../x\" is not allowed; use \"\" (the saved profile) or a profile's name (lowercase letters, digits, - and _)",
      "config.view: \"graph\" is not allowed; use \"face\" or \"levels\"",
      "config.button.pin: 99 is not allowed; use -1 (no button) or a GPIO number 0-48",
      "config.button.stimuli: [] is not allowed; use a list of 1 to 16 stimulus names",
    ]);
    expect(p.config).toEqual(DEFAULT_CONFIG);
  });

  test("values from mcconfig's command line arrive as strings and are accepted", () => {
    const p = parseConfig({ profile: "anxious", display: { contrast: "255", flip: "true" } });
    expect(p.errors).toEqual([]);
    expect([p.config.profile, p.config.display.contrast, p.config.display.flip]).toEqual(["anxious", 255, true]);
  });
});

describe("the simulator honours every display key of the manifest", () => {
  test("address: a panel at 0x3D gets the face", () => {
    const { robot, host } = start({ display: { address: 0x3d } });
    robot.frame(0);
    expect(host.bus.counters.nacks).toBe(0);
    expect(host.panel.glassFrame().some((b) => b !== 0)).toBe(true);
  });

  test("height: 128x32 glass shows the whole face, halved, not its top half", () => {
    const tall = start();
    const short = start({ display: { height: 32 } });
    tall.robot.frame(0);
    short.robot.frame(0);
    expect(short.host.panel.height).toBe(32);
    const rowsWithInk = (g: Uint8Array, w: number, h: number) => {
      const rows: number[] = [];
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (g[(y >> 3) * w + x] & (1 << (y & 7))) { rows.push(y); break; }
      return rows;
    };
    const t = rowsWithInk(tall.host.panel.glassFrame(), 128, 64);
    const s = rowsWithInk(short.host.panel.glassFrame(), 128, 32);
    // The lowest ink (the mouth) survives, at half the height.
    expect(Math.abs(s[s.length - 1] - (t[t.length - 1] >> 1))).toBeLessThanOrEqual(1);
  });

  test("flip and contrast reach the panel", () => {
    const normal = start();
    const flipped = start({ display: { flip: true, contrast: 17 } });
    normal.robot.frame(0);
    flipped.robot.frame(0);
    expect(flipped.host.panel.contrast).toBe(17);
    expect(normal.host.panel.contrast).toBe(DEFAULT_CONFIG.display.contrast);
    expect(flipped.host.panel.segmentRemap).not.toBe(normal.host.panel.segmentRemap);
    expect(flipped.host.panel.comRemap).not.toBe(normal.host.panel.comRemap);
  });

  test("hz: the bus runs at the configured clock", () => {
    const slow = start({ display: { hz: 100000 } });
    slow.robot.frame(0);
    expect(slow.robot.display.hz).toBe(100000);
    expect(slow.host.config).toMatchObject({ display: { hz: 100000 } });
  });
});

describe("boot cross-checks", () => {
  test("a pack whose latents differ in size from the model's input crossfades, and says why", () => {
    const shipped = new Uint8Array(readFileSync(FRAMES));
    const r = openPack(shipped.buffer, "frames.bin");
    if (!r.ok) throw new Error(r.error);
    const p = r.pack;
    const frames = [0, 1].map((i) => p.bytes.slice(p.framesOffset + i * FRAME_BYTES, p.framesOffset + (i + 1) * FRAME_BYTES));
    const model = p.bytes.slice(p.modelOffset, p.modelOffset + p.modelLength);
    const bad = writePack({ entries: frames.map((frame, i) => ({ emotion: i, band: 1, frame })), model, latents: latentsSection(4, [[1, 2, 3, 4], [4, 3, 2, 1]]) });
    const dir = tempDir();
    const file = join(dir, "bad.bin");
    writeFileSync(file, bad);
    const { robot, traces } = start({}, file);
    expect(robot.decoder).toBeUndefined();
    expect(traces.join("")).toContain("decoder model rejected: the model takes 8 latent values, the pack's latents have 4; transitions crossfade");
    robot.frame(0); // and it runs
  });

  test("boot self-test: the shipped pack passes and morphs; a wrong frame CRC or a missing test crossfades, traced in one line", () => {
    const normal = start();
    expect(normal.robot.decoder).toBeDefined();
    expect(normal.traces.join("")).not.toContain("self-test");
    expect(normal.traces.join("")).toContain("transitions morph through the latent decoder");

    const r = openPack(new Uint8Array(readFileSync(FRAMES)).buffer, "frames.bin");
    if (!r.ok) throw new Error(r.error);
    const p = r.pack;
    const entries: PackEntry[] = [];
    for (let i = 0; i < p.count; i++) entries.push({ emotion: recordEmotion(p, i), band: recordBand(p, i), frame: p.bytes.slice(p.framesOffset + i * FRAME_BYTES, p.framesOffset + (i + 1) * FRAME_BYTES) });
    const model = p.bytes.slice(p.modelOffset, p.modelOffset + p.modelLength);
    const latents = p.bytes.slice(p.latentsOffset, p.latentsOffset + p.latentsLength);
    const latent = new Int8Array(16);
    const crc = readSelfTest(p, latent);
    expect(crc).toBeGreaterThanOrEqual(0);
    const dir = tempDir();
    const boots = (selfTest: Uint8Array | null | undefined) => {
      const file = join(dir, "t.bin");
      writeFileSync(file, writePack({ entries, model, latents, selfTest }));
      const b = start({}, file);
      b.robot.frame(0); // and it runs
      return b;
    };
    const hex = (v: number) => "0x" + (v >>> 0).toString(16).padStart(8, "0");
    // What a miscompiled decoder looks like from here: its frame's CRC is not the host's.
    const wrong = boots(selfTestSection(latent.subarray(0, latentSize(p)), crc ^ 0x80));
    expect(wrong.robot.decoder).toBeUndefined();
    const lines = wrong.traces.filter((t) => t.includes("self-test"));
    expect(lines).toEqual([`moodface: decoder model rejected: self-test: the frame of the pack's test latent has CRC ${hex(crc)}, the host's was ${hex(crc ^ 0x80)} (decoder miscompiled or model bytes damaged); transitions crossfade\n`]);
    expect(wrong.traces.join("")).toContain("transitions crossfade");
    const missing = boots(null);
    expect(missing.robot.decoder).toBeUndefined();
    expect(missing.traces.join("")).toContain("decoder model rejected: the pack carries no decoder self-test (TEST section); repack it with moodface pack; transitions crossfade");
    // Written by the writer itself: passes, like the shipped pack.
    expect(boots(undefined).robot.decoder).toBeDefined();
  });

  test("a profile name from the saved state is never used as a path", () => {
    const stateFile = join(tempDir(), "state.bin");
    writeFileSync(stateFile, encodeSaved("../../../package", new Int32Array(6)));
    const files: string[] = [];
    const host = createSimHost({ framesFile: FRAMES, stateFile, now: () => 0, trace: () => {} });
    const text = host.text;
    const robot = new Robot({ ...host, text: (name) => (files.push(name), text(name)) });
    expect(robot.engine.profile.name).toBe("default");
    expect(files.filter((f) => f.includes(".."))).toEqual([]);
  });
});

describe("time and traces", () => {
  test("a long gap between frames moves the engine by at most MAX_STEP_MS", () => {
    const a = start();
    const b = start();
    a.robot.frame(0);
    b.robot.frame(0);
    a.robot.frame(60_000); // a debugger pause
    b.robot.frame(MAX_STEP_MS);
    expect(Array.from(a.robot.engine.state.levels)).toEqual(Array.from(b.robot.engine.state.levels));
  });

  test("an unplugged panel is reported at most once per TRACE_EVERY_MS", () => {
    const { robot, host, traces } = start();
    host.bus.detach(0x3c);
    for (let t = 0; t < 3 * TRACE_EVERY_MS; t += 33) robot.frame(t);
    expect(traces.filter((m) => m.includes("display offline")).length).toBeLessThanOrEqual(3);
    expect(traces.filter((m) => m.includes("display offline")).length).toBeGreaterThanOrEqual(1);
  });

  test("the button gives its stimuli in turn, through the same Digital driver code as the board", () => {
    const { robot, host } = start({ button: { pin: 0, stimuli: ["gift", "insult"] } });
    const Digital = host.device.io.Digital;
    const got: number[] = [];
    new Digital({ pin: 0, mode: Digital.InputPullUp, edge: Digital.Rising | Digital.Falling, onReadable() { if (this.read() === 0) got.push(robot.press()); } });
    for (let i = 0; i < 3; i++) {
      host.device.virtual.pins.set(0, 0);
      host.device.virtual.pins.set(0, 1);
    }
    expect(got.map((s) => robot.engine.catalog.names[s])).toEqual(["gift", "insult", "gift"]);
  });

  test("a link's passkey replaces the face on the panel until the link clears it", () => {
    const { robot, host } = start();
    const link = { passkey: -1, service: () => link.passkey };
    robot.attach(link);
    robot.tick(0);
    const face = Buffer.from(host.panel.glassFrame());
    link.passkey = 42;
    robot.tick(33);
    const want = new Uint8Array(FRAME_BYTES);
    drawPasskey(want, 42);
    expect(Buffer.from(host.panel.glassFrame()).equals(Buffer.from(want))).toBe(true);
    expect(Buffer.from(host.panel.glassFrame()).equals(face)).toBe(false);
    link.passkey = -1;
    robot.tick(66);
    expect(Buffer.from(host.panel.glassFrame()).equals(Buffer.from(want))).toBe(false);
  });

  test("frames never save; the runtime saves once SAVE_EVERY_MS have passed, then every SAVE_EVERY_MS", () => {
    const saves: number[] = [];
    const host = createSimHost({ framesFile: FRAMES, now: () => 0, trace: () => {} });
    const robot = new Robot({ ...host, save: () => saves.push(1) });
    for (let t = 0; t <= SAVE_EVERY_MS + 1000; t += 33) robot.frame(t);
    expect(saves).toEqual([]);
    for (let t = 0; t < SAVE_EVERY_MS; t += robot.tickMs) robot.tick(t);
    expect(saves).toEqual([]);
    for (let t = SAVE_EVERY_MS; t < 2 * SAVE_EVERY_MS; t += robot.tickMs) robot.tick(t);
    expect(saves).toEqual([1]);
  });
});
