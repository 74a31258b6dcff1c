/*
 * Behaviour on top of the mood: the table that says which stimulus starts which reflex, when the
 * robot falls asleep and what wakes it, and which stimulus each sensor event gives
 * (modules/emotion/data/behaviour.json, docs/formats/behaviour.md), and the small state machine that
 * plays it on the animator. The loader runs once at boot (plain objects and exceptions are fine
 * there); Reactions works on the compiled typed arrays, allocation-free.
 */
import { Checker, type Json } from "../emotion/check.js";
import type { Catalog } from "../emotion/catalog.js";
import { toFixed, ONE } from "../emotion/fixed.js";
import { CHANNELS } from "../emotion/names.js";
import type { EmotionState } from "../emotion/engine.js";
import { NO_REFLEX, REFLEXES } from "../face/reflexes.js";
import { SACCADE_MAX_X, type Animator } from "../face/animator.js";
import { SENSOR_EVENTS } from "../sensors/events.js";

export const BEHAVIOUR_FORMAT = "moodface-behaviour";
export const BEHAVIOUR_VERSION = 1;
/** Sensor events, in index order: the sensors' list (modules/sensors/events.ts). */
export { SENSOR_EVENTS };
export const IDLE_MS_MIN = 10000;
export const IDLE_MS_MAX = 86400000;
export const LIST_MAX = 16;
/** Arousal is the higher of these two levels (fractions of capacity). */
const NORADRENALINE = CHANNELS.indexOf("noradrenaline");
const ADRENALINE = CHANNELS.indexOf("adrenaline");

export interface Behaviour {
  /** Per stimulus: its reflex (REFLEXES index) or -1. */
  readonly reflexOf: Int8Array;
  /** Per stimulus: the Q8.24 intensity below which its reflex does not fire. */
  readonly reflexMin: Int32Array;
  /** Per stimulus: 1 when it puts the robot to sleep. */
  readonly sleeps: Uint8Array;
  /** Per stimulus: 1 when it wakes the robot. */
  readonly wakes: Uint8Array;
  /** No stimulus for this long with arousal below arousalBelow: asleep. 0: never. */
  readonly idleMs: number;
  /** Q8.24. */
  readonly arousalBelow: number;
  /** The reflex played on waking, or -1. */
  readonly wakeReflex: number;
  /** Per SENSOR_EVENTS: stimulus index or -1, and its Q8.24 intensity. */
  readonly sensorStimulus: Int16Array;
  readonly sensorIntensity: Int32Array;
}

/** Checks and compiles a behaviour table against the catalog. Throws a DataError naming the field. */
export function loadBehaviour(doc: Json, source: string, catalog: Catalog): Behaviour {
  const c = new Checker(source);
  const o = c.header(doc, BEHAVIOUR_FORMAT, BEHAVIOUR_VERSION);
  c.keys(o, "", ["format", "version", "description", "reflexes", "sleep", "sensors"]);
  if (o.description !== undefined) c.string(o.description, "description");
  const n = catalog.names.length;
  const reflexOf = new Int8Array(n).fill(NO_REFLEX);
  const reflexMin = new Int32Array(n);
  const r = c.object(o.reflexes, "reflexes");
  for (const name in r) {
    const f = `reflexes.${name}`;
    const s = catalog.names.indexOf(name);
    if (s < 0) c.fail(f, `no stimulus "${name}" in the catalog (stimuli.json)`);
    const e = c.object(r[name], f);
    c.keys(e, f, ["reflex", "min"]);
    reflexOf[s] = c.oneOf(e.reflex, `${f}.reflex`, REFLEXES);
    if (e.min !== undefined) reflexMin[s] = toFixed(c.number(e.min, `${f}.min`, 0, 1));
  }

  const sl = c.object(o.sleep, "sleep");
  c.keys(sl, "sleep", ["stimuli", "idleMs", "arousalBelow", "wake", "wakeReflex"]);
  const names = (v: Json, f: string): Uint8Array => {
    const list = c.array(v, f);
    if (list.length > LIST_MAX) c.fail(f, `at most ${LIST_MAX} names, got ${list.length}`);
    const out = new Uint8Array(n);
    for (let i = 0; i < list.length; i++) {
      const s = c.string(list[i], `${f}[${i}]`);
      const k = catalog.names.indexOf(s);
      if (k < 0) c.fail(`${f}[${i}]`, `no stimulus "${s}" in the catalog (stimuli.json)`);
      if (out[k]) c.fail(`${f}[${i}]`, `"${s}" is listed twice`);
      out[k] = 1;
    }
    return out;
  };
  const sleeps = names(sl.stimuli, "sleep.stimuli");
  const wakes = names(sl.wake, "sleep.wake");
  for (let k = 0; k < n; k++) if (sleeps[k] && wakes[k]) c.fail("sleep.wake", `"${catalog.names[k]}" both puts the robot to sleep and wakes it`);
  const idleMs = c.integer(sl.idleMs, "sleep.idleMs", 0, IDLE_MS_MAX);
  if (idleMs !== 0 && idleMs < IDLE_MS_MIN) c.fail("sleep.idleMs", `${idleMs} is too short (0 for never, or ${IDLE_MS_MIN} to ${IDLE_MS_MAX})`);
  const arousalBelow = toFixed(c.number(sl.arousalBelow, "sleep.arousalBelow", 0, 1));
  const wakeReflex = sl.wakeReflex === undefined ? NO_REFLEX : c.oneOf(sl.wakeReflex, "sleep.wakeReflex", REFLEXES);

  const se = c.object(o.sensors, "sensors");
  c.keys(se, "sensors", SENSOR_EVENTS);
  const sensorStimulus = new Int16Array(SENSOR_EVENTS.length).fill(-1);
  const sensorIntensity = new Int32Array(SENSOR_EVENTS.length);
  for (let i = 0; i < SENSOR_EVENTS.length; i++) {
    const v = se[SENSOR_EVENTS[i]];
    if (v === undefined) continue;
    const f = `sensors.${SENSOR_EVENTS[i]}`;
    const e = c.object(v, f);
    c.keys(e, f, ["stimulus", "intensity"]);
    sensorStimulus[i] = c.oneOf(e.stimulus, `${f}.stimulus`, catalog.names);
    sensorIntensity[i] = toFixed(c.number(e.intensity, `${f}.intensity`, 0, 1, true));
  }
  return { reflexOf, reflexMin, sleeps, wakes, idleMs, arousalBelow, wakeReflex, sensorStimulus, sensorIntensity };
}

