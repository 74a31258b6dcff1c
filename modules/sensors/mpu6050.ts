/*
 * MPU-6050 accelerometer and gyroscope over ECMA-419 `embedded:io/i2c`, in the shape of Moddable's
 * `embedded:sensor` drivers: `new MPU6050({sensor: {io, data, clock, address, hz, port}})`,
 * `configure(options)`, `sample()`, `close()`. It differs from the SDK's float drivers in two ways,
 * for the frame loop's sake: sample() fills and returns the same object every time (no allocation),
 * and its values are integers: acceleration in mg, rotation in degrees per second.
 *
 * The constructor checks WHO_AM_I (0x68) and wakes the chip (PWR_MGMT_1: clear SLEEP, PLL on the
 * X gyro); it throws when nothing answers or something else does, so a missing IMU is skipped by
 * the caller (modules/sensors/senses.ts) with one trace line. One sample is one 1-byte register
 * write and one 14-byte burst read from ACCEL_XOUT_H (auto-increment): 2 transactions, 17 bytes
 * on the bus with the address bytes.
 */
import type { I2C, I2CClass, PinSpecifier } from "../common/io.js";
import { MPU6050_ADDRESS, REG, WHO_AM_I_VALUE } from "./mpu6050-registers.js";


export interface MPU6050Options {
  sensor: { io: I2CClass; data: PinSpecifier; clock: PinSpecifier; address?: number; hz?: number; port?: number };
}

/** The accelerometer's full scales (g) and the gyroscope's (dps), by their FS_SEL codes. */
export const ACCEL_RANGES = Object.freeze([2, 4, 8, 16]);
export const GYRO_RANGES = Object.freeze([250, 500, 1000, 2000]);

export interface MotionSample {
  /** Acceleration, mg (z is up when the robot stands upright). */
  ax: number;
  ay: number;
  az: number;
  /** Rotation, degrees per second. */
  gx: number;
  gy: number;
  gz: number;
}

export interface MPU6050Configuration {
  /** Accelerometer full scale in g: 2, 4, 8 or 16. */
  accelerometerRange?: number;
  /** Gyroscope full scale in dps: 250, 500, 1000 or 2000. */
  gyroscopeRange?: number;
  /** Digital low-pass filter setting 0..6 (CONFIG DLPF_CFG). */
  lowPass?: number;
}

export default class MPU6050 {
  private readonly io: I2C;
  private readonly command = new Uint8Array(2);
  /** The register pointer alone, and one byte to read into: no views made per sample. */
  private readonly pointer = new Uint8Array(1);
  private readonly one = new Uint8Array(1);
  private readonly raw = new Uint8Array(14);
  private readonly out: MotionSample = { ax: 0, ay: 0, az: 0, gx: 0, gy: 0, gz: 0 };
  private accelShift = 14;
  private gyroShift = 16;

  constructor(options: MPU6050Options) {
    const s = options.sensor;
    this.io = new s.io({ data: s.data, clock: s.clock, port: s.port, address: s.address ?? MPU6050_ADDRESS, hz: s.hz ?? 400000 });
    try {
      const who = this.readRegister(REG.WHO_AM_I);
      if (who !== WHO_AM_I_VALUE) throw new Error(`not an MPU-6050 (WHO_AM_I 0x${who.toString(16)})`);
      this.writeRegister(REG.PWR_MGMT_1, 0x01); // awake, clocked by the X gyro's PLL
      this.writeRegister(REG.SMPLRT_DIV, 0);
      this.configure({ accelerometerRange: 2, gyroscopeRange: 250, lowPass: 3 });
    } catch (e) {
      this.close();
      throw e;
    }
  }

  configure(o: MPU6050Configuration): void {
    if (o.accelerometerRange !== undefined) {
      const a = ACCEL_RANGES.indexOf(o.accelerometerRange);
      if (a < 0) throw new RangeError("MPU6050: accelerometerRange is 2, 4, 8 or 16");
      this.writeRegister(REG.ACCEL_CONFIG, a << 3);
      this.accelShift = 14 - a;
    }
    if (o.gyroscopeRange !== undefined) {
      const g = GYRO_RANGES.indexOf(o.gyroscopeRange);
      if (g < 0) throw new RangeError("MPU6050: gyroscopeRange is 250, 500, 1000 or 2000");
      this.writeRegister(REG.GYRO_CONFIG, g << 3);
      this.gyroShift = 16 - g;
    }
    if (o.lowPass !== undefined) {
      if (!(o.lowPass >= 0 && o.lowPass <= 6)) throw new RangeError("MPU6050: lowPass is 0 to 6");
      this.writeRegister(REG.CONFIG, o.lowPass | 0);
    }
  }

  /** Reads accelerometer and gyroscope in one burst; returns the same object each time. */
  sample(): MotionSample {
    const r = this.raw;
    this.pointer[0] = REG.ACCEL_XOUT_H;
    this.io.write(this.pointer, false);
    this.io.read(r);
    const o = this.out;
    // raw * 1000 / 2^(14 - range) mg; raw * 500 / 2^16 ~ raw / 131.07 dps at 250 dps.
    o.ax = (Math.imul(int16(r[0], r[1]), 1000) >> this.accelShift) | 0;
    o.ay = (Math.imul(int16(r[2], r[3]), 1000) >> this.accelShift) | 0;
    o.az = (Math.imul(int16(r[4], r[5]), 1000) >> this.accelShift) | 0;
    o.gx = (Math.imul(int16(r[8], r[9]), 500) >> this.gyroShift) | 0;
    o.gy = (Math.imul(int16(r[10], r[11]), 500) >> this.gyroShift) | 0;
    o.gz = (Math.imul(int16(r[12], r[13]), 500) >> this.gyroShift) | 0;
    return o;
  }

  close(): void {
    if (this.io.close) this.io.close();
  }

  private readRegister(reg: number): number {
    this.pointer[0] = reg;
    this.io.write(this.pointer, false);
    this.io.read(this.one);
    return this.one[0];
  }

  private writeRegister(reg: number, value: number): void {
    this.command[0] = reg;
    this.command[1] = value;
    this.io.write(this.command);
  }
}

function int16(hi: number, lo: number): number {
  return ((hi << 24) >> 16) | lo;
}
