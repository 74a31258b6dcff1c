/*
 * Host provider for builds without I2C (Moddable's lin simulator): `embedded:provider/builtin` with
 * the ECMA-419 shape the firmware expects (device.I2C.default, device.io.I2C), backed by a virtual bus
 * with a virtual SSD1306 at 0x3C. The manifest maps the provider to this module on lin only; on the
 * ESP32 the SDK's own provider hands out the real `embedded:io/i2c`.
 */
import { VirtualBus, i2cClassFor } from "./i2c.js";
import { VirtualSSD1306 } from "./ssd1306.js";

const bus = new VirtualBus();
const panel = new VirtualSSD1306(128, 64);
bus.attach(0x3c, panel);
const I2C = i2cClassFor(bus);

const device = {
  I2C: { default: { io: I2C, data: 4, clock: 5 } },
  io: { I2C },
  /** Not part of ECMA-419: the virtual parts, for a simulator screen or a test to look at. */
  virtual: { bus, panel },
};

export default device;
