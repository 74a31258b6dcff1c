import { join } from "node:path";
import { loadBehaviour, Reactions, gazeOf, DID_REFLEX, DID_SLEEP, DID_WAKE, DID_NOTHING, SENSOR_EVENTS } from "../../modules/app/behaviour.js";
import { DataError } from "../../modules/emotion/check.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { CHANNELS } from "../../modules/emotion/names.js";
import { REFLEXES } from "../../modules/face/reflexes.js";
import { Animator } from "../../modules/face/animator.js";
import { FallbackFaces } from "../../modules/face/faces.js";
import { Robot } from "../../modules/app/robot.js";
import { encodeStimulus } from "../../modules/link/codec.js";
import { createSimHost } from "../../tools/sim/host.js";
import { DATA_DIR, REPO_ROOT, readJson } from "../../tools/lib/data.js";
import { catalog, engineFor } from "../helpers/engine.js";
import { pairedApp } from "../link/helpers.js";

const base = readJson(join(DATA_DIR, "behaviour.json")) as Record<string, any>;
const clone = (x: unknown) => JSON.parse(JSON.stringify(x));
const table = loadBehaviour(clone(base), "behaviour.json", catalog);
const idx = (name: string) => catalog.names.indexOf(name);

describe("behaviour table", () => {
  test("the shipped table maps the issue's stimuli to their reflexes, and every sensor event to a stimulus", () => {
    const expected: [string, string][] = [["loud_noise", "startle"], ["surprise", "startle"], ["hit", "flinch"], ["poke", "flinch"], ["touch", "giggle"], ["hug", "hearts"], ["gift", "hearts"], ["trick", "double_take"]];
    for (const [s, r] of expected) expect(REFLEXES[table.reflexOf[idx(s)]]).toBe(r);
    expect(table.sleeps[idx("night")]).toBe(1);
    expect(table.wakes[idx("touch")]).toBe(1);
    expect(table.wakes[idx("loud_noise")]).toBe(1);
    for (let i = 0; i < SENSOR_EVENTS.length; i++) expect(table.sensorStimulus[i]).toBeGreaterThanOrEqual(0);
  });

  test.each([
    [(d: any) => (d.format = "x"), 'format: expected "moodface-behaviour", got "x"'],
    [(d: any) => (d.version = 2), "version: this firmware reads version 1, the file has 2"],
    [(d: any) => (d.extra = 1), "extra: unknown field"],
    [(d: any) => (d.reflexes.shout = { reflex: "startle" }), 'reflexes.shout: no stimulus "shout" in the catalog'],
    [(d: any) => (d.reflexes.hit.reflex = "wince"), 'reflexes.hit.reflex: unknown name "wince"'],
    [(d: any) => (d.reflexes.hit.min = 2), "reflexes.hit.min: 2 is out of range (allowed from 0 to 1)"],
    [(d: any) => (d.reflexes.hit.speed = 2), "reflexes.hit.speed: unknown field"],
    [(d: any) => (d.reflexes = []), "reflexes: expected an object, got an array"],
    [(d: any) => (d.sleep.stimuli = ["nap"]), 'sleep.stimuli[0]: no stimulus "nap" in the catalog'],
    [(d: any) => (d.sleep.wake = ["touch", "touch"]), 'sleep.wake[1]: "touch" is listed twice'],
    [(d: any) => (d.sleep.wake = ["night"]), 'sleep.wake: "night" both puts the robot to sleep and wakes it'],
    [(d: any) => (d.sleep.wake = new Array(17).fill("touch")), "sleep.wake: at most 16 names, got 17"],
    [(d: any) => (d.sleep.idleMs = 500), "sleep.idleMs: 500 is too short (0 for never, or 10000 to 86400000)"],
    [(d: any) => (d.sleep.idleMs = 1.5), "sleep.idleMs: expected a whole number, got 1.5"],
    [(d: any) => delete d.sleep.arousalBelow, "sleep.arousalBelow: expected a number, got nothing (the field is missing)"],
    [(d: any) => (d.sleep.wakeReflex = "yawn"), 'sleep.wakeReflex: unknown name "yawn"'],
    [(d: any) => (d.sensors.squeeze = {}), "sensors.squeeze: unknown field (allowed: touch, pickup, shake, fall, tilt)"],
    [(d: any) => (d.sensors.touch.stimulus = "pat"), 'sensors.touch.stimulus: unknown name "pat"'],
    [(d: any) => (d.sensors.fall.intensity = 0), "sensors.fall.intensity: 0 is out of range (allowed greater than 0 and up to 1)"],
  ])("mutation %#: one error naming the field", (mutate, message) => {
    const d = clone(base);
    mutate(d);
    let err: unknown;
    try {
      loadBehaviour(d, "behaviour.json", catalog);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toContain(`behaviour.json: ${message}`);
  });
});

describe("reactions", () => {
  const make = () => {
    const a = new Animator(new FallbackFaces(), { blink: false, saccades: false, breathing: false });
    const e = engineFor("default");
    a.update(0, e.state);
    return { a, e, r: new Reactions(table, a) };
  };

  test("a reflex fires at a stimulus's onset above its minimum intensity", () => {
    const { a, r } = make();
    expect(r.stimulus(idx("hit"), ONE, 0)).toBe(DID_REFLEX);
    expect(REFLEXES[a.reflexing]).toBe("flinch");
    expect(r.stimulus(idx("loud_noise"), ONE / 10, 1000)).toBe(DID_NOTHING); // below its min 0.2
    expect(r.stimulus(idx("praise"), ONE, 2000)).toBe(DID_NOTHING);
  });

  test("night puts the robot to sleep; other stimuli leave it asleep; touch wakes it with a startle", () => {
    const { a, r } = make();
    expect(r.stimulus(idx("night"), ONE, 0)).toBe(DID_SLEEP);
    expect(a.asleep).toBe(true);
    expect(r.stimulus(idx("praise"), ONE, 100)).toBe(DID_NOTHING);
    expect(r.stimulus(idx("gift"), ONE, 200)).toBe(DID_NOTHING);
    expect(a.asleep).toBe(true);
    expect(a.reflexing).toBe(-1);
    expect(r.stimulus(idx("touch"), ONE, 300)).toBe(DID_WAKE);
    expect(a.asleep).toBe(false);
    expect(REFLEXES[a.reflexing]).toBe("startle");
    expect(r.stimulus(idx("night"), ONE, 400)).toBe(DID_SLEEP);
    expect(r.stimulus(idx("loud_noise"), ONE, 500)).toBe(DID_WAKE);
  });

  test("long boredom: asleep after idleMs without stimuli when arousal is low, not when it is high", () => {
    const { a, e, r } = make();
    const na = CHANNELS.indexOf("noradrenaline");
    const ad = CHANNELS.indexOf("adrenaline");
    e.state.levels[na] = ONE / 10;
    e.state.levels[ad] = ONE / 10;
    r.tick(0, e.state);
    r.tick(table.idleMs - 1, e.state);
    expect(a.asleep).toBe(false);
    r.stimulus(idx("praise"), ONE, table.idleMs - 1);
    r.tick(2 * table.idleMs - 2, e.state);
    expect(a.asleep).toBe(false);
    e.state.levels[ad] = ONE / 2;
    r.tick(3 * table.idleMs, e.state);
    expect(a.asleep).toBe(false);
    e.state.levels[ad] = ONE / 10;
    r.tick(3 * table.idleMs, e.state);
    expect(a.asleep).toBe(true);
  });

  test("gazeOf: ahead and behind centred, the robot's right moves the eyes left on the glass", () => {
    expect([0, 32, 64, 128, 192, 224].map(gazeOf)).toEqual([0, -6, -12, 0, 12, 6]);
  });

  test("the robot plays reflexes for link stimuli and looks toward the optional direction", () => {
    const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), now: () => 0, trace: () => {} });
    const robot = new Robot(host);
    robot.frame(0);
    const msg = new Uint8Array(20);
    const app = pairedApp(robot);
    app.write(msg, encodeStimulus(msg, idx("trick"), 255, [], 192));
    expect(REFLEXES[robot.animator.reflexing]).toBe("double_take");
    for (let t = 33; t < 1000; t += 33) robot.frame(t);
    expect(robot.animator.gazeX).toBe(12);
    app.write(msg, encodeStimulus(msg, idx("night"), 255));
    robot.frame(1033);
    expect(robot.animator.asleep).toBe(true);
    robot.sense(idx("touch"), ONE);
    expect(robot.animator.asleep).toBe(false);
  });

  test("boot: a missing or bad behaviour.json is traced once and the robot runs without reflexes", () => {
    for (const [text, line] of [
      [undefined, "moodface: behaviour.json: missing; no reflexes, sleep or sensor stimuli\n"],
      [JSON.stringify({ ...base, version: 2 }), "moodface: behaviour.json: version: this firmware reads version 1, the file has 2; no reflexes, sleep or sensor stimuli\n"],
    ] as const) {
      const traces: string[] = [];
      const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), now: () => 0, trace: (m) => traces.push(m) });
      const robot = new Robot({ ...host, text: (n: string) => (n === "behaviour.json" ? text : host.text(n)) });
      robot.frame(0);
      expect(traces.filter((l) => l.includes("behaviour.json"))).toEqual([line]);
      const msg = new Uint8Array(20);
      pairedApp(robot).write(msg, encodeStimulus(msg, idx("hit"), 255));
      robot.frame(33);
      expect(robot.animator.reflexing).toBe(-1);
      expect(robot.engine.state.timeMs).toBeGreaterThan(0);
    }
  });
});