/** A table that does nothing: the robot still runs when behaviour.json is missing or rejected. */
export function emptyBehaviour(catalog: Catalog): Behaviour {
  const n = catalog.names.length;
  return {
    reflexOf: new Int8Array(n).fill(NO_REFLEX), reflexMin: new Int32Array(n), sleeps: new Uint8Array(n), wakes: new Uint8Array(n),
    idleMs: 0, arousalBelow: 0, wakeReflex: NO_REFLEX,
    sensorStimulus: new Int16Array(SENSOR_EVENTS.length).fill(-1), sensorIntensity: new Int32Array(SENSOR_EVENTS.length),
  };
}

/**
 * Where the eyes turn for a stimulus from `direction` (0..255, 256ths of a turn clockwise from
 * straight ahead as the robot sees it: 64 its right, 192 its left): the glance range times the
 * sine, by a triangle. The robot's right is the viewer's left, so its eyes move left on the glass.
 * Straight behind leaves them centred.
 */
export function gazeOf(direction: number): number {
  const a = direction & 255;
  const tri = a <= 64 ? a : a <= 192 ? 128 - a : a - 256; // -64..64
  const x = (Math.imul(tri < 0 ? -tri : tri, SACCADE_MAX_X) + 32) >> 6;
  return tri > 0 ? -x : x;
}

/** What the last stimulus did to the face, for traces and tests. */
export const DID_NOTHING = 0;
export const DID_REFLEX = 1;
export const DID_SLEEP = 2;
export const DID_WAKE = 3;

/**
 * Plays the table on the animator: reflexes at a stimulus's onset, sleep on a sleep stimulus or
 * after idleMs without any stimulus while arousal is low, waking (with wakeReflex) on a wake
 * stimulus, and a look toward where a stimulus came from. Asleep, other stimuli still move the
 * mood but the face sleeps on.
 */
export class Reactions {
  readonly table: Behaviour;
  private readonly animator: Animator;
  private lastStimulus = 0;
  private started = false;

  constructor(table: Behaviour, animator: Animator) {
    this.table = table;
    this.animator = animator;
  }

  get asleep(): boolean {
    return this.animator.asleep;
  }

  /**
   * A stimulus arrived at `now` (the robot's clock) with Q8.24 `intensity`; `gazeX` and `gazeY`,
   * when `look` is true, are where the eyes should turn (px). Returns DID_*.
   */
  stimulus(index: number, intensity: number, now: number, look = false, gazeX = 0, gazeY = 0): number {
    const t = this.table;
    const a = this.animator;
    this.lastStimulus = now;
    this.started = true;
    if (t.sleeps[index]) {
      if (!a.asleep) {
        a.sleep(true);
        return DID_SLEEP;
      }
      return DID_NOTHING;
    }
    if (a.asleep) {
      if (!t.wakes[index]) return DID_NOTHING;
      a.sleep(false);
      if (t.wakeReflex >= 0) a.reflex(t.wakeReflex, now);
      if (look) a.look(gazeX, gazeY, now);
      return DID_WAKE;
    }
    if (look) a.look(gazeX, gazeY, now);
    const r = t.reflexOf[index];
    if (r >= 0 && intensity >= t.reflexMin[index] && intensity > 0) {
      a.reflex(r, now);
      return DID_REFLEX;
    }
    return DID_NOTHING;
  }

  /** Every frame: falls asleep after idleMs without stimuli while arousal stays low. */
  tick(now: number, state: EmotionState): void {
    if (!this.started) {
      this.started = true;
      this.lastStimulus = now;
    }
    const t = this.table;
    if (t.idleMs === 0 || this.animator.asleep || now - this.lastStimulus < t.idleMs) return;
    const lv = state.levels;
    const arousal = lv[NORADRENALINE] > lv[ADRENALINE] ? lv[NORADRENALINE] : lv[ADRENALINE];
    if (arousal < t.arousalBelow && arousal <= ONE) this.animator.sleep(true);
  }
}
