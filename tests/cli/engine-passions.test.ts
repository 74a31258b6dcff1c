/*
 * The passions on the command line: `engine simulate` writes the robot's why on each stimulus line,
 * `engine compare` gives the guardian and the inventor different days over the same events (and a
 * PNG), `engine check` names a bad passion field in one line.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { moodface, tempDir } from "../helpers/cli.js";
import { readJson, PROFILES_DIR } from "../../tools/lib/data.js";

const parse = (out: string) => out.trim().split("\n").map((l) => JSON.parse(l));
const DAY = "examples/passions-day.jsonl";

describe("moodface engine and the passions", () => {
  const dir = tempDir();

  test("simulate: the guardian's lie line says it hurt integrity; the inventor's says nothing of it", () => {
    const g = parse(moodface(["engine", "simulate", "-p", "guardian", "-e", DAY, "-d", "200", "--dt", "1000"]).stdout);
    const v = parse(moodface(["engine", "simulate", "-p", "inventor", "-e", DAY, "-d", "200", "--dt", "1000"]).stdout);
    expect(g[0].passions.integrity).toBe(1);
    const lie = (lines: any[]) => lines.find((l) => l.type === "stimulus" && l.stimulus === "lie");
    expect(lie(g)).toEqual({ type: "stimulus", t: 150000, stimulus: "lie", intensity: 0.8, served: [], violated: ["integrity"], why: "the lie hurt: integrity" });
    expect(lie(v)).toEqual({ type: "stimulus", t: 150000, stimulus: "lie", intensity: 0.8 });
    const idea = v.find((l) => l.type === "stimulus" && l.stimulus === "new_idea");
    expect(idea.why).toBe("the new idea pleased: learning, innovation, adaptability");
  });

  test("compare: the same day, two different days; the chart is a PNG", async () => {
    const png = join(dir, "day.png");
    const r = moodface(["engine", "compare", "-p", "guardian,inventor", "-e", DAY, "-d", "600", "-o", png]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split("\n").map((l) => Object.fromEntries([...l.matchAll(/(\w+) ([\d.]+)%/g)].map((m) => [m[1], Number(m[2])])));
    expect(rows).toHaveLength(2);
    const [guardian, inventor] = rows;
    // The guardian is angrier (lies, prying), the inventor prouder (ideas, puzzles).
    expect(guardian.mad).toBeGreaterThan(inventor.mad + 2);
    expect(inventor.power).toBeGreaterThan(guardian.power + 5);
    const meta = await sharp(readFileSync(png)).metadata();
    expect([meta.format, meta.width]).toEqual(["png", 1200]);
  });

  test("check: an unknown passion and a weight out of range are each one line naming the field", () => {
    const doc = readJson(join(PROFILES_DIR, "default.json")) as Record<string, unknown>;
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...doc, passions: { integrty: 1 } }));
    let r = moodface(["engine", "check", bad]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([`moodface: ${bad}: passions.integrty: unknown field (allowed: default, learning, empathy, efficiency, integrity, collaboration, innovation, reliability, respect, adaptability, personal_growth, autonomy, privacy)`]);
    writeFileSync(bad, JSON.stringify({ ...doc, passions: { privacy: 1.5 } }));
    r = moodface(["engine", "check", bad]);
    expect(r.stderr.trim().split("\n")).toEqual([`moodface: ${bad}: passions.privacy: 1.5 is out of range (allowed from 0 to 1)`]);
    r = moodface(["engine", "check", "modules/emotion/data/profiles/guardian.json"]);
    expect(r.stdout).toMatch(/passions\s+learning 0, empathy 0.1, .*integrity 1, .*privacy 1/);
  });
});
