/*
 * The robot's one runtime: the parts the boot stage (boot.ts) made ready, wired together, and the
 * one loop that runs them, independent of where it runs. main.ts gives it the Moddable host (flash,
 * Preference, the board's I2C, BLE); the simulator a Node host (files, a virtual bus, WebSocket
 * clients). Both only call tick(now) every tickMs with their own clock, so the simulator runs
 * exactly the firmware's loop:
 *
 *   tick(now): sensors due at now (touch, IMU) -> stimuli
 *              each link's service(now) (STATE notifications) -> the passkey to show, or -1
 *              a frame when one is due: engine.step, reactions, the face or the passkey, the panel
 *              EVENT messages for the stimuli that settled (what each did, a second later)
 *              the saved state when SAVE_EVERY_MS have passed
 *
 * Links (BLE, the simulator's WebSocket) hand over decoded, checked stimuli (apply()), never bytes.
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
import { encodeState, EVENT_BYTES, ERR_PROFILE, type StimulusMessage } from "../link/codec.js";
import { loadProfile } from "../emotion/profile.js";
import type { Json } from "../emotion/check.js";
import { EventTracker } from "./events.js";
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

/**
 * A transport the runtime serves every frame: the BLE adapter on the board, the simulator's
 * WebSocket sessions. It sends what is due (STATE notifications) and says which passkey to draw full
 * screen while a peer pairs (0..999999), or -1.
 */
