/*
 * The boot stage: from the raw inputs a host has (its config object, data files, the frames
 * resource, the saved state, a way to open the native decoder, its I2C) to the ready parts the
 * Robot wires together. Both hosts feed it the same way: main.ts on the board (mc/config, flash,
 * Preference) and tools/sim/host.ts in the simulator (manifest.json, files), so what runs in
 * `npm start` is what the board gets. Every asset is checked here, and against the others: the
 * profile, the pack, the decoder model (its op set and output shape by opening it, its latent size
 * against the pack's latents), the button's stimuli against the catalog. Nothing bad stops the
 * robot: each problem is traced once and the part falls back (default profile, built-in faces,
 * crossfades).
 */
import { EmotionEngine } from "../emotion/engine.js";
import { loadProfile, type Profile } from "../emotion/profile.js";
import { loadCatalog } from "../emotion/catalog.js";
import { loadWheel } from "../emotion/wheel.js";
import type { Json } from "../emotion/check.js";
import { FRAME_BYTES } from "../common/geometry.js";
import { crc32 } from "../common/crc32.js";
import { MAX_LATENT, latentSize, openPack, readSelfTest, type Pack } from "../pack/pack.js";
import type { LatentDecoder } from "../face/decoder.js";
import { FallbackFaces, PackFaces, type FaceSource } from "../face/faces.js";
import { Animator, type AnimatorOps } from "../face/animator.js";
import SSD1306, { type FrameOps } from "../display/ssd1306.js";
import type { DigitalClass, I2CClass } from "../common/io.js";
import { PROFILE_NAME, parseConfig, type Config } from "./config.js";
import { decodeSaved } from "./saved.js";
import { emptyBehaviour, loadBehaviour, type Behaviour } from "./behaviour.js";
import { Senses } from "../sensors/senses.js";

/** What a host has before anything is checked. */
export interface BootInputs {
  /** The manifest's config as the host sees it (mc/config on the board). */
  readonly config: unknown;
  /** A text data file by name ("stimuli.json", "default.json"), or undefined when absent. */
  text(name: string): string | undefined;
  /** A binary resource by name ("frames.bin"), or undefined when absent. */
  resource(name: string): ArrayBufferLike | undefined;
  /** The saved state, if any. */
  load(): Uint8Array | undefined;
  trace(message: string): void;
  /** Opens the pack's decoder model (throws with the backend's reason), where the host can run one. */
  openDecoder?(model: Uint8Array): LatentDecoder;
  /** The SSD1306 driver's per-frame byte work in C (the firmware's display/native-frame); absent: the portable one. */
  readonly frameOps?: FrameOps;
  /** The animator's whole-frame byte work in C (the firmware's face/native-animator); absent: the portable one. */
  readonly animatorOps?: AnimatorOps;
  /** The board's I2C: class and default pins (ECMA-419 host provider). */
  readonly i2c: { readonly io: I2CClass; readonly data: number; readonly clock: number; readonly port?: number };
  /** Seeds the face's idle life (blinks, glances). */
  readonly seed: number;
  /** The host's ECMA-419 digital input class, for the touch pad (docs/sensors.md). */
  readonly digital?: DigitalClass;
}

/** What the Robot is built from. */
export interface RobotParts {
  readonly config: Config;
  readonly engine: EmotionEngine;
  readonly faces: FaceSource;
  /** Why the pack was not used, or "" when it was. */
  readonly packError: string;
  /** Why transitions crossfade instead of morphing, or "" when they morph. */
  readonly decoderError: string;
  readonly decoder: LatentDecoder | undefined;
  readonly animator: Animator;
  readonly display: SSD1306;
  /** Stimulus indices of the button's presses, in turn (empty: no button). */
  readonly buttonStimuli: readonly number[];
  /** Reflexes, sleep and sensor mapping (behaviour.json), or a table that does nothing. */
  readonly behaviour: Behaviour;
  /** The touch pad and IMU the config names and that answered. */
  readonly senses: Senses;
}

