/*
 * Host provider for builds without the board's hardware (Moddable's lin simulator, the Node
 * simulator, tests): the ECMA-419 shape the firmware expects (device.I2C.default, device.io.I2C,
 * device.io.Digital), backed by a virtual bus with a virtual SSD1306 at the configured address,
 * a virtual MPU-6050 on the same bus when the config names one, and virtual GPIO inputs (a touch pad
 * among them). On the ESP32 the SDK's own provider hands out the real `embedded:io/i2c`.
 * No defaults of its own: the caller passes the display config the boot stage parsed.
 */
import { VirtualBus, i2cClassFor } from "./i2c.js";
import { VirtualSSD1306 } from "./ssd1306.js";
import { VirtualPins, digitalClassFor } from "./digital.js";
import { VirtualMPU6050 } from "./mpu6050.js";
import { WIDTH } from "../common/geometry.js";

/** The sensors part of the config (config.sensors), as far as the virtual board needs it. */
export interface VirtualSensors {
  readonly touch: { readonly pin: number; readonly activeLow: boolean };
  readonly imu: { readonly address: number };
}

export function createVirtualDevice(display: { readonly address: number; readonly height: number }, sensors?: VirtualSensors) {
  const bus = new VirtualBus();
  const panel = new VirtualSSD1306(WIDTH, display.height);
  bus.attach(display.address, panel);
  const pins = new VirtualPins();
  // The sensors the config names: a virtual MPU-6050 on the panel's bus, and a touch pad's output
  // resting at "untouched".
  let imu: VirtualMPU6050 | undefined;
  if (sensors && sensors.imu.address >= 0) {
    imu = new VirtualMPU6050();
    bus.attach(sensors.imu.address, imu);
  }
  const touchPin = sensors ? sensors.touch.pin : -1;
  const touchIdle = sensors && sensors.touch.activeLow ? 1 : 0;
  if (touchPin >= 0) pins.pull(touchPin, touchIdle);
  const I2C = i2cClassFor(bus);
  const Digital = digitalClassFor(pins);
  return {
    // The pins are the ESP32-S3 DevKitC's defaults; nothing is wired to them here.
    I2C: { default: { io: I2C, data: 4, clock: 5 } },
    io: { I2C, Digital },
    /** Not part of ECMA-419: the virtual parts, for a simulator screen or a test to look at. */
    virtual: {
      bus,
      panel,
      pins,
      imu,
      /** A finger on the touch pad (true) or off it. */
      touch(on: boolean): void {
        if (touchPin >= 0) pins.set(touchPin, on ? 1 - touchIdle : touchIdle);
      },
    },
  };
}

export type VirtualDevice = ReturnType<typeof createVirtualDevice>;
