/*
 * The robot: the parts the boot stage (boot.ts) made ready, wired together, independent of where
 * it runs. main.ts gives it the Moddable host (flash, Preference, the board's I2C); the simulator a
 * Node host (files, a virtual bus). Both call frame() with their own clock, so the simulator runs
 * exactly the firmware's wiring.
 */
import { EMOTIONS } from "../emotion/names.js";
import { ONE } from "../emotion/fixed.js";
import type { EmotionEngine } from "../emotion/engine.js";
import type SSD1306 from "../display/ssd1306.js";
import type { LatentDecoder } from "../face/decoder.js";
import type { FaceSource } from "../face/faces.js";
import type { Animator } from "../face/animator.js";
import { halveRows } from "../face/raster.js";
import { FRAME_BYTES } from "../common/geometry.js";
import { decodeStimulus, encodeAck, encodeDone, encodeError, encodeState, newStimulusMessage, profileName, ERR_PROFILE, MSG_PROFILE } from "../link/codec.js";
import { loadProfile } from "../emotion/profile.js";
import type { Json } from "../emotion/check.js";
import { drawLevels } from "./levels-view.js";
import { drawPasskey } from "../face/passkey.js";
import { boot, type BootInputs, type RobotParts } from "./boot.js";
import type { Config } from "./config.js";
import { encodeSaved } from "./saved.js";
import { Reactions, SENSOR_EVENTS, gazeOf } from "./behaviour.js";
import type { Senses } from "../sensors/senses.js";

export interface RobotHost extends BootInputs {
  save(bytes: Uint8Array): void;
}

/** The frame period both hosts aim for (about 30 fps). */
export const FRAME_MS = 33;
export const SAVE_EVERY_MS = 30000;
/** The longest step the engine takes at once: a late timer or a debugger pause must not jump the mood (Vector clamps its time steps too). */
export const MAX_STEP_MS = 250;
/** A display that keeps failing is reported at most this often. */
export const TRACE_EVERY_MS = 10000;

export class Robot {
  readonly config: Config;
  readonly engine: EmotionEngine;
  readonly animator: Animator;
  readonly display: SSD1306;
  readonly faces: FaceSource;
  /** Why the pack was not used, or "" when it was. */
  readonly packError: string;
  /** The latent decoder morphing the transitions, if the pack has one and the host can run it. */
  readonly decoder: LatentDecoder | undefined;
  /** Reflexes, sleep and looks (behaviour.json) played on the animator. */
  readonly reactions: Reactions;
  /** The touch pad and IMU (config.sensors); poll() reads them. */
  readonly senses: Senses;
  /** What the last stimulus did to the face (behaviour.ts DID_*). */
  lastReaction = 0;
  /** Called after every stimulus applied (link, button, sensors) with what the face did (DID_*): the simulator's event log. */
  onStimulus: ((stimulus: number, intensity: number, reaction: number) => void) | undefined;
  private readonly host: RobotHost;
  private readonly buttonStimuli: readonly number[];
  private readonly viewFrame = new Uint8Array(FRAME_BYTES);
  private readonly glassFrame = new Uint8Array(FRAME_BYTES);
  private readonly message = newStimulusMessage();
  private lastFrame = -1;
  private lastSave = 0;
  private shown = -1;
  private displayErrors = 0;
  private lastDisplayTrace = -TRACE_EVERY_MS;
  private presses = 0;
  private passkey = -1;

  constructor(host: RobotHost, parts: RobotParts = boot(host)) {
    this.host = host;
    this.config = parts.config;
    this.engine = parts.engine;
    this.faces = parts.faces;
    this.packError = parts.packError;
    this.decoder = parts.decoder;
    this.animator = parts.animator;
    this.display = parts.display;
    this.buttonStimuli = parts.buttonStimuli;
    this.reactions = new Reactions(parts.behaviour, parts.animator);
    this.senses = parts.senses;
  }

  /**
   * Reads the sensors due at `now` (the host's clock: main.ts and the simulator call it every
   * senses.periodMs) and gives each sensor event its stimulus from the behaviour table.
   */
  poll(now: number): void {
    const t = this.reactions.table;
    for (let ev = this.senses.poll(now); ev >= 0; ev = this.senses.poll(now)) {
      const s = t.sensorStimulus[ev];
      if (s < 0) continue;
      this.sense(s, t.sensorIntensity[ev]);
      this.host.trace(`moodface: ${SENSOR_EVENTS[ev]}: ${this.engine.catalog.names[s]}\n`);
    }
  }

