/*
 * Gestures from a stream of motion samples (modules/sensors/mpu6050.ts), integer-only and
 * allocation-free: pick-up, shake, fall and tilt, each reported once at its onset. Thresholds are
 * in mg and degrees per second, times in ms from the samples' own clock, so the detector runs the
 * same at any poll rate from 25 Hz up. The robot is assumed upright at rest (z up).
 *
 * - fall: |a| below 350 mg (free fall) for 80 ms.
 * - shake: |a| beyond 1.6 g three times within 800 ms, each swing at least 60 ms from the last.
 * - pick-up: after 1 s at rest (|a| within 1 g +-80 mg, rotation under 20 dps), |a| leaves
 *   1 g +-150 mg or the rotation passes 20 dps, and 120 ms later it is still upright and neither a
 *   shake nor a fall.
 * - tilt: the z axis more than about 35 degrees from vertical (az below 0.82 |a|) for 250 ms; again
 *   only after it came back upright.
 * After any event the detector is quiet for 1 s, so one shake is one stimulus.
 */
import type { MotionSample } from "./mpu6050.js";
import { MOTION_FALL, MOTION_NONE, MOTION_PICKUP, MOTION_SHAKE, MOTION_TILT } from "./events.js";

// The gestures are sensor events (./events.ts, the one list); re-exported for the motion tests.
export { MOTION_FALL, MOTION_NONE, MOTION_PICKUP, MOTION_SHAKE, MOTION_TILT };

const FREE_FALL_MG = 350;
const FALL_MS = 80;
const SHAKE_MG = 1600;
const SHAKE_SWINGS = 3;
const SHAKE_WINDOW_MS = 800;
const SWING_GAP_MS = 60;
const REST_MG = 80;
const REST_DPS = 20;
const REST_MS = 1000;
const MOVE_MG = 150;
const PICKUP_CONFIRM_MS = 120;
/** cos 35 degrees as 1/1024: az * 1024 < TILT_COS * |a| means tilted. */
const TILT_COS = 839;
const TILT_MS = 250;
const QUIET_MS = 1000;

export class MotionDetector {
  private restSince = -1;
  private lowSince = -1;
  private tiltSince = -1;
  private tilted = false;
  private quietUntil = -1;
  private pickupAt = -1;
  private swings = 0;
  private firstSwing = 0;
  private lastSwing = -SWING_GAP_MS;
  private started = false;

  /** Feeds one sample taken at `now` (ms); returns the gesture that began, or MOTION_NONE. */
  feed(s: MotionSample, now: number): number {
    if (!this.started) {
      this.started = true;
      this.restSince = now;
    }
    const m = magnitude(s.ax, s.ay, s.az);
    const rot = abs(s.gx) + abs(s.gy) + abs(s.gz);
    // Free fall.
    if (m < FREE_FALL_MG) {
      if (this.lowSince < 0) this.lowSince = now;
    } else this.lowSince = -1;
    // Swings of a shake.
    if (m > SHAKE_MG && now - this.lastSwing >= SWING_GAP_MS) {
      if (now - this.firstSwing > SHAKE_WINDOW_MS) {
        this.swings = 0;
        this.firstSwing = now;
      }
      this.swings++;
      this.lastSwing = now;
    }
    // Tilt.
    const upright = s.az * 1024 >= Math.imul(TILT_COS, m);
    if (!upright && m > FREE_FALL_MG) {
      if (this.tiltSince < 0) this.tiltSince = now;
    } else {
      this.tiltSince = -1;
      if (upright) this.tilted = false;
    }
    const still = abs(m - 1000) <= REST_MG && rot < REST_DPS;
    const moved = abs(m - 1000) > MOVE_MG || rot >= REST_DPS;
    const rested = this.restSince >= 0 && now - this.restSince >= REST_MS;
    if (still) {
      if (this.restSince < 0) this.restSince = now;
    } else this.restSince = -1;

    if (now < this.quietUntil) {
      // Quiet after an event: what happens now belongs to it (the rest of a shake, the landing).
      this.swings = 0;
      this.pickupAt = -1;
      return MOTION_NONE;
    }
    if (this.lowSince >= 0 && now - this.lowSince >= FALL_MS) return this.fire(MOTION_FALL, now);
    if (this.swings >= SHAKE_SWINGS) return this.fire(MOTION_SHAKE, now);
    if (!this.tilted && this.tiltSince >= 0 && now - this.tiltSince >= TILT_MS) {
      this.tilted = true;
      return this.fire(MOTION_TILT, now);
    }
    if (this.pickupAt >= 0) {
      if (now - this.pickupAt >= PICKUP_CONFIRM_MS && this.lowSince < 0 && this.swings < 2 && upright) return this.fire(MOTION_PICKUP, now);
    } else if (rested && moved) this.pickupAt = now;
    return MOTION_NONE;
  }

  private fire(event: number, now: number): number {
    this.quietUntil = now + QUIET_MS;
    this.pickupAt = -1;
    this.swings = 0;
    this.lowSince = -1;
    this.restSince = -1;
    return event;
  }
}

function abs(x: number): number {
  return x < 0 ? -x : x;
}

/** |(x, y, z)| in mg by integer square root; each axis is clamped to +-16 g (the sensor's widest range), so the sum of squares stays under 2^30. */
export function magnitude(x: number, y: number, z: number): number {
  const a = clamp16g(x);
  const b = clamp16g(y);
  const c = clamp16g(z);
  const n = a * a + b * b + c * c;
  let r = 0;
  let bit = 1 << 30;
  let v = n;
  while (bit > v) bit >>>= 2;
  while (bit !== 0) {
    if (v >= r + bit) {
      v -= r + bit;
      r = (r >>> 1) + bit;
    } else r >>>= 1;
    bit >>>= 2;
  }
  return r;
}

function clamp16g(v: number): number {
  return v > 16000 ? 16000 : v < -16000 ? -16000 : v | 0;
}
