/*
 * moodface firmware entry point: the Moddable host for the robot (modules/app/robot.ts). Data files
 * and frames.bin come from flash, the saved state from Preference, the I2C bus from the board's
 * host provider (the real bus on the ESP32, a virtual SSD1306 on lin). One frame every 33 ms.
 */
import Resource from "Resource";
import Preference from "preference";
import Timer from "timer";
import config from "mc/config";
import device from "embedded:provider/builtin";
import { Robot, FRAME_MS, type RobotHost } from "app/robot";
import { NativeDecoder } from "face/native-decoder";

const DOMAIN = "moodface";

const host: RobotHost = {
  i2c: { ...device.I2C.default, io: device.io.I2C },
  resource: (name) => (Resource.exists(name) ? (new Resource(name) as unknown as ArrayBufferLike) : undefined),
  text: (name) => (Resource.exists(name) ? String.fromArrayBuffer(new Resource(name).slice(0)) : undefined),
  load: () => {
    const v = Preference.get(DOMAIN, "state");
    return v instanceof ArrayBuffer ? new Uint8Array(v) : undefined;
  },
  save: (bytes) => Preference.set(DOMAIN, "state", bytes.buffer as ArrayBuffer),
  trace: (message) => trace(message),
  config: { profile: config.profile, view: config.view, display: config.display, seed: Date.now() | 0 },
  // The pack's model is a view into the frames.bin Resource: it stays in flash.
  decoder: (model, latentSize) => new NativeDecoder(model, latentSize),
};

const robot = new Robot(host);
let now = 0;
Timer.repeat(() => {
  now += FRAME_MS;
  robot.frame(now);
}, FRAME_MS);
