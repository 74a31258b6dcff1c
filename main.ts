/*
 * moodface firmware entry point. It only wires the rooms together (docs/architecture.md): data from
 * flash, the emotion engine, the face animator (or the diagnostic levels view) and the SSD1306
 * display, once per 33 ms frame.
 */
import Resource from "Resource";
import device from "embedded:provider/builtin";
import Timer from "timer";
import config from "mc/config";
import { EmotionEngine } from "emotion/engine";
import { loadProfile, TICK_MS } from "emotion/profile";
import { loadCatalog } from "emotion/catalog";
import { loadWheel } from "emotion/wheel";
import { EMOTIONS } from "emotion/names";
import type { Json } from "emotion/check";
import SSD1306 from "display/ssd1306";
import { drawLevels } from "face/levels-view";
import { openPack } from "face/pack";
import { FallbackFaces, PackFaces, type FaceSource } from "face/faces";
import { Animator } from "face/animator";

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

// The panel: whatever I2C the board's host provider gives (the real bus on the ESP32, a virtual
// SSD1306 on lin). A missing or flaky panel never stops the robot: update() retries by itself.
const panel = config.display ?? {};
const display = new SSD1306({
  display: { ...device.I2C.default, io: device.io.I2C, address: panel.address ?? 0x3c, hz: panel.hz ?? 400000 },
  height: panel.height ?? 64,
  flip: panel.flip ?? false,
  contrast: panel.contrast ?? 0xcf,
});
const FRAME_MS = 33;

// Keyframes from flash, checked before use; a missing or corrupt pack falls back to built-in faces.
let faces: FaceSource;
if (Resource.exists("frames.bin")) {
  const opened = openPack(new Resource("frames.bin") as unknown as ArrayBufferLike, "frames.bin");
  if (opened.ok) faces = new PackFaces(opened.pack);
  else {
    trace(`moodface: ${opened.error}; showing the built-in faces\n`);
    faces = new FallbackFaces();
  }
} else {
  trace("moodface: no frames.bin in flash; showing the built-in faces\n");
  faces = new FallbackFaces();
}
const animator = new Animator(faces, { seed: Date.now() | 0 });
const levels = new Uint8Array(1024);
const showLevels = config.view === "levels";
let now = 0;

let shown = -1;
let lastError = 0;
Timer.repeat(() => {
  engine.step(FRAME_MS);
  const s = engine.state;
  if (s.dominant !== shown) {
    shown = s.dominant;
    trace(`moodface: ${EMOTIONS[s.dominant]} (${wheel.words[s.nuance]})\n`);
  }
  now += FRAME_MS;
  let frame: Uint8Array;
  if (showLevels) {
    drawLevels(levels, s);
    frame = levels;
  } else {
    frame = animator.update(now, s);
  }
  display.update(frame);
  if (display.status.errors !== lastError) {
    lastError = display.status.errors;
    trace(`moodface: display ${display.status.online ? "online" : "offline"}: ${display.status.lastError}\n`);
  }
}, FRAME_MS);
