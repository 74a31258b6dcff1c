import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHANNELS, EMOTIONS } from "../../modules/emotion/names.js";
import { moodface, tempDir } from "../helpers/cli.js";
import { formatEvents, parseEvents } from "../../tools/engine/events.js";
import { catalog } from "../helpers/engine.js";

const parse = (out: string) => out.trim().split("\n").map((l) => JSON.parse(l));

describe("moodface engine simulate", () => {
  const dir = tempDir();
  const events = join(dir, "events.jsonl");
  writeFileSync(events, ['{"t": 1000, "stimulus": "gift", "intensity": 0.8}', "", '{"t": 3000, "stimulus": "threat", "intensity": 1}'].join("\n"));

  test("writes the profile first, then samples every dt with every level, probability and the nuance", () => {
    const r = moodface(["engine", "simulate", "--profile", "default", "--events", events, "--duration", "5", "--dt", "250"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = parse(r.stdout);
    const head = lines[0];
    expect(head.type).toBe("profile");
    expect(head.name).toBe("default");
    expect(head.channels.map((c: { name: string }) => c.name)).toEqual([...CHANNELS]);
    for (const c of head.channels) for (const k of ["r", "K", "s", "M"]) expect(typeof c[k]).toBe("number");
    const samples = lines.filter((l) => l.type === "sample");
    expect(samples.map((s) => s.t)).toEqual(Array.from({ length: 21 }, (_, i) => i * 250));
    for (const s of samples) {
      expect(Object.keys(s.levels)).toEqual([...CHANNELS]);
      expect(Object.keys(s.probabilities)).toEqual([...EMOTIONS]);
      const sum = Object.values(s.probabilities as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-4);
      expect(EMOTIONS).toContain(s.dominant);
      expect(typeof s.nuance).toBe("string");
    }
    expect(lines.filter((l) => l.type === "stimulus").map((l) => [l.t, l.stimulus])).toEqual([
      [1000, "gift"],
      [3000, "threat"],
    ]);
    expect(samples.find((s) => s.t === 1000).dominant).toBe("joy");
    expect(samples.find((s) => s.t === 3500).dominant).toBe("fear");
    // Levels are in the units of K: the gift adds 0.8 * 40% of K = 32 units of dopamine.
    const before = samples.find((s) => s.t === 750).levels.dopamine;
    expect(samples.find((s) => s.t === 1000).levels.dopamine - before).toBeCloseTo(32, 0);
  });

  test("--reference puts the float64 reference beside every sample, within 0.5% of K", () => {
    const r = moodface(["engine", "simulate", "-e", events, "-d", "60", "--dt", "1000", "--reference"]);
    expect(r.status).toBe(0);
    for (const s of parse(r.stdout).filter((l) => l.type === "sample")) {
      for (const c of CHANNELS) expect(Math.abs(s.levels[c] - s.reference[c])).toBeLessThan(0.5);
    }
  });

  test("--profile takes a file path, and -o writes the file atomically", () => {
    const out = join(dir, "out.jsonl");
    const profile = join(process.cwd(), "modules/emotion/data/profiles/anxious.json");
    const r = moodface(["engine", "simulate", "--profile", profile, "--duration", "1", "-o", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(parse(readFileSync(out, "utf8"))[0].name).toBe("anxious");
    expect(readdirSync(dir).filter((f) => f.startsWith("out.jsonl."))).toEqual([]);
  });

  test.each([
    ['{"t": 10, "stimulus": "prase"}', ':1: field "stimulus": unknown stimulus "prase" (did you mean "praise"?)'],
    ['{"t": -5, "stimulus": "praise"}', ':1: field "t": expected whole milliseconds >= 0, got -5'],
    ['{"t": 5, "stimulus": "praise", "intensity": 2}', ':1: field "intensity": expected a number from 0 to 1, got 2'],
    ['{"t": 5, "stimulus": "praise", "intensty": 1}', ':1: field "intensty": unknown field'],
    ['{"t": 50, "stimulus": "praise"}\n{"t": 10, "stimulus": "praise"}', ':2: field "t": 10 ms is earlier than the line before'],
    ['{"t": 5, "stimulus": "praise"', ":1: not valid JSON"],
  ])("bad events are rejected with file, line and field: %s", (text, message) => {
    const f = join(dir, "bad.jsonl");
    writeFileSync(f, text);
    const r = moodface(["engine", "simulate", "-e", f, "-d", "1"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${f}${message}`);
  });

  test("work beyond the limit (--duration 1e12 --dt 1) is refused at once in one line; nothing is written", () => {
    const out = join(tempDir(), "never.jsonl");
    const r = moodface(["engine", "simulate", "-d", "1e12", "--dt", "1", "-o", out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("moodface: --duration 1000000000000 with --dt 1: 1.00e+15 samples, at most 10,000,000: shorten --duration or raise --dt\n");
    expect(existsSync(out)).toBe(false);
  });

  test("a bad profile file is rejected naming the field and the allowed range; nothing is written", () => {
    const f = join(dir, "bad-profile.json");
    const doc = JSON.parse(readFileSync("modules/emotion/data/profiles/default.json", "utf8"));
    doc.channels.serotonin.s = 0;
    writeFileSync(f, JSON.stringify(doc));
    const out = join(dir, "never.jsonl");
    const r = moodface(["engine", "simulate", "-p", f, "-d", "1", "-o", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${f}: channels.serotonin.s: 0 is out of range (allowed greater than 0 and up to 1)`);
    expect(existsSync(out)).toBe(false);
  });

  test("an unknown profile name lists the shipped ones", () => {
    const r = moodface(["engine", "simulate", "-p", "grumpy", "-d", "1"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown profile "grumpy": shipped profiles are anxious, cheerful, default, guardian, inventor, lovheim');
  });

  test("events round trip: formatEvents(parseEvents(x)) reads back the same events", () => {
    const evs = parseEvents(readFileSync(events, "utf8"), events, catalog);
    const again = parseEvents(formatEvents(evs), "again", catalog).map(({ t, stimulus, intensity }) => ({ t, stimulus, intensity }));
    expect(again).toEqual(evs.map(({ t, stimulus, intensity }) => ({ t, stimulus, intensity })));
    expect(again).toHaveLength(2);
  });

  test("engine check validates a profile and prints resting levels", () => {
    const r = moodface(["engine", "check", "modules/emotion/data/profiles/lovheim.json"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('profile "lovheim" is valid');
    expect(r.stdout).toMatch(/dopamine\s+r=0.02 K=100 s=0.06 M=40 rests at 48.32/);
  });
});
