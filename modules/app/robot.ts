/*
 * The robot: every room wired together, independent of where it runs. main.ts gives it the
 * Moddable host (flash resources, Preference, the board's I2C); the simulator gives it a Node host
 * (files, a virtual bus). Both then call frame() on their own clock, so the simulator runs exactly
 * the firmware's wiring.
 */
import { EmotionEngine } from "../emotion/engine.js";
import { loadProfile, type Profile } from "../emotion/profile.js";
import { loadCatalog } from "../emotion/catalog.js";
import { loadWheel } from "../emotion/wheel.js";
import { EMOTIONS } from "../emotion/names.js";
import type { Json } from "../emotion/check.js";
import SSD1306, { type I2CClass } from "../display/ssd1306.js";
import { latentSize, openPack, type Pack } from "../pack/pack.js";
import type { LatentDecoder } from "../face/decoder.js";
import { FallbackFaces, PackFaces, type FaceSource } from "../face/faces.js";
import { Animator } from "../face/animator.js";
import { drawLevels } from "./levels-view.js";
import { decodeStimulus, encodeAck, encodeError, encodeState, newStimulusMessage } from "../link/codec.js";
import { decodeSaved, encodeSaved } from "./saved.js";

export interface RobotConfig {
  profile?: string;
  /** "face" (default) or "levels". */
  view?: string;
  seed?: number;
  display?: { address?: number; hz?: number; height?: number; flip?: boolean; contrast?: number };
}

export interface RobotHost {
  /** The board's I2C: class and default pins (ECMA-419 host provider). */
  readonly i2c: { readonly io: I2CClass; readonly data: number; readonly clock: number; readonly port?: number };
  /** A binary resource by name ("frames.bin"), or undefined when absent. */
  resource(name: string): ArrayBufferLike | undefined;
  /** A text data file by name ("stimuli.json", "default.json"), or undefined when absent. */
  text(name: string): string | undefined;
  /** The saved state, if any. */
  load(): Uint8Array | undefined;
  save(bytes: Uint8Array): void;
  trace(message: string): void;
  readonly config: RobotConfig;
  /** A latent decoder for the pack's model, or undefined where there is none (crossfades then). */
  decoder?(model: Uint8Array, latentSize: number): LatentDecoder | undefined;
}

export const FRAME_MS = 33;
export const SAVE_EVERY_MS = 30000;

export class Robot {
  readonly engine: EmotionEngine;
  readonly animator: Animator;
  readonly display: SSD1306;
  readonly faces: FaceSource;
  /** Why the pack was not used, or "" when it was. */
  readonly packError: string;
  /** The latent decoder morphing the transitions, if the pack has one and the host can run it. */
  readonly decoder: LatentDecoder | undefined;
  private readonly host: RobotHost;
  private readonly levelsFrame = new Uint8Array(1024);
  private readonly message = newStimulusMessage();
  private lastFrame = -1;
  private lastSave = 0;
  private shown = -1;
  private displayErrors = 0;

  constructor(host: RobotHost) {
    this.host = host;
    const catalog = loadCatalog(this.json("stimuli.json"), "stimuli.json");
    const wheel = loadWheel(this.json("wheel.json"), "wheel.json", catalog.tags);
    const saved = (() => {
      const b = host.load();
      return b ? decodeSaved(b) : undefined;
    })();
    const wanted = host.config.profile ?? saved?.profile ?? "default";
    this.engine = new EmotionEngine(this.profile(wanted), catalog, wheel);
    if (saved && saved.profile === this.engine.profile.name && !this.engine.restore(saved.levels)) host.trace("moodface: saved levels ignored (out of range)\n");

    const frames = host.resource("frames.bin");
    let faces: FaceSource;
    let pack: Pack | undefined;
    let packError = "";
    if (!frames) {
      packError = "no frames.bin";
      faces = new FallbackFaces();
    } else {
      const opened = openPack(frames, "frames.bin");
      if (opened.ok) {
        pack = opened.pack;
        faces = new PackFaces(pack);
      } else {
        packError = opened.error;
        faces = new FallbackFaces();
      }
    }
    if (packError) host.trace(`moodface: ${packError}; showing the built-in faces\n`);
    this.faces = faces;
    this.packError = packError;
    this.decoder = this.makeDecoder(pack);
    this.animator = new Animator(faces, { seed: host.config.seed ?? 1, decoder: this.decoder });

    // A missing or flaky panel never stops the robot: update() retries by itself.
    const d = host.config.display ?? {};
    this.display = new SSD1306({
      display: { io: host.i2c.io, data: host.i2c.data, clock: host.i2c.clock, port: host.i2c.port, address: d.address ?? 0x3c, hz: d.hz ?? 400000 },
      height: d.height ?? 64,
      flip: d.flip ?? false,
      contrast: d.contrast ?? 0xcf,
    });
    host.trace(`moodface: profile ${this.engine.profile.name}, ${catalog.names.length} stimuli, ${faces.count} keyframes, transitions ${this.decoder ? "morph through the latent decoder" : "crossfade"}\n`);
  }