export interface RobotLink {
  service(now: number): number;
  /** An EVENT message (modules/app/events.ts): what a stimulus did, for the peers' event logs. */
  event?(bytes: Uint8Array, length: number): void;
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
  /** How often hosts call tick() (ms): the frame period, or the IMU's when it is shorter. */
  readonly tickMs: number;
  /** Called after every stimulus applied (link, button, sensors) with what the face did (DID_*): the simulator's event log. */
  onStimulus: ((stimulus: number, intensity: number, reaction: number) => void) | undefined;
  private readonly host: RobotHost;
  private readonly buttonStimuli: readonly number[];
  private readonly viewFrame = new Uint8Array(FRAME_BYTES);
  private readonly glassFrame = new Uint8Array(FRAME_BYTES);
  private readonly links: RobotLink[] = [];
  private readonly events = new EventTracker();
  private readonly eventBytes = new Uint8Array(EVENT_BYTES);
  /** The emotions as of the last frame: "before" for a stimulus that lands now (the engine's readout already shows it). */
  private readonly shownProbabilities: Int32Array;
  private shownDominant: number;
  private lastFrame = -1;
  private nextFrame = 0;
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
    this.tickMs = this.senses.imu && this.senses.periodMs < FRAME_MS ? this.senses.periodMs : FRAME_MS;
    this.shownProbabilities = Int32Array.from(this.engine.state.probabilities);
    this.shownDominant = this.engine.state.dominant;
  }

  /** Serves `link` from the next tick on (at start-up: nothing is allocated per tick). */
  attach(link: RobotLink): void {
    this.links.push(link);
  }

  /**
   * The one loop, called by the host every tickMs with its clock (ms): the sensors due, the links'
   * service, a frame when FRAME_MS have passed since the last one's slot, and the save when due.
   * Returns true when it drew a frame.
   */
  tick(now: number): boolean {
    this.poll(now);
    if (this.lastFrame >= 0 && ((now - this.nextFrame) | 0) < 0) return false;
    let passkey = -1;
    for (let i = 0; i < this.links.length; i++) {
      const p = this.links[i].service(now);
      if (p >= 0) passkey = p;
    }
    this.passkey = passkey >= 0 && passkey <= 999999 ? passkey | 0 : -1;
    this.frame(now);
    const state = this.engine.state;
    for (let n = this.events.next(now, state, this.eventBytes); n > 0; n = this.events.next(now, state, this.eventBytes)) {
      for (let i = 0; i < this.links.length; i++) {
        const l = this.links[i];
        if (l.event) l.event(this.eventBytes, n);
      }
    }
    this.shownProbabilities.set(state.probabilities);
    this.shownDominant = state.dominant;
    // The next slot from this one, not from now: ticks every 20 ms still give 30 frames a second;
    // a host that fell behind a whole frame starts again from now (no burst of catch-up frames).
    this.nextFrame = (this.nextFrame + FRAME_MS) | 0;
    if (((now - this.nextFrame) | 0) >= 0) this.nextFrame = (now + FRAME_MS) | 0;
    // After the frame's work: a flash write can take milliseconds, never inside a frame's budget.
    this.saveIfDue(now);
    return true;
  }

  /** Reads the sensors due at `now` and gives each sensor event its stimulus from the behaviour table. */
  private poll(now: number): void {
    const t = this.reactions.table;
    for (let ev = this.senses.poll(now); ev >= 0; ev = this.senses.poll(now)) {
      const s = t.sensorStimulus[ev];
      if (s < 0) continue;
      this.sense(s, t.sensorIntensity[ev]);
      this.host.trace(`moodface: ${SENSOR_EVENTS[ev]}: ${this.engine.catalog.names[s]}\n`);
    }
  }

  /**
   * Advances everything to time `now` (ms, the host's clock) and puts the frame on the panel, with
   * the passkey the links asked for at the last tick. tick() calls it; returns the frame drawn.
   */
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

  /** Saves the mood when SAVE_EVERY_MS have passed since the last save. */
  private saveIfDue(now: number): void {
    if (now - this.lastSave >= SAVE_EVERY_MS) this.save(now);
  }

  /** Writes the saved state now (the store skips it when nothing changed); hosts call it on the way out. */
  save(now: number): void {
    this.lastSave = now;
    this.host.save(encodeSaved(this.engine.profile.name, this.engine.state.levels));
  }

  /** Stimuli in the catalog and tags in its vocabulary: what a link's STIMULUS may name (link/session.ts checks). */
  get stimulusCount(): number {
    return this.engine.catalog.names.length;
  }

  get tagCount(): number {
    return this.engine.catalog.tags.length;
  }

  /** A stimulus from an app, decoded and checked by its link's session (never bytes). */
  apply(m: StimulusMessage): void {
    this.engine.stimulate(m.stimulus, m.intensity, m.tags, m.tagCount);
    this.react(m.stimulus, m.intensity, m.direction);
  }

  /** The robot's appraisal of the stimulus applied last (EmotionState bits): the session puts it in the ACK. */
  get served(): number {
    return this.engine.state.served;
  }

  get violated(): number {
    return this.engine.state.violated;
  }

  /**
   * A PROFILE message the session checked (paired peer, well-formed name): loads that profile from
   * the host's data files (the same files boot reads), switches to it keeping the current levels,
   * and saves at once, so the choice survives a power cut. Returns 0, or ERR_PROFILE when the robot
   * has no valid profile of that name (nothing changes). Not per frame: loading allocates.
   */
  switchProfile(name: string): number {
    const text = this.host.text(`${name}.json`);
    if (text === undefined) return ERR_PROFILE;
    let profile;
    try {
      profile = loadProfile(JSON.parse(text) as Json, `${name}.json`);
    } catch (err) {
      this.host.trace(`moodface: profile "${name}" rejected: ${(err as Error).message}\n`);
      return ERR_PROFILE;
    }
    this.engine.setProfile(profile);
    this.save(this.lastFrame < 0 ? 0 : this.lastFrame);
    this.host.trace(`moodface: profile ${profile.name}\n`);
    return 0;
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
    const did = this.reactions.stimulus(stimulus, intensity, now, direction >= 0, g, 0);
    this.events.start(now, stimulus, intensity, did, this.animator.reflexing, this.shownProbabilities, this.shownDominant, this.engine.state.served, this.engine.state.violated);
    if (this.onStimulus) this.onStimulus(stimulus, intensity, did);
  }

  /** The STATE notification for apps. */
  state(out: Uint8Array): number {
    return encodeState(out, this.engine.state);
  }
}