  /** Advances everything to time `now` (ms, the host's clock) and puts the frame on the panel. */
  frame(now: number): Uint8Array {
    if (this.lastFrame >= 0) {
      const dt = now - this.lastFrame;
      this.engine.step(dt < 0 ? 0 : dt > MAX_STEP_MS ? MAX_STEP_MS : dt);
    }
    this.lastFrame = now;
    const s = this.engine.state;
    if (s.dominant !== this.shown) {
      this.shown = s.dominant;
      this.host.trace(`moodface: ${EMOTIONS[s.dominant]} (${this.engine.wheel.words[s.nuance]})\n`);
    }
    let frame: Uint8Array;
    if (this.passkey >= 0) {
      // Pairing: the six digits full screen, in place of the face, until pairing ends.
      drawPasskey(this.viewFrame, this.passkey);
      frame = this.viewFrame;
    } else if (this.config.view === "levels") {
      drawLevels(this.viewFrame, s);
      frame = this.viewFrame;
    } else {
      this.reactions.tick(now, s);
      frame = this.animator.update(now, s);
    }
    if (this.display.height < 64) {
      halveRows(frame, this.glassFrame);
      this.display.update(this.glassFrame);
    } else this.display.update(frame);
    const ds = this.display.status;
    if (ds.errors !== this.displayErrors && now - this.lastDisplayTrace >= TRACE_EVERY_MS) {
      this.host.trace(`moodface: display ${ds.online ? "online" : "offline"}: ${ds.lastError} (${ds.errors - this.displayErrors} errors)\n`);
      this.displayErrors = ds.errors;
      this.lastDisplayTrace = now;
    }
    return frame;
  }

  /** Shows a pairing passkey (0..999999) full screen from the next frame on, or the face again (-1). */
  showPasskey(passkey: number): void {
    this.passkey = passkey >= 0 && passkey <= 999999 ? passkey | 0 : -1;
  }

  /**
   * Saves the mood when SAVE_EVERY_MS have passed since the last save; true when it saved. Hosts call
   * it from their own slower timer, outside the frame's budget (a flash write can take milliseconds).
   */
  saveIfDue(now: number): boolean {
    if (now - this.lastSave < SAVE_EVERY_MS) return false;
    this.save(now);
    return true;
  }

  /** Writes the saved state now (the store skips it when nothing changed). */
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
    this.react(m.stimulus, m.intensity, m.direction);
    // The robot's own appraisal goes back with the ACK, so apps say why without guessing.
    return encodeAck(reply, m.stimulus, e.state.served, e.state.violated);
  }

  /**
   * A PROFILE message the session checked (paired peer, well-formed name): loads that profile from
   * the host's data files (the same files boot reads), switches to it keeping the current levels,
   * and saves at once, so the choice survives a power cut. A name the robot has no valid profile for
   * gets ERROR "unknown profile" (byte 3) and nothing changes. Not per frame: loading allocates.
   */
  switchProfile(bytes: Uint8Array, _length: number, reply: Uint8Array): number {
    const name = profileName(bytes);
    const text = this.host.text(`${name}.json`);
    if (text === undefined) return encodeError(reply, ERR_PROFILE, 3);
    let profile;
    try {
      profile = loadProfile(JSON.parse(text) as Json, `${name}.json`);
    } catch (err) {
      this.host.trace(`moodface: profile "${name}" rejected: ${(err as Error).message}\n`);
      return encodeError(reply, ERR_PROFILE, 3);
    }
    this.engine.setProfile(profile);
    this.save(this.lastFrame < 0 ? 0 : this.lastFrame);
    this.host.trace(`moodface: profile ${profile.name}\n`);
    return encodeDone(reply, MSG_PROFILE);
  }

  /** The button was pressed: the next of its stimuli, at full intensity. Returns its index, or -1 without a button. */
  press(): number {
    const list = this.buttonStimuli;
    if (list.length === 0) return -1;
    const s = list[this.presses++ % list.length];
    this.engine.stimulate(s, ONE);
    this.react(s, ONE, -1);
    this.host.trace(`moodface: button: ${this.engine.catalog.names[s]}\n`);
    return s;
  }

  /** A stimulus from the robot's own senses (modules/sensors), Q8.24 intensity. */
  sense(stimulus: number, intensity: number): void {
    if (this.engine.stimulate(stimulus, intensity)) this.react(stimulus, intensity, -1);
  }

  /** The face's answer to a stimulus just applied: reflex, sleep or waking, a look toward its direction (0..255, or -1). */
  private react(stimulus: number, intensity: number, direction: number): void {
    const now = this.lastFrame < 0 ? 0 : this.lastFrame;
    const g = direction >= 0 ? gazeOf(direction) : 0;
    this.lastReaction = this.reactions.stimulus(stimulus, intensity, now, direction >= 0, g, 0);
    if (this.onStimulus) this.onStimulus(stimulus, intensity, this.lastReaction);
  }

  /** The STATE notification for apps. */
  state(out: Uint8Array): number {
    return encodeState(out, this.engine.state);
  }
}
