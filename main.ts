/*
 * moodface firmware entry point. It only wires the rooms together (docs/architecture.md): data from
 * flash, the emotion engine on a fixed tick, and (in later rooms) the face and the display.
 */
import Resource from "Resource";
import Timer from "timer";
import config from "mc/config";
import { EmotionEngine } from "emotion/engine";
import { loadProfile, TICK_MS } from "emotion/profile";
import { loadCatalog } from "emotion/catalog";
import { loadWheel } from "emotion/wheel";
import { EMOTIONS } from "emotion/names";
import type { Json } from "emotion/check";

/** Parses a JSON file that the manifest's "data" section put in flash. */
function readJson(name: string): Json {
  return JSON.parse(String.fromArrayBuffer(new Resource(name).slice(0))) as Json;
}

const profileName = config.profile ?? "default";
const catalog = loadCatalog(readJson("stimuli.json"), "stimuli.json");
const wheel = loadWheel(readJson("wheel.json"), "wheel.json", catalog.tags);
let profile;
try {
  profile = loadProfile(readJson(`${profileName}.json`), `${profileName}.json`);
} catch (e) {
  // A bad or missing profile must not brick the robot: report it and run the default.
  trace(`moodface: profile "${profileName}" rejected: ${(e as Error).message}; using default\n`);
  profile = loadProfile(readJson("default.json"), "default.json");
}
const engine = new EmotionEngine(profile, catalog, wheel);
trace(`moodface: profile ${profile.name}, ${catalog.names.length} stimuli\n`);

let shown = -1;
Timer.repeat(() => {
  engine.step(TICK_MS);
  const s = engine.state;
  if (s.dominant !== shown) {
    shown = s.dominant;
    trace(`moodface: ${EMOTIONS[s.dominant]} (${wheel.words[s.nuance]})\n`);
  }
}, TICK_MS);
