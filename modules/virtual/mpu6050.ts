/*
 * A byte-accurate virtual MPU-6050 (InvenSense register map, rev 4.2) on the virtual I2C bus, for
 * the lin build, the simulator and tests: the same driver code (modules/sensors/mpu6050.ts) that
 * reads the real chip reads this one, and its reads share the bus (and the bus budget) with the
 * panel.
 *
 * What it does like the chip: 128 registers; a write's first byte sets the register pointer and
 * further bytes are written with auto-increment; reads clock out from the pointer with
 * auto-increment; WHO_AM_I (0x75) reads 0x68; PWR_MGMT_1 (0x6B) resets to 0x40 (SLEEP set), bit 7
 * resets every register; asleep, the data registers keep their last values (zero after reset);
 * ACCEL_XOUT_H..GYRO_ZOUT_L (0x3B..0x48) big-endian two's complement, scaled by ACCEL_CONFIG and
 * GYRO_CONFIG full-scale bits; TEMP_OUT (0x41) = (T - 36.53) * 340. Not modelled: FIFO, interrupts,
 * the DMP, self test, the auxiliary bus.
 *
 * The motion it senses is set with `move()` (units: mg and degrees per second); a gesture script
 * (`gesture()`) plays touch-free motions over time: pick-up, shake, tilt, drop, against `time`,
 * which the host advances.
 */
import type { I2CDevice } from "./i2c.js";

import { MPU6050_ADDRESS, PWR_RESET, PWR_SLEEP, REG, WHO_AM_I_VALUE } from "../sensors/mpu6050-registers.js";

export { MPU6050_ADDRESS, PWR_RESET, PWR_SLEEP, REG };
/** LSB per degree per second at FS_SEL 0..3, times 10. */
const GYRO_LSB_X10 = Object.freeze([1310, 655, 328, 164]);

export const GESTURES = Object.freeze(["pickup", "shake", "tilt", "drop"]);

export class VirtualMPU6050 implements I2CDevice {
  readonly registers = new Uint8Array(128);
  /** The host's clock (ms): gestures play against it. */
  time = 0;
  /** Reads and writes seen, for tests. */
  reads = 0;
  private pointer = 0;
  /** The motion sensed now: acceleration in mg, rotation in degrees per second. */
  private readonly accel = new Int32Array([0, 0, 1000]);
  private readonly gyro = new Int32Array(3);
  private temperatureC = 25;
  private gesture = -1;
  private gestureStart = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.registers.fill(0);
    this.registers[REG.PWR_MGMT_1] = PWR_SLEEP;
    this.registers[REG.WHO_AM_I] = WHO_AM_I_VALUE;
    this.pointer = 0;
  }

  get asleep(): boolean {
    return (this.registers[REG.PWR_MGMT_1] & PWR_SLEEP) !== 0;
  }

  /** Sets what the chip senses: acceleration (mg, z up when the robot stands upright) and rotation (dps). */
  move(ax: number, ay: number, az: number, gx = 0, gy = 0, gz = 0): void {
    this.gesture = -1;
    this.setMotion(ax, ay, az, gx, gy, gz);
  }

  /** Starts a gesture (GESTURES index or name) at `time`; it plays for about a second, then the robot rests upright (tilt: stays tilted for 2 s). */
  play(gesture: number | string): boolean {
    const g = typeof gesture === "string" ? GESTURES.indexOf(gesture) : gesture;
    if (!(g >= 0 && g < GESTURES.length)) return false;
    this.gesture = g;
    this.gestureStart = this.time;
    return true;
  }

  receive(bytes: Uint8Array, length: number): void {
    if (length === 0) return;
    this.pointer = bytes[0] & 0x7f;
    for (let i = 1; i < length; i++) {
      this.writeRegister(this.pointer, bytes[i]);
      this.pointer = (this.pointer + 1) & 0x7f;
    }
  }

  transmit(out: Uint8Array, length: number): void {
    this.reads++;
    if (!this.asleep) this.convert();
    for (let i = 0; i < length; i++) {
      out[i] = this.registers[this.pointer];
      this.pointer = (this.pointer + 1) & 0x7f;
    }
  }

  private writeRegister(r: number, v: number): void {
    if (r === REG.WHO_AM_I) return; // read-only
    if (r === REG.PWR_MGMT_1 && v & PWR_RESET) {
      this.reset();
      return;
    }
    if (r >= REG.ACCEL_XOUT_H && r <= REG.GYRO_XOUT_H + 5) return; // data registers are read-only
    this.registers[r] = v;
  }

  private setMotion(ax: number, ay: number, az: number, gx: number, gy: number, gz: number): void {
    this.accel[0] = ax;
    this.accel[1] = ay;
    this.accel[2] = az;
    this.gyro[0] = gx;
    this.gyro[1] = gy;
    this.gyro[2] = gz;
  }

  /** The gesture's motion at `time`. */
  private script(): void {
    if (this.gesture < 0) return;
    const t = this.time - this.gestureStart;
    const name = GESTURES[this.gesture];
    const rest = () => this.setMotion(0, 0, 1000, 0, 0, 0);
    if (name === "pickup") {
      // Lifted: up-acceleration, a little wobble, then held still in the hand.
      if (t < 300) this.setMotion(30, -20, 1250, 25, 10, 5);
      else if (t < 600) this.setMotion(-20, 10, 900, -15, 5, 0);
      else rest();
      if (t >= 600) this.gesture = -1;
    } else if (name === "shake") {
      // Side to side at about 5 Hz, +-2 g.
      if (t < 1000) this.setMotion(((t / 100) | 0) % 2 === 0 ? 1900 : -1900, 0, 1000, 0, 0, ((t / 100) | 0) % 2 === 0 ? 200 : -200);
      else {
        rest();
        this.gesture = -1;
      }
    } else if (name === "tilt") {
      // Leaned 45 degrees to the side for two seconds.
      if (t < 2000) this.setMotion(707, 0, 707, t < 200 ? 90 : 0, 0, 0);
      else {
        rest();
        this.gesture = -1;
      }
    } else if (name === "drop") {
      // Free fall for 200 ms (about 20 cm), the impact, then at rest.
      if (t < 200) this.setMotion(0, 0, 0, 0, 0, 0);
      else if (t < 260) this.setMotion(300, -200, 3500, 150, 0, 0);
      else {
        rest();
        this.gesture = -1;
      }
    }
  }

  /** Writes the sensed motion into the data registers at the configured full scales. */
  private convert(): void {
    this.script();
    const afs = (this.registers[REG.ACCEL_CONFIG] >> 3) & 3;
    const fs = (this.registers[REG.GYRO_CONFIG] >> 3) & 3;
    for (let i = 0; i < 3; i++) {
      this.put(REG.ACCEL_XOUT_H + 2 * i, Math.round((this.accel[i] * (16384 >> afs)) / 1000));
      this.put(REG.GYRO_XOUT_H + 2 * i, Math.round((this.gyro[i] * GYRO_LSB_X10[fs]) / 10));
    }
    this.put(REG.TEMP_OUT_H, Math.round((this.temperatureC - 36.53) * 340));
  }

  private put(r: number, v: number): void {
    const c = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    this.registers[r] = (c >> 8) & 0xff;
    this.registers[r + 1] = c & 0xff;
  }
}