export function boot(inputs: BootInputs): RobotParts {
  const trace = inputs.trace;
  const parsed = parseConfig(inputs.config);
  for (const e of parsed.errors) trace(`moodface: ${e}\n`);
  const config = parsed.config;

  const json = (name: string): Json => {
    const t = inputs.text(name);
    if (t === undefined) throw new Error(`${name}: missing`);
    return JSON.parse(t) as Json;
  };
  const catalog = loadCatalog(json("stimuli.json"), "stimuli.json");
  const wheel = loadWheel(json("wheel.json"), "wheel.json", catalog.tags);

  const savedBytes = inputs.load();
  const saved = savedBytes ? decodeSaved(savedBytes) : undefined;
  if (savedBytes && !saved) trace("moodface: saved state unreadable; starting from the profile's resting levels\n");
  // The saved name is data from storage: it names a file only when it looks like a profile name.
  const savedProfile = saved && PROFILE_NAME.test(saved.profile) ? saved.profile : undefined;
  const wanted = config.profile || savedProfile || "default";
  const profile = (name: string): Profile => loadProfile(json(`${name}.json`), `${name}.json`);
  let chosen: Profile;
  try {
    chosen = profile(wanted);
  } catch (err) {
    trace(`moodface: profile "${wanted}" rejected: ${(err as Error).message}; using default\n`);
    chosen = profile("default");
  }
  const engine = new EmotionEngine(chosen, catalog, wheel);
  if (saved && saved.profile === engine.profile.name && !engine.restore(saved.levels)) trace("moodface: saved levels ignored (out of range)\n");

  let pack: Pack | undefined;
  let packError = "";
  const frames = inputs.resource("frames.bin");
  if (!frames) packError = "no frames.bin";
  else {
    const opened = openPack(frames, "frames.bin");
    if (opened.ok) pack = opened.pack;
    else packError = opened.error;
  }
  if (packError) trace(`moodface: ${packError}; showing the built-in faces\n`);
  const faces: FaceSource = pack ? new PackFaces(pack) : new FallbackFaces();

  const { decoder, error: decoderError } = openDecoder(inputs, pack);
  if (decoderError && pack && pack.modelLength > 0) trace(`moodface: decoder model rejected: ${decoderError}; transitions crossfade\n`);
  const animator = new Animator(faces, { seed: inputs.seed, decoder, ops: inputs.animatorOps });

  // A missing or flaky panel never stops the robot: update() retries by itself.
  const d = config.display;
  const display = new SSD1306({
    display: { io: inputs.i2c.io, data: inputs.i2c.data, clock: inputs.i2c.clock, port: inputs.i2c.port, address: d.address, hz: d.hz },
    height: d.height,
    flip: d.flip,
    contrast: d.contrast,
    frameOps: inputs.frameOps,
  });

  const buttonStimuli: number[] = [];
  if (config.button.pin >= 0) {
    for (const name of config.button.stimuli) {
      const i = catalog.names.indexOf(name);
      if (i >= 0) buttonStimuli.push(i);
      else trace(`moodface: config.button.stimuli: no stimulus "${name.slice(0, 40)}"; see stimuli.json\n`);
    }
  }

  // Behaviour on top of the mood (behaviour.json): a missing or bad table only loses the reflexes.
  let behaviour: Behaviour;
  try {
    behaviour = loadBehaviour(json("behaviour.json"), "behaviour.json", catalog);
  } catch (err) {
    trace(`moodface: ${(err as Error).message}; no reflexes, sleep or sensor stimuli\n`);
    behaviour = emptyBehaviour(catalog);
  }

  // Touch and motion (config.sensors): absent ones are skipped with one trace line each.
  const senses = new Senses({ config: config.sensors, i2c: inputs.i2c, hz: d.hz, digital: inputs.digital, trace });

  trace(`moodface: profile ${engine.profile.name}, ${catalog.names.length} stimuli, ${faces.count} keyframes, transitions ${decoder ? "morph through the latent decoder" : "crossfade"}\n`);
  return { config, engine, faces, packError, decoderError, decoder, animator, display, buttonStimuli, behaviour, senses };
}

/** The pack's decoder, opened and checked against the pack's latents, or why not. */
function openDecoder(inputs: BootInputs, pack: Pack | undefined): { decoder: LatentDecoder | undefined; error: string } {
  if (!pack) return { decoder: undefined, error: "no pack" };
  if (pack.modelLength === 0) return { decoder: undefined, error: "the pack has no decoder model" };
  if (!inputs.openDecoder) return { decoder: undefined, error: "this host runs no decoder" };
  let decoder: LatentDecoder;
  try {
    decoder = inputs.openDecoder(pack.bytes.subarray(pack.modelOffset, pack.modelOffset + pack.modelLength));
  } catch (err) {
    return { decoder: undefined, error: (err as Error).message };
  }
  const size = latentSize(pack);
  if (decoder.latentSize !== size) return { decoder: undefined, error: `the model takes ${decoder.latentSize} latent values, the pack's latents have ${size}` };
  const error = selfTest(decoder, pack);
  return error ? { decoder: undefined, error } : { decoder, error: "" };
}

/**
 * The boot self-test (docs/formats/pack.md, TEST): decodes the pack's fixed latent and compares the
 * frame's CRC-32 with the one the host's reference backend computed when it wrote the pack. A
 * miscompiled or mislinked decoder on a board draws garbage in every morph; this catches it the
 * first time it runs. Once at boot, so its two buffers are not a hot-path allocation.
 */
function selfTest(decoder: LatentDecoder, pack: Pack): string {
  const latent = new Int8Array(MAX_LATENT);
  const expected = readSelfTest(pack, latent);
  if (expected < 0) return "the pack carries no decoder self-test (TEST section); repack it with moodface pack";
  const frame = new Uint8Array(FRAME_BYTES);
  if (!decoder.decode(latent.subarray(0, latentSize(pack)), frame)) return "self-test: the decoder failed on the pack's test latent";
  const got = crc32(frame);
  if (got !== expected) return `self-test: the frame of the pack's test latent has CRC 0x${hex8(got)}, the host's was 0x${hex8(expected)} (decoder miscompiled or model bytes damaged)`;
  return "";
}

function hex8(v: number): string {
  return (v >>> 0).toString(16).padStart(8, "0");
}
