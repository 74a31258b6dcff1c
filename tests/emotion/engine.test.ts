import fc from "fast-check";
import { ONE } from "../../modules/emotion/fixed.js";
import { CHANNELS, CHANNEL_COUNT, EMOTIONS } from "../../modules/emotion/names.js";
import { loadProfile, restFraction, TICK_MS } from "../../modules/emotion/profile.js";
import { DataError } from "../../modules/emotion/check.js";
import { ReferenceModel, largestGap } from "../../tools/engine/reference.js";
import { catalog, engineFor, profileDoc, profiles, stormArb, type StormEvent } from "../helpers/engine.js";

const TEN_MINUTES = 600_000;

/** Largest level gap to the float64 reference, as a fraction of K. */
function maxGap(profileName: string, storm: StormEvent[], durationMs: number, sampleMs: number): number {
  return largestGap(engineFor(profileName), storm, durationMs, sampleMs);
}

describe("emotion engine: accuracy against the float64 reference", () => {
  test.each(profiles)("profile %s stays within 0.5%% of K over 10 simulated minutes", (name) => {
    const storms = fc.sample(stormArb(120, TEN_MINUTES), { seed: 42, numRuns: 3 });
    storms.push([]); // and the quiet case: settling at rest
    for (const storm of storms) {
      const gap = maxGap(name, storm, TEN_MINUTES, 250);
      expect(gap).toBeLessThan(0.005);
    }
  });

  test("with no stimulus every level stays at its analytic resting point", () => {
    for (const name of profiles) {
      const engine = engineFor(name);
      engine.step(TEN_MINUTES);
      engine.profile.channels.forEach((c, i) => {
        expect(Math.abs(engine.state.levels[i] / ONE - c.rest / c.K)).toBeLessThan(1e-4);
      });
    }
  });

  test("a dose decays back toward rest the way the ODE says (hand-checkable numbers)", () => {
    // Dopamine of the default profile: r = 0.02, s = 0.06, M = 40, K = 100, rest 48.32.
    const engine = engineFor("default");
    const i = CHANNELS.indexOf("dopamine");
    engine.stimulate(engine.stimulusIndex("gift"), ONE); // +0.4 K of dopamine
    const x0 = engine.state.levels[i] / ONE;
    expect(x0).toBeCloseTo(0.4832 + 0.4, 3);
    // Linearised near rest the decay rate is s - r (1 - 2 x*) = 0.06 - 0.02 * (1 - 0.9665) = 0.0593/s.
    engine.step(10_000);
    const ref = new ReferenceModel(engine.profile, catalog);
    ref.levels[i] = x0;
    ref.advanceTo(10_000);
    expect(engine.state.levels[i] / ONE).toBeCloseTo(ref.levels[i], 4);
    expect(engine.state.levels[i] / ONE).toBeLessThan(x0);
    expect(engine.state.levels[i] / ONE).toBeGreaterThan(0.4832);
  });
});

