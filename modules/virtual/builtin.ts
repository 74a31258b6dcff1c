/*
 * `embedded:provider/builtin` on lin (Moddable's Linux simulator), which has no I2C: the virtual
 * provider, and its panel's glass mirrored on the simulator's own screen so that a maker who runs
 * `mcconfig -d -m -p lin` sees the robot's face.
 *
 * Why a shim: Moddable resolves the relative imports of a mapped module against the specifier it
 * is mapped to, so "./i2c.js" inside a module mapped to "embedded:provider/builtin" would mean
 * "embedded:provider/i2c" and abort the app at start. This module imports by module specifier only
 * (tests/app/module-graph.test.ts resolves every import of the firmware per platform).
 */
import device from "virtual/provider";
import { mirrorPanel } from "virtual/screen";

mirrorPanel(device.virtual.panel);

export default device;
