/*
 * The robot's own senses: the touch pad and the IMU the config names (docs/sensors.md), opened on
 * the host's ECMA-419 classes, polled by the host's clock and turned into sensor events
 * (SENSOR_EVENTS in ./events.ts: touch, pickup, shake, fall, tilt); the behaviour
 * table maps each to a stimulus. A sensor the config leaves out is not opened; one that is
 * configured but does not answer is skipped with one trace line, and the robot runs without it.
 * The same code runs on the board and in the simulator (virtual touch pin and virtual MPU-6050 on
 * the panel's virtual bus). Polling allocates nothing.
 */
import type { DigitalClass, I2CClass, PinSpecifier } from "../common/io.js";
import MPU6050 from "./mpu6050.js";
import Touch from "./touch.js";
import { MotionDetector } from "./motion.js";
import { MOTION_NONE, TOUCH_EVENT } from "./events.js";

export { TOUCH_EVENT };

/** What the config says of the sensors (config.sensors; modules/app/config.ts checks it). */
export interface SensorsConfig {
  /** A TTP223-style touch pad's output: GPIO 0-48, or -1 for none; activeLow when it pulls low on touch. */
  readonly touch: { readonly pin: number; readonly activeLow: boolean };
  /** An MPU-6050 on the panel's I2C bus: address 104 (0x68) or 105 (0x69), or -1 for none; samples a second. */
  readonly imu: { readonly address: number; readonly rate: number };
}
/** The IMU's I2C clock: the MPU-6050's maximum, or the panel's bus speed when that is lower. */
export const IMU_HZ_MAX = 400000;
/** How many failed reads in a row before the IMU is given up (it may have come loose). */
export const IMU_GIVE_UP = 50;

export interface SensesInputs {
  readonly config: SensorsConfig;
  readonly i2c: { readonly io: I2CClass; readonly data: PinSpecifier; readonly clock: PinSpecifier; readonly port?: number };
  /** The bus's clock (the panel's config.display.hz). */
  readonly hz: number;
  readonly digital?: DigitalClass;
  trace(message: string): void;
}

export class Senses {
  readonly imu: MPU6050 | undefined;
  readonly touch: Touch | undefined;
  /** Poll period of the IMU in ms (1000 / config.sensors.imu.rate). */
  readonly periodMs: number;
  /** IMU samples read, and failed reads. */
  samples = 0;
  errors = 0;
  private readonly detector = new MotionDetector();
  private readonly trace: (message: string) => void;
  private touches = 0;
  private nextSample = -1;
  private failedInARow = 0;
  private imuOn: boolean;

  constructor(inputs: SensesInputs) {
    const c = inputs.config;
    this.trace = inputs.trace;
    this.periodMs = (1000 / c.imu.rate) | 0;
    let imu: MPU6050 | undefined;
    if (c.imu.address >= 0) {
      try {
        imu = new MPU6050({ sensor: { io: inputs.i2c.io, data: inputs.i2c.data, clock: inputs.i2c.clock, port: inputs.i2c.port, address: c.imu.address, hz: inputs.hz < IMU_HZ_MAX ? inputs.hz : IMU_HZ_MAX } });
      } catch (e) {
        inputs.trace(`moodface: no IMU at 0x${c.imu.address.toString(16)} (${(e as Error).message}); motion skipped\n`);
      }
    }
    this.imu = imu;
    this.imuOn = imu !== undefined;
    let touch: Touch | undefined;
    if (c.touch.pin >= 0) {
      if (!inputs.digital) inputs.trace(`moodface: this host has no digital inputs; touch pad on GPIO ${c.touch.pin} skipped\n`);
      else {
        try {
          touch = new Touch({ sensor: { io: inputs.digital, pin: c.touch.pin }, activeLow: c.touch.activeLow, onAlert: () => this.touches++ });
        } catch (e) {
          inputs.trace(`moodface: touch pad on GPIO ${c.touch.pin} skipped (${(e as Error).message})\n`);
        }
      }
    }
    this.touch = touch;
  }

  /** True when the IMU is due for a sample at `now`. */
  due(now: number): boolean {
    return this.imuOn && (this.nextSample < 0 || now >= this.nextSample);
  }

  /**
   * Reads what is due at `now` (ms, the host's clock) and returns one sensor event (a SENSOR_EVENTS
   * index) or -1; call again until -1. Touches come first, then at most one IMU sample per call.
   */
  poll(now: number): number {
    if (this.touches > 0) {
      this.touches--;
      return TOUCH_EVENT;
    }
    if (!this.due(now)) return MOTION_NONE;
    this.nextSample = (this.nextSample < 0 ? now : this.nextSample) + this.periodMs;
    if (this.nextSample <= now) this.nextSample = now + this.periodMs; // fell behind: no burst of catch-up reads
    let s;
    try {
      s = this.imu!.sample();
    } catch (e) {
      this.errors++;
      if (this.failedInARow++ === 0) this.trace(`moodface: IMU read failed (${(e as Error).message})\n`);
      if (this.failedInARow >= IMU_GIVE_UP) {
        this.imuOn = false;
        this.trace(`moodface: IMU gave up after ${IMU_GIVE_UP} failed reads; motion skipped\n`);
      }
      return MOTION_NONE;
    }
    this.failedInARow = 0;
    this.samples++;
    return this.detector.feed(s, now);
  }
}