  private makeDecoder(pack: Pack | undefined): LatentDecoder | undefined {
    if (!pack || pack.modelLength === 0 || !this.host.decoder) return undefined;
    try {
      return this.host.decoder(pack.bytes.subarray(pack.modelOffset, pack.modelOffset + pack.modelLength), latentSize(pack));
    } catch (err) {
      // Bad model bytes: say so and keep crossfading.
      this.host.trace(`moodface: decoder model rejected: ${(err as Error).message}; transitions crossfade\n`);
      return undefined;
    }
  }

  /** Advances everything to time `now` (ms) and puts the frame on the panel. */
  frame(now: number): Uint8Array {
    if (this.lastFrame >= 0) this.engine.step(now - this.lastFrame);
    this.lastFrame = now;
    const s = this.engine.state;
    if (s.dominant !== this.shown) {
      this.shown = s.dominant;
      this.host.trace(`moodface: ${EMOTIONS[s.dominant]} (${this.engine.wheel.words[s.nuance]})\n`);
    }
    let frame: Uint8Array;
    if (this.host.config.view === "levels") {
      drawLevels(this.levelsFrame, s);
      frame = this.levelsFrame;
    } else {
      frame = this.animator.update(now, s);
    }
    this.display.update(frame);
    const ds = this.display.status;
    if (ds.errors !== this.displayErrors) {
      this.displayErrors = ds.errors;
      this.host.trace(`moodface: display ${ds.online ? "online" : "offline"}: ${ds.lastError}\n`);
    }
    if (now - this.lastSave >= SAVE_EVERY_MS) this.save(now);
    return frame;
  }

  /** Writes the saved state now (also done every 30 s by frame()). */
  save(now: number): void {
    this.lastSave = now;
    this.host.save(encodeSaved(this.engine.profile.name, this.engine.state.levels));
  }

  /**
   * Handles one message from an app (BLE write or WebSocket). Writes the reply (ACK or ERROR) into
   * `reply` and returns its length. A rejected message changes nothing.
   */
  receive(bytes: Uint8Array, length: number, reply: Uint8Array): number {
    const m = this.message;
    const e = this.engine;
    const code = decodeStimulus(bytes, length, e.catalog.names.length, e.catalog.tags.length, m);
    if (code !== 0) return encodeError(reply, code, m.errorAt);
    e.stimulate(m.stimulus, m.intensity, m.tags, m.tagCount);
    return encodeAck(reply, m.stimulus);
  }

  /** The STATE notification for apps. */
  state(out: Uint8Array): number {
    return encodeState(out, this.engine.state);
  }

  /** Switches to a shipped profile by name; false (and nothing changes) if it is missing or bad. */
  setProfile(name: string): boolean {
    try {
      this.engine.setProfile(this.profileFile(name));
      return true;
    } catch (err) {
      this.host.trace(`moodface: profile "${name}" rejected: ${(err as Error).message}\n`);
      return false;
    }
  }

  private profile(name: string): Profile {
    try {
      return this.profileFile(name);
    } catch (err) {
      // A bad or missing profile must not brick the robot: report it and run the default.
      this.host.trace(`moodface: profile "${name}" rejected: ${(err as Error).message}; using default\n`);
      return this.profileFile("default");
    }
  }

  private profileFile(name: string): Profile {
    return loadProfile(this.json(`${name}.json`), `${name}.json`);
  }

  private json(name: string): Json {
    const t = this.host.text(name);
    if (t === undefined) throw new Error(`${name}: missing`);
    return JSON.parse(t) as Json;
  }
}
