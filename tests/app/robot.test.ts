import { openStateFile, readStateFile } from "../../tools/sim/flash-file.js";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Robot } from "../../modules/app/robot.js";
import type { ConfigOverrides } from "../../tools/sim/host.js";
import { decodeSaved, encodeSaved } from "../../modules/app/saved.js";
import { decodeState, encodeStimulus, MSG_ACK, MSG_ERROR, STATE_BYTES } from "../../modules/link/codec.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { createSimHost } from "../../tools/sim/host.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";
import { pairedApp } from "../link/helpers.js";

function robot(config: ConfigOverrides = {}, framesFile = join(REPO_ROOT, "frames", "frames.bin"), stateFile?: string) {
  const traces: string[] = [];
  const host = createSimHost({ framesFile, stateFile, config, now: () => 0, trace: (m) => traces.push(m) });
  return { robot: new Robot(host), host, traces };
}

const snapshot = (r: Robot) => JSON.stringify([Array.from(r.engine.state.levels), Array.from(r.engine.state.probabilities), r.engine.state.dominant, r.engine.state.nuance]);

describe("robot wiring", () => {
  test("a stimulus message is applied and acknowledged; the face and the panel follow", () => {
    const { robot: r, host } = robot();
    r.frame(0);
    const before = Buffer.from(host.panel.glassFrame());
    const msg = new Uint8Array(8);
    const n = encodeStimulus(msg, r.engine.stimulusIndex("gift"), 255);
    expect(pairedApp(r).write(msg, n)).toEqual([MSG_ACK, r.engine.stimulusIndex("gift")]);
    for (let t = 33; t < 1000; t += 33) r.frame(t);
    expect(EMOTIONS[r.engine.state.dominant]).toBe("joy");
    expect(Buffer.from(host.panel.glassFrame()).equals(before)).toBe(false);
    const state = new Uint8Array(STATE_BYTES);
    expect(r.state(state)).toBe(STATE_BYTES);
    expect(STATE_BYTES).toBeLessThanOrEqual(20);
    expect(decodeState(state)?.dominant).toBe(EMOTIONS.indexOf("joy"));
  });

  test("every rejected message leaves the robot's state untouched and names the byte at fault", () => {
    const { robot: r } = robot();
    r.frame(0);
    const gift = r.engine.stimulusIndex("gift");
    const cases: [number[], number, number][] = [
      [[], 1, 0],
      [[0x02, 1, 0, 0, 0], 2, 0],
      [[0x01, 1, 0], 3, 3],
      [[0x01, 9, gift, 255, 0], 7, 1],
      [[0x01, 1, 250, 255, 0], 4, 2],
      [[0x01, 1, gift, 255, 5, 0, 0, 0, 0, 0], 5, 4],
      [[0x01, 1, gift, 255, 1, 200], 6, 5],
      [[0x01, 1, gift, 255, 2, 0], 3, 6],
      [[0x01, 1, gift, 255, 0, 7, 7], 3, 6], // one byte past the optional direction
      [new Array(30).fill(1), 3, 20],
    ];
    const before = snapshot(r);
    const app = pairedApp(r);
    for (const [bytes, code, at] of cases) {
      expect([bytes, app.write(Uint8Array.from(bytes))]).toEqual([bytes, [MSG_ERROR, code, at]]);
      expect(snapshot(r)).toBe(before);
    }
  });

  test("the mood survives a restart through the saved state", () => {
    const dir = tempDir();
    const state = join(dir, "state.bin");
    const a = robot({ profile: "anxious" }, undefined, state).robot;
    a.frame(0);
    a.engine.stimulate(a.engine.stimulusIndex("loss"), ONE);
    a.save(10);
    const saved = decodeSaved(readStateFile(state)!);
    expect(saved?.profile).toBe("anxious");
    const b = robot({}, undefined, state).robot;
    expect(b.engine.profile.name).toBe("anxious");
    expect(Array.from(b.engine.state.levels)).toEqual(Array.from(a.engine.state.levels));
    expect(EMOTIONS[b.engine.state.dominant]).toBe("sad");
  });

  test("saved state round trip, and bad saved bytes are ignored", () => {
    const levels = Int32Array.from([1, 2, 3, ONE, 0, ONE >> 1]);
    const d = decodeSaved(encodeSaved("cheerful", levels));
    expect(d?.profile).toBe("cheerful");
    expect(Array.from(d!.levels)).toEqual(Array.from(levels));
    expect(decodeSaved(Uint8Array.of(9, 0))).toBeUndefined();
    expect(decodeSaved(encodeSaved("x", levels).subarray(0, 10))).toBeUndefined();
    const bad = encodeSaved("default", Int32Array.from([ONE * 2, 0, 0, 0, 0, 0]));
    const dir = tempDir();
    const state = join(dir, "s.bin");
    openStateFile(state, () => {}).save(bad);
    const { robot: r, traces } = robot({}, undefined, state);
    expect(traces.join("")).toContain("saved levels ignored");
    expect(EMOTIONS[r.engine.state.dominant]).toBe("calm");
  });

  test("a corrupt pack falls back to the built-in faces and says why; a bad profile falls back to default", () => {
    const dir = tempDir();
    const bad = join(dir, "frames.bin");
    const b = readFileSync(join(REPO_ROOT, "frames", "frames.bin"));
    b[100] ^= 4;
    writeFileSync(bad, b);
    const { robot: r, traces } = robot({ profile: "grumpy" }, bad);
    expect(r.packError).toMatch(/frames\.bin: section (INDX|FRMS) failed its CRC/);
    expect(r.faces.constructor.name).toBe("FallbackFaces");
    expect(traces.join("")).toContain('profile "grumpy" rejected');
    expect(r.engine.profile.name).toBe("default");
    expect(r.frame(0).some((x) => x !== 0)).toBe(true);
  });
});
