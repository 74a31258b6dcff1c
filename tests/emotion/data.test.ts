import { join } from "node:path";
import { loadProfile } from "../../modules/emotion/profile.js";
import { loadCatalog } from "../../modules/emotion/catalog.js";
import { loadWheel } from "../../modules/emotion/wheel.js";
import { DataError } from "../../modules/emotion/check.js";
import { DATA_DIR, PROFILES_DIR, readJson } from "../../tools/lib/data.js";
import { catalogDocument, profileDocument, wheelDocument } from "../../tools/engine/documents.js";
import { catalog, profiles } from "../helpers/engine.js";

/** Through JSON text, as a file would be. */
const viaText = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const clone = viaText;

describe("data files: shipped", () => {
  test("ships the default, two personalities and the Lovheim cube", () => {
    expect(profiles).toEqual(expect.arrayContaining(["default", "anxious", "cheerful", "lovheim"]));
  });

  test("the catalog has at least 12 stimuli, including the classic ones", () => {
    expect(catalog.names.length).toBeGreaterThanOrEqual(12);
    for (const n of ["praise", "threat", "gift", "loss", "surprise", "touch", "play", "insult", "loud_noise"]) expect(catalog.names).toContain(n);
  });
});

describe("data files: round trips", () => {
  test.each(profiles)("profile %s: load(document(load(x))) equals load(x)", (name) => {
    const a = loadProfile(readJson(join(PROFILES_DIR, `${name}.json`)), "a");
    const b = loadProfile(viaText(profileDocument(a)), "a");
    expect(b).toEqual(a);
  });

  test("stimulus catalog round trip", () => {
    const b = loadCatalog(viaText(catalogDocument(catalog)), join(DATA_DIR, "stimuli.json"));
    expect(b).toEqual(catalog);
  });

  test("wheel round trip", () => {
    const a = loadWheel(readJson(join(DATA_DIR, "wheel.json")), "w", catalog.tags);
    expect(loadWheel(viaText(wheelDocument(a)), "w", catalog.tags)).toEqual(a);
  });
});

describe("data files: every bad field is named", () => {
  const base = readJson(join(PROFILES_DIR, "default.json")) as Record<string, any>;
  test.each([
    [(d: any) => (d.version = 2), "version: this firmware reads version 1, the file has 2"],
    [(d: any) => delete d.channels.oxytocin, "channels.oxytocin: expected an object, got nothing (the field is missing)"],
    [(d: any) => (d.channels.dopamin = d.channels.dopamine), "channels.dopamin: unknown field"],
    [(d: any) => (d.channels.dopamine.K = -1), "channels.dopamine.K: -1 is out of range (allowed greater than 0 and up to 10000)"],
    [(d: any) => (d.channels.dopamine.M = 500), "channels.dopamine.M: 500 is out of range (allowed from 0 to 100)"],
    [(d: any) => (d.channels.adrenaline.r = "fast"), 'channels.adrenaline.r: expected a number, got "fast"'],
    [(d: any) => (d.channels.adrenaline = { r: 1, K: 100, s: 0.01, M: 50 }), "channels.adrenaline: the resting level r, K, s and M give is 99.5% of K"],
    [(d: any) => (d.readout.temperature = 0), "readout.temperature: 0 is out of range (allowed from 0.02 to 10)"],
    [(d: any) => (d.readout.minDwellMs = 2.5), "readout.minDwellMs: expected a whole number, got 2.5"],
    [(d: any) => (d.readout.emotions.fear[0].terms[0].channel = "cortisol"), 'readout.emotions.fear[0].terms[0].channel: unknown name "cortisol"'],
    [(d: any) => (d.readout.emotions.fear[0].terms[0].weight = 9), "readout.emotions.fear[0].terms[0].weight: 9 is out of range"],
    [(d: any) => (d.readout.emotions.joy = []), "readout.emotions.joy: expected 1 to 4 alternatives, got 0"],
  ])("profile mutation %#", (mutate, message) => {
    const d = clone(base);
    mutate(d);
    expect(() => loadProfile(d, "p.json")).toThrow(DataError);
    expect(() => loadProfile(d, "p.json")).toThrow(`p.json: ${message}`);
  });

  const cat = readJson(join(DATA_DIR, "stimuli.json")) as Record<string, any>;
  test.each([
    [(d: any) => (d.stimuli.praise.doses.dopamine = 1.5), "stimuli.praise.doses.dopamine: 1.5 is out of range (allowed from -1 to 1)"],
    [(d: any) => (d.stimuli.praise.tags = ["nope"]), 'stimuli.praise.tags[0]: unknown name "nope"'],
    [(d: any) => (d.stimuli.praise.doses = {}), "stimuli.praise.doses: a stimulus must change at least one channel"],
    [(d: any) => (d.stimuli["Bad Name"] = d.stimuli.praise), "stimuli.Bad Name: a stimulus name must be lower-case"],
    [(d: any) => (d.habituation.graph = [[10, 0.5], [20, 1]]), "habituation.graph[0][0]: the first point must be at 0 ms"],
    [(d: any) => (d.habituation.graph = [[0, 0.5], [0, 1]]), "habituation.graph[1][0]: 0 ms must be later than the point before"],
    [(d: any) => d.tags.push("pain"), `tags[${cat.tags.length}]: "pain" is listed twice`],
  ])("catalog mutation %#", (mutate, message) => {
    const d = clone(cat);
    mutate(d);
    expect(() => loadCatalog(d, "s.json")).toThrow(`s.json: ${message}`);
  });
});
