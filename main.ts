/*
 * moodface firmware entry point, a thin adapter: hands the Moddable host's raw inputs to the boot
 * stage (modules/app/boot.ts), attaches the BLE link and the button, and feeds the runtime
 * (Robot.tick: sensors, link, frame, save) the clock. Data files and frames.bin come from flash, the
 * saved state from Preference, the I2C bus (and the button's GPIO) from the board's host provider:
 * the real ones on the ESP32, the virtual panel and mcsim's button on lin.
 */
import Resource from "Resource";
import Preference from "preference";
import Timer from "timer";
import Time from "time";
import config from "mc/config";
import device from "embedded:provider/builtin";
import { Robot, type RobotHost } from "app/robot";
import { boot } from "app/boot";
import { NativeDecoder } from "face/native-decoder";
import { NativeFrameOps } from "display/native-frame";
import { NativeAnimatorOps } from "face/native-animator";
import { StateStore, preferenceStore } from "app/state-store";
import { decodeSaved } from "app/saved";
import { BleLink } from "link/ble-peripheral";

const DOMAIN = "moodface";
// Two alternating records with sequence numbers and CRCs: a power cut mid-write loses at most the
// newest save (esp32 Preference erases a key before writing it). docs/formats/saved-state.md.
const store = new StateStore(preferenceStore(Preference, DOMAIN), { trace: (m) => trace(m), valid: (b) => decodeSaved(b) !== undefined });

const host: RobotHost = {
  config,
  i2c: { ...device.I2C.default, io: device.io.I2C },
  digital: device.io.Digital,
  resource: (name) => (Resource.exists(name) ? (new Resource(name) as unknown as ArrayBufferLike) : undefined),
  text: (name) => (Resource.exists(name) ? String.fromArrayBuffer(new Resource(name).slice(0)) : undefined),
  load: () => store.load(),
  save: (bytes) => {
    store.save(bytes); // skips unchanged state, never throws
  },
  trace: (message) => trace(message),
  seed: Date.now() | 0,
  // The pack's model is a view into the frames.bin Resource: it stays in flash.
  openDecoder: (model) => new NativeDecoder(model),
  // The driver's diff, window plan and copies in C (native/display): most of a frame's time in XS otherwise.
  frameOps: new NativeFrameOps(),
  // Likewise the animator's crossfade and breathing lift (native/face).
  animatorOps: new NativeAnimatorOps(),
};

const robot = new Robot(host, boot(host));
// The phone's way in: the stimulus service over BLE, writes only from a passkey-paired phone
// (docs/ble.md). On lin the manifest maps this to a stand-in that only says so.
robot.attach(new BleLink({ robot, trace: (m) => trace(m) }));

// A push button to ground (config.button.pin; 0 is the DevKitC's BOOT button, mcsim's "Button" on
// lin): each press gives the next of config.button.stimuli, the robot's way in before an app pairs.
if (robot.config.button.pin >= 0 && device.io.Digital) {
  const Digital = device.io.Digital;
  const DEBOUNCE_MS = 150; // contacts bounce for a few ms: one press, one stimulus
  let down = false;
  let last = -DEBOUNCE_MS;
  new Digital({
    pin: robot.config.button.pin,
    mode: Digital.InputPullUp,
    edge: Digital.Rising | Digital.Falling,
    onReadable(this: { read(): number }) {
      const pressed = this.read() === 0;
      const now = Time.ticks;
      if (pressed && !down && now - last >= DEBOUNCE_MS) {
        last = now;
        robot.press();
      }
      down = pressed;
    },
  });
}

// The one loop (sensors, BLE, frame, save), on time from the clock, not from counting callbacks: a
// late timer must not slow the ODE down (Robot.frame clamps long gaps).
const start = Time.ticks;
Timer.repeat(() => robot.tick(Time.ticks - start), robot.tickMs);
