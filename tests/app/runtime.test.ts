/*
 * The one runtime (Robot.tick), driven as a host drives it: a fake clock, the virtual I2C bus with
 * the virtual SSD1306 and MPU-6050 on it, the virtual touch pin, a save that records, and a link
 * built like the board's BLE adapter (a LinkSession in PAIRING_STACK mode behind RobotLink). One
 * loop checks the frame on the panel, the passkey overlay, the save and a sensor event.
 */
import { join } from "node:path";
import { Robot, FRAME_MS, SAVE_EVERY_MS, type RobotLink } from "../../modules/app/robot.js";
import { LinkSession, SEC_PAIRED } from "../../modules/link/session.js";
import { encodeStimulus, MSG_ACK, REPLY_MAX_BYTES } from "../../modules/link/codec.js";
import { decodeSaved } from "../../modules/app/saved.js";
import { drawPasskey } from "../../modules/face/passkey.js";
import { FRAME_BYTES } from "../../modules/common/geometry.js";
import { REFLEXES } from "../../modules/face/reflexes.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { createSimHost } from "../../tools/sim/host.js";
import { REPO_ROOT } from "../../tools/lib/data.js";

/** What modules/link/ble-peripheral.ts does for the runtime, without the radio: the session's passkey. */
class StackLink implements RobotLink {
  readonly session: LinkSession;
  serviced = 0;
  constructor(robot: Robot) {
    this.session = new LinkSession(robot);
  }
  service(now: number): number {
    this.serviced++;
    return this.session.overlay(now);
  }
}

describe("the runtime: Robot.tick on a fake clock and virtual buses", () => {
  test("sensors, link, passkey overlay, frames and saving in one loop", () => {
    const traces: string[] = [];
    const saves: Uint8Array[] = [];
    const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), now: () => 0, trace: (m) => traces.push(m) });
    const robot = new Robot({ ...host, save: (b) => saves.push(b.slice()) });
    const link = new StackLink(robot);
    robot.attach(link);
    expect(robot.senses.imu && robot.senses.touch).toBeTruthy();
    // The IMU (50 samples a second) sets the tick; frames still come every FRAME_MS slot.
    expect(robot.tickMs).toBe(robot.senses.periodMs);
    expect(robot.tickMs).toBeLessThan(FRAME_MS);

    const passkeyFrame = new Uint8Array(FRAME_BYTES);
    drawPasskey(passkeyFrame, 314159);
    const glass = () => Buffer.from(host.panel.glassFrame());
    const imu = host.device.virtual.imu!;
    let frames = 0;
    let writesAtStart = 0;
    let faceBefore: Buffer | undefined;
    const seen: string[] = [];
    const reply = new Uint8Array(REPLY_MAX_BYTES);
    const msg = new Uint8Array(20);

    for (let t = 0; t <= SAVE_EVERY_MS + 1000; t += robot.tickMs) {
      imu.time = t;
      if (t === 1000) {
        // A finger on the pad: the touch event's stimulus and its reflex at the next tick.
        host.device.virtual.touch(true);
        host.device.virtual.touch(false);
      }
      if (t === 3000) {
        faceBefore = glass();
        writesAtStart = host.bus.counters.transactions;
        link.session.connect(t);
        link.session.showPasskey(314159, t); // the stack asks the robot to display a passkey
      }
      if (t === 6000) {
        link.session.secured(SEC_PAIRED); // the phone typed it: the face comes back
        const n = link.session.write(msg, encodeStimulus(msg, robot.engine.stimulusIndex("gift"), 255), reply, t);
        expect(Array.from(reply.subarray(0, n))).toEqual([MSG_ACK, robot.engine.stimulusIndex("gift")]);
      }
      if (robot.tick(t)) frames++;
      if (t === 1000) seen.push(REFLEXES[robot.animator.reflexing]);
      if (t === 4000) {
        // The overlay is on the panel itself: over the virtual bus, not only in the returned frame.
        expect(glass().equals(Buffer.from(passkeyFrame))).toBe(true);
        expect(host.bus.counters.transactions).toBeGreaterThan(writesAtStart);
        expect(faceBefore!.equals(Buffer.from(passkeyFrame))).toBe(false);
      }
      if (t === 7000) {
        expect(glass().equals(Buffer.from(passkeyFrame))).toBe(false);
        expect(EMOTIONS[robot.engine.state.dominant]).toBe("joy");
      }
      if (t === SAVE_EVERY_MS - robot.tickMs) expect(saves).toEqual([]);
    }

    expect(seen).toEqual(["giggle"]);
    expect(traces).toContain("moodface: touch: touch\n");
    // About 30 frames a second whatever the tick period; the link was served once per frame.
    const seconds = (SAVE_EVERY_MS + 1000) / 1000;
    expect(frames).toBeGreaterThanOrEqual(Math.floor((seconds * 1000) / FRAME_MS) - 1);
    expect(frames).toBeLessThanOrEqual(Math.ceil((seconds * 1000) / FRAME_MS) + 1);
    expect(link.serviced).toBe(frames);
    // One save once SAVE_EVERY_MS had passed, of the mood the loop made.
    expect(saves.length).toBe(1);
    const saved = decodeSaved(saves[0]);
    expect(saved?.profile).toBe(robot.engine.profile.name);
    expect(robot.senses.samples).toBeGreaterThan(seconds * 45);
  });

  test("a host that falls behind gets one frame, not a burst of catch-up frames", () => {
    const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), now: () => 0, trace: () => {}, config: { sensors: { imu: { address: -1 } } } });
    const robot = new Robot(host);
    expect(robot.tickMs).toBe(FRAME_MS);
    expect(robot.tick(0)).toBe(true);
    expect(robot.tick(5000)).toBe(true);
    expect(robot.tick(5001)).toBe(false);
    expect(robot.tick(5000 + FRAME_MS)).toBe(true);
  });
});