describe("emotion engine: levels never leave [0, K]", () => {
  // Channels built from (s, r/s, resting point) so that almost every draw is a valid profile; the
  // validator still has the last word (fc.pre below).
  const channel = fc
    .record({
      s: fc.double({ min: 0.001, max: 1, noNaN: true }),
      f: fc.double({ min: 0.001, max: 3, noNaN: true }),
      x: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      K: fc.double({ min: 1, max: 10000, noNaN: true }),
    })
    .map(({ s, f, x, K }) => ({ r: s * f, s, K, m: x - (s * f * x * (1 - x)) / s }))
    .filter((c) => c.r > 0 && c.r <= 1 && c.m >= 0 && c.m <= 1);
  const channels = fc.array(channel, { minLength: CHANNEL_COUNT, maxLength: CHANNEL_COUNT });

  test("for any valid profile and any stimulus storm, at every step", () => {
    fc.assert(
      fc.property(channels, stormArb(60, 20_000), fc.integer({ min: 5, max: 500 }), (chs, storm, dt) => {
        const valid = chs.every((c) => {
          const f = restFraction(c.r, c.s, c.m);
          return f >= 0.05 && f <= 0.95;
        });
        fc.pre(valid);
        const doc: Record<string, { r: number; K: number; s: number; M: number }> = {};
        chs.forEach((c, i) => (doc[CHANNELS[i]] = { r: c.r, K: c.K, s: c.s, M: c.m * c.K }));
        // The loader has the last word on validity (M/K can round across the 95% limit).
        let profile;
        try {
          profile = loadProfile(profileDoc(doc) as never, "random");
        } catch (e) {
          if (!(e instanceof DataError)) throw e;
          fc.pre(false);
        }
        const engine = engineFor(profile!);
        const inRange = () => engine.state.levels.every((v) => v >= 0 && v <= ONE);
        let t = 0;
        for (const ev of storm) {
          while (t + dt <= ev.t) {
            engine.step(dt);
            t += dt;
            if (!inRange()) return false;
          }
          engine.stimulate(ev.stimulus, ev.intensity);
          if (!inRange()) return false;
        }
        for (let k = 0; k < 200; k++) {
          engine.step(dt);
          if (!inRange()) return false;
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });
});

describe("emotion engine: stimuli", () => {
  test("a quick repeat of the same stimulus has a diminishing effect (habituation)", () => {
    const engine = engineFor("default");
    const gift = engine.stimulusIndex("gift");
    const dop = CHANNELS.indexOf("dopamine");
    engine.step(1000);
    let before = engine.state.levels[dop];
    engine.stimulate(gift, ONE / 2);
    const first = engine.state.levels[dop] - before;
    engine.step(200);
    before = engine.state.levels[dop];
    engine.stimulate(gift, ONE / 2);
    const second = engine.state.levels[dop] - before;
    engine.step(3000);
    before = engine.state.levels[dop];
    engine.stimulate(gift, ONE / 2);
    const third = engine.state.levels[dop] - before;
    expect(first).toBeGreaterThan(0);
    expect(second).toBeLessThan(first * 0.15);
    expect(third).toBeGreaterThan(second);
    expect(third).toBeLessThan(first);
    // A different stimulus is not habituated by the first.
    const play = engine.stimulusIndex("play");
    before = engine.state.levels[dop];
    engine.stimulate(play, ONE);
    expect(engine.state.levels[dop] - before).toBeGreaterThan(0.25 * ONE);
  });

  test("a full-effect repeat after the habituation window", () => {
    const engine = engineFor("default");
    const loss = engine.stimulusIndex("loss");
    const dop = CHANNELS.indexOf("dopamine");
    engine.stimulate(loss, ONE / 4);
    engine.step(60_000);
    const before = engine.state.levels[dop];
    engine.stimulate(loss, ONE / 4);
    expect((before - engine.state.levels[dop]) / ONE).toBeCloseTo(0.45 / 4, 3);
  });

  test("rejected stimuli leave the state untouched", () => {
    const engine = engineFor("default");
    engine.stimulate(engine.stimulusIndex("threat"), ONE / 2);
    engine.step(700);
    const snapshot = JSON.stringify({ ...engine.state, levels: [...engine.state.levels], p: [...engine.state.probabilities] });
    for (const [i, v] of [
      [-1, ONE],
      [catalog.names.length, ONE],
      [1.5, ONE],
      [0, -1],
      [0, ONE + 1],
      [0, 0.5],
      [NaN, ONE],
      [0, NaN],
    ]) {
      expect(engine.stimulate(i, v)).toBe(false);
    }
    expect(JSON.stringify({ ...engine.state, levels: [...engine.state.levels], p: [...engine.state.probabilities] })).toBe(snapshot);
  });

  test("each primary emotion is reachable from rest with the default profile", () => {
    const reached = new Set<string>();
    for (let i = 0; i < catalog.names.length; i++) {
      const engine = engineFor("default");
      engine.stimulate(i, ONE);
      engine.step(500);
      reached.add(EMOTIONS[engine.state.dominant]);
    }
    reached.add(EMOTIONS[engineFor("default").state.dominant]);
    expect([...reached].sort()).toEqual([...EMOTIONS].sort());
  });
});

describe("emotion engine: readout", () => {
  test("probabilities sum to 1 and the dominant is calm at rest", () => {
    for (const name of profiles) {
      const engine = engineFor(name);
      const sum = engine.state.probabilities.reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - ONE)).toBeLessThan(64);
      expect(EMOTIONS[engine.state.dominant]).toBe("calm");
    }
  });

  test("the default mapping follows the author: gift->joy, threat->fear, insult->mad, hug->love, loss->sad, surprise->surprise, praise->power", () => {
    const expected: Record<string, string> = { gift: "joy", threat: "fear", insult: "mad", hug: "love", loss: "sad", surprise: "surprise", praise: "power" };
    for (const [stimulus, emotion] of Object.entries(expected)) {
      const engine = engineFor("default");
      engine.stimulate(engine.stimulusIndex(stimulus), ONE);
      engine.step(500);
      expect([stimulus, EMOTIONS[engine.state.dominant]]).toEqual([stimulus, emotion]);
    }
  });

  test("hysteresis: the dominant emotion does not flicker between two close emotions", () => {
    const engine = engineFor("default");
    // Joy and love nearly tied: alternate small pushes so the leader changes every tick.
    engine.stimulate(engine.stimulusIndex("gift"), ONE / 2);
    engine.stimulate(engine.stimulusIndex("hug"), (ONE * 0.45) | 0);
    let switches = 0;
    let leaderChanges = 0;
    let dom = engine.state.dominant;
    let lastLeader = -1;
    for (let k = 0; k < 400; k++) {
      engine.step(TICK_MS);
      const p = engine.state.probabilities;
      const leader = p.indexOf(Math.max(...p));
      if (leader !== lastLeader) leaderChanges++;
      lastLeader = leader;
      if (engine.state.dominant !== dom) switches++;
      dom = engine.state.dominant;
    }
    expect(switches).toBeLessThanOrEqual(Math.max(1, leaderChanges));
    expect(switches).toBeLessThanOrEqual(2);
  });

  test("a clear change of emotion switches after the minimum dwell time", () => {
    const engine = engineFor("default");
    engine.stimulate(engine.stimulusIndex("gift"), ONE / 2);
    engine.step(TICK_MS);
    expect(EMOTIONS[engine.state.dominant]).toBe("joy");
    engine.stimulate(engine.stimulusIndex("threat"), ONE);
    engine.step(TICK_MS);
    expect(EMOTIONS[engine.state.dominant]).toBe("joy"); // held for minDwellMs
    engine.step(engine.profile.minDwellMs);
    expect(EMOTIONS[engine.state.dominant]).toBe("fear");
  });

  test("intensity grows with the dose and bands follow thirds", () => {
    const intensities = [0.25, 0.5, 1].map((x) => {
      const engine = engineFor("default");
      engine.stimulate(engine.stimulusIndex("threat"), Math.round(x * ONE));
      engine.step(400);
      return [engine.state.intensity, engine.state.band];
    });
    expect(intensities[0][0]).toBeLessThan(intensities[1][0]);
    expect(intensities[1][0]).toBeLessThan(intensities[2][0]);
    for (const [i, b] of intensities) expect(b).toBe(i < ONE / 3 ? 0 : i < (2 * ONE) / 3 ? 1 : 2);
  });
});

describe("emotion engine: profiles at run time", () => {
  test("a rejected profile leaves the running one untouched", () => {
    const engine = engineFor("default");
    engine.stimulate(engine.stimulusIndex("gift"), ONE);
    const bad = profileDoc({
      dopamine: { r: 1.5, K: 100, s: 0.1, M: 10 },
      serotonin: { r: 0.01, K: 100, s: 0.03, M: 50 },
      noradrenaline: { r: 0.03, K: 100, s: 0.2, M: 20 },
      adrenaline: { r: 0.03, K: 100, s: 0.08, M: 15 },
      oxytocin: { r: 0.02, K: 100, s: 0.05, M: 30 },
      endorphins: { r: 0.02, K: 100, s: 0.07, M: 20 },
    });
    const before = engine.profile;
    let load = () => loadProfile(bad as never, "bad.json");
    expect(load).toThrow(DataError);
    expect(load).toThrow("bad.json: channels.dopamine.r: 1.5 is out of range");
    expect(engine.profile).toBe(before);
    const good = loadProfile(profileDoc({ ...(bad.channels as object), dopamine: { r: 0.02, K: 100, s: 0.06, M: 40 } } as never) as never, "good");
    engine.setProfile(good);
    expect(engine.profile.name).toBe("test");
    load = () => loadProfile({} as never, "x");
    expect(load).toThrow("x: format:");
  });
});
