/*
 * Bundled into one script for the xsnap worker (tools/xs/heap-probe.js): boots the whole robot the
 * way main.ts does on lin (the boot stage, the virtual panel and sensors, the shipped data and
 * frames.bin), with the lin exerciser as its app, and leaves probe(n) to run n more frames (33 ms
 * each) and collect garbage, so the slot count the worker reports is the live heap after n frames.
 * No native decoder in xsnap: transitions crossfade (the decoder's memory is C heap, not XS slots).
 */
import inputs from "./inputs.js";
import { Robot, FRAME_MS } from "../../modules/app/robot.js";
import { parseConfig } from "../../modules/app/config.js";
import { createVirtualDevice } from "../../modules/virtual/provider.js";
import { Exerciser } from "../../modules/virtual/exerciser.js";

const parsed = parseConfig(inputs.config).config;
const device = createVirtualDevice(parsed.display, parsed.sensors);
const hex = inputs.frames;
const frames = new Uint8Array(hex.length >> 1);
for (let i = 0; i < frames.length; i++) frames[i] = parseInt(hex.substr(2 * i, 2), 16);
const robot = new Robot({
  config: inputs.config,
  i2c: device.I2C.default,
  digital: device.io.Digital,
  resource: (name) => (name === "frames.bin" ? frames.buffer : undefined),
  text: (name) => inputs.texts[name],
  load: () => undefined,
  save: () => {},
  trace: () => {},
  seed: 1,
});
const exerciser = new Exerciser(robot, inputs.stepMs, () => {});
robot.attach(exerciser);
let t = 0;
const g = globalThis as unknown as { probe: (n: number) => number; gc?: () => void };
g.probe = (n: number) => {
  for (let i = 0; i < n; i++) {
    robot.tick(t);
    t += FRAME_MS;
  }
  if (g.gc) g.gc();
  return exerciser.cycles;
};
