/*
 * Passions (issue 22): for each of the twelve, the same minute of events on the default profile
 * holding only that passion at weight 0 and at weight 1 gives a measurably different day (the
 * emotion whose time share as the dominant one moved most, with both figures, is in the test's
 * name); a day of events that touches no passion is bit-identical whatever the weights.
 */
import { PASSIONS, PASSION_COUNT, EMOTIONS } from "../../modules/emotion/names.js";
import { catalog } from "../helpers/engine.js";
import { DURATION_MS, SCENARIOS, UNTOUCHED, biggestShift, holding, run } from "../helpers/passions.js";
import { loadProfile } from "../../modules/emotion/profile.js";
import { loadCatalog } from "../../modules/emotion/catalog.js";
import { readJson, DATA_DIR, PROFILES_DIR } from "../../tools/lib/data.js";
import { join } from "node:path";
import { engineFor } from "../helpers/engine.js";
import { ONE } from "../../modules/emotion/fixed.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe("passions: weight 0 against weight 1, same events", () => {
  // Figures first, so that each test's name carries its own.
  const cases = PASSIONS.map((p) => {
    const off = run(holding(p, 0), SCENARIOS[p]);
    const on = run(holding(p, 1), SCENARIOS[p]);
    const shift = biggestShift(off, on);
    return { p, off, on, shift, name: `${p}: ${shift.emotion} dominant ${pct(shift.from)} of the minute at weight 0, ${pct(shift.to)} at weight 1` };
  });
  test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const bit = 1 << PASSIONS.indexOf(c.p);
    // The scenario really touches this passion, and only the held one is reported.
    expect((c.on.served | c.on.violated) & bit).toBe(bit);
    expect(c.off.served | c.off.violated).toBe(0);
    expect((c.on.served | c.on.violated) & ~bit).toBe(0);
    // At least 10 points of the minute change hands.
    expect(Math.abs(c.shift.to - c.shift.from)).toBeGreaterThanOrEqual(0.1);
  });
});

describe("passions: events that touch none land exactly as before", () => {
  test("the untouched scenario's stimuli carry no tag any passion names", () => {
    for (const [, name] of UNTOUCHED) {
      const i = catalog.names.indexOf(name);
      for (let p = 0; p < PASSION_COUNT; p++) expect([name, catalog.stimulusPassion[i * PASSION_COUNT + p]]).toEqual([name, 0]);
    }
  });

  test("every weight 0, every weight 1 and no passions field give bit-identical trajectories", () => {
    const none = run(holding(undefined, 0), UNTOUCHED);
    const base = readJson(join(PROFILES_DIR, "default.json")) as Record<string, unknown>;
    const absent = { ...base };
    delete absent.passions;
    const all = loadProfile({ ...base, passions: { default: 1 } } as never, "all.json");
    expect(run(all, UNTOUCHED).trace).toEqual(none.trace);
    expect(run(loadProfile(absent as never, "absent.json"), UNTOUCHED).trace).toEqual(none.trace);
    expect(none.trace.length).toBe((DURATION_MS / 100 + 1) * 16);
  });

  test("a stimulus's appraisal follows extra context tags sent with it", () => {
    // A hug sent with the "deception" tag (a Judas hug) violates integrity for a robot that holds it.
    const e = engineFor(holding("integrity", 1));
    const tag = new Int32Array([catalog.tags.indexOf("deception")]);
    expect(e.stimulate(e.stimulusIndex("hug"), ONE, tag, 1)).toBe(true);
    expect(e.state.violated).toBe(1 << PASSIONS.indexOf("integrity"));
    const plain = engineFor(holding("integrity", 1));
    plain.stimulate(plain.stimulusIndex("hug"), ONE);
    expect(plain.state.violated).toBe(0);
    const endorphins = 5;
    expect(e.state.levels[endorphins]).toBeGreaterThan(plain.state.levels[endorphins]);
  });

  test("the shipped guardian and inventor differ on the same lie and the same idea", () => {
    const g = engineFor("guardian");
    const v = engineFor("inventor");
    for (const e of [g, v]) e.stimulate(e.stimulusIndex("lie"), ONE);
    expect(g.state.levels[5]).toBeGreaterThan(v.state.levels[5]);
    expect(EMOTIONS[g.state.dominant]).toBe("mad");
    for (const e of [g, v]) e.stimulate(e.stimulusIndex("new_idea"), ONE);
    expect(v.state.levels[0]).toBeGreaterThan(g.state.levels[0]);
  });
});

describe("passions: every bad field is named", () => {
  const base = readJson(join(PROFILES_DIR, "default.json")) as Record<string, any>;
  test.each([
    [{ honesty: 1 }, 'passions.honesty: unknown field (allowed: default, learning, empathy'],
    [{ integrity: 1.5 }, "passions.integrity: 1.5 is out of range (allowed from 0 to 1)"],
    [{ privacy: -0.1 }, "passions.privacy: -0.1 is out of range (allowed from 0 to 1)"],
    [{ default: "high" }, 'passions.default: expected a number, got "high"'],
    [[1, 2], "passions: expected an object, got an array"],
  ])("profile passions %j", (passions, message) => {
    expect(() => loadProfile({ ...base, passions } as any, "p.json")).toThrow(`p.json: ${message}`);
  });

  const cat = readJson(join(DATA_DIR, "stimuli.json")) as Record<string, any>;
  test.each([
    [(d: any) => (d.appraisal.passions.honesty = { serves: [] }), "appraisal.passions.honesty: unknown field"],
    [(d: any) => (d.appraisal.passions.integrity.violates = ["lies"]), 'appraisal.passions.integrity.violates[0]: unknown name "lies"'],
    [(d: any) => d.appraisal.passions.integrity.violates.push("deception"), 'appraisal.passions.integrity.violates[3]: tag "deception" is listed twice for integrity'],
    [(d: any) => (d.appraisal.serves.dopamine = 2), "appraisal.serves.dopamine: 2 is out of range (allowed from -1 to 1)"],
    [(d: any) => (d.appraisal.violates.cortisol = 0.1), "appraisal.violates.cortisol: unknown field"],
  ])("catalog appraisal mutation %#", (mutate, message) => {
    const d = JSON.parse(JSON.stringify(cat));
    mutate(d);
    expect(() => loadCatalog(d, "s.json")).toThrow(`s.json: ${message}`);
  });
});
