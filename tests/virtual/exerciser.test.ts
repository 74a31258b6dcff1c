/*
 * The lin build's virtual app (modules/virtual/exerciser.ts), which memory and soak runs on mcsim rely
 * on to reach every stimulus, reflex, pairing screen and morph: driven here against the robot the
 * simulator host boots, on the same wiring main.ts gives it.
 */
import { join } from "node:path";
import { Robot, FRAME_MS } from "../../modules/app/robot.js";
import { Exerciser, TYPING_MS } from "../../modules/virtual/exerciser.js";
import { DID_REFLEX } from "../../modules/app/behaviour.js";
import { createSimHost } from "../../tools/sim/host.js";
import { REPO_ROOT } from "../../tools/lib/data.js";

describe("lin exerciser", () => {
  test("pairs through the passkey screen, then applies every stimulus of the catalog each cycle, with reflexes and mood changes", () => {
    const traces: string[] = [];
    const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), now: () => 0, trace: (m) => traces.push(m) });
    const robot = new Robot(host);
    const applied: number[] = [];
    let reflexes = 0;
    robot.onStimulus = (s, _i, reaction) => {
      applied.push(s);
      if (reaction === DID_REFLEX) reflexes++;
    };
    const stepMs = 200;
    const ex = new Exerciser(robot, stepMs, (m) => traces.push(m));
    const count = robot.engine.catalog.names.length;
    const moods = new Set<string>();
    let passkeyFrames = 0;
    robot.attach({
      service: (now) => {
        const passkey = ex.service(now);
        if (passkey >= 0) passkeyFrames++;
        return passkey;
      },
    });
    let t = 0;
    // Two cycles: pairing, `count` stimuli and the end-of-catalog probe each (steps land on frames).
    const cycleMs = TYPING_MS + (count + 2) * stepMs;
    for (; t < 3 * cycleMs && ex.cycles < 2; t += FRAME_MS) {
      robot.tick(t);
      moods.add(traces.filter((m) => /^moodface: \w+ \(/.test(m)).slice(-1)[0] ?? "");
    }
    expect(ex.cycles).toBe(2);
    expect(applied.slice(0, count)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(applied.slice(count, 2 * count)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(passkeyFrames).toBeGreaterThanOrEqual(2 * Math.floor(TYPING_MS / FRAME_MS));
    expect(reflexes).toBeGreaterThan(4);
    expect(moods.size).toBeGreaterThan(3); // the dominant emotion changed: the face morphed between moods
    expect(traces.filter((m) => m.startsWith("moodface: exercise:"))).toEqual([
      `moodface: exercise: cycle 1: paired, ${count} stimuli applied, 0 refused\n`,
      `moodface: exercise: cycle 2: paired, ${count} stimuli applied, 0 refused\n`,
    ]);
  });
});
