/*
 * The ECMA-419 IO classes the firmware's drivers use, declared once (type-only): the board's host
 * provider hands them over (`device.io.I2C`, `device.io.Digital`; typings/moddable.d.ts is the SDK's
 * own description of those), and the simulated hardware (modules/virtual) implements them.
 */
/** A pin as the SDK's typings of ECMA-419 name it. */
export type PinSpecifier = number;

/** An `embedded:io/i2c` instance: the panel driver writes, the IMU driver also reads. */
export interface I2C {
  write(buffer: ArrayBufferLike | ArrayBufferView, stop?: boolean): void;
  /** ECMA-419: fills the buffer (the MPU-6050 driver's burst read). */
  read(buffer: ArrayBufferLike | ArrayBufferView, stop?: boolean): unknown;
  /** ECMA-419 defines close(); the SDK's typings leave it out, so it is optional here. */
  close?(): void;
}

export interface I2COptions {
  data: PinSpecifier;
  clock: PinSpecifier;
  hz: number;
  address: number;
  port?: number;
}

export type I2CClass = new (options: I2COptions) => I2C;

/** An `embedded:io/digital` input. */
export interface DigitalInput {
  read(): number;
  close?(): void;
}

export interface DigitalClass {
  new (options: { pin: PinSpecifier; mode: number; edge?: number; onReadable?: (this: DigitalInput) => void }): DigitalInput;
  readonly Input: number;
  readonly InputPullUp: number;
  readonly InputPullDown?: number;
  readonly Rising: number;
  readonly Falling: number;
}
