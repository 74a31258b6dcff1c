/*
 * `embedded:provider/builtin` on lin (Moddable's Linux simulator), which has no I2C: the virtual
 * provider with the manifest's display config, its panel's glass mirrored on the simulator's own
 * screen, and mcsim's "Button" as a GPIO input, so that a maker who runs `mcconfig -d -m -p lin`
 * sees the robot and can poke it.
 *
 * Why a shim: Moddable resolves the relative imports of a mapped module against the specifier it
 * is mapped to, so "./i2c.js" inside a module mapped to "embedded:provider/builtin" would mean
 * "embedded:provider/i2c" and abort the app at start. This module imports by module specifier only
 * (tests/app/module-graph.test.ts resolves every import of the firmware per platform).
 */
import config from "mc/config";
import { parseConfig } from "app/config";
import { createVirtualDevice } from "virtual/provider";
import { mirrorPanel } from "virtual/screen";

const parsed = parseConfig(config).config;
const device = createVirtualDevice(parsed.display, parsed.sensors);
mirrorPanel(device.virtual.panel, (pressed) => device.virtual.pins.set(parsed.button.pin < 0 ? 0 : parsed.button.pin, pressed ? 0 : 1));

export default device;
