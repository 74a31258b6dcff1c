/*
 * Host provider for builds without the board's hardware (Moddable's lin simulator, the Node
 * simulator, tests): the ECMA-419 shape the firmware expects (device.I2C.default, device.io.I2C,
 * device.io.Digital), backed by a virtual bus with a virtual SSD1306 at the configured address and
 * virtual GPIO inputs. On the ESP32 the SDK's own provider hands out the real `embedded:io/i2c`.
 * No defaults of its own: the caller passes the display config the boot stage parsed.
 */
import { VirtualBus, i2cClassFor } from "./i2c.js";
import { VirtualSSD1306 } from "./ssd1306.js";
import { VirtualPins, digitalClassFor } from "./digital.js";
import { WIDTH } from "../common/geometry.js";

export function createVirtualDevice(display: { readonly address: number; readonly height: number }) {
  const bus = new VirtualBus();
  const panel = new VirtualSSD1306(WIDTH, display.height);
  bus.attach(display.address, panel);
  const pins = new VirtualPins();
  const I2C = i2cClassFor(bus);
  const Digital = digitalClassFor(pins);
  return {
    // The pins are the ESP32-S3 DevKitC's defaults; nothing is wired to them here.
    I2C: { default: { io: I2C, data: 4, clock: 5 } },
    io: { I2C, Digital },
    /** Not part of ECMA-419: the virtual parts, for a simulator screen or a test to look at. */
    virtual: { bus, panel, pins },
  };
}

export type VirtualDevice = ReturnType<typeof createVirtualDevice>;
