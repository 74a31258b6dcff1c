/*
 * The I2C bus with the IMU polled: the robot as the simulator runs it (the firmware's wiring, the
 * SSD1306 driver and the MPU-6050 driver on one virtual bus), a minute of robot time with a
 * stimulus every 5 s (transitions, reflexes) and a gesture every 7 s, at IMU rates 0 (no IMU), 50,
 * 100 and 200 samples a second, run by the runtime's own loop (Robot.tick every tickMs). Bus time
 * is split between the panel's writes and the IMU's register-pointer writes and burst reads (each
 * transaction to the IMU's address is metered as it goes by).
 */
import { join } from "node:path";
import { Robot } from "../../modules/app/robot.js";
import { createSimHost, tickAt } from "../../tools/sim/host.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { GESTURES } from "../../modules/virtual/mpu6050.js";
import { FAULT_NONE } from "../../modules/virtual/i2c.js";
import { transactionClocks } from "../../modules/display/commands.js";

const DURATION_MS = 60_000;
const RATES = [0, 50, 100, 200];
const STIMULI = ["gift", "insult", "surprise", "hit", "hug", "trick", "loss", "praise", "loud_noise", "touch", "threat", "play"];

export interface SensorRow {
  rate: number;
  hz: number;
  samples: number;
  events: number;
  played: number;
  panelClocks: number;
  imuClocks: number;
  imuTransactions: number;
  worstFrameClocks: number;
}

function run(rate: number, hz: number): SensorRow {
  let events = 0;
  const host = createSimHost({
    framesFile: join(REPO_ROOT, "frames", "frames.bin"),
    now: () => 0,
    trace: (m) => {
      if (/^moodface: (touch|pickup|shake|fall|tilt): /.test(m)) events++;
    },
    config: { display: { hz }, sensors: { imu: { address: rate === 0 ? -1 : 104, rate: rate || 50 } } },
  });
  const robot = new Robot(host);
  const bus = host.bus;
  const imu = host.device.virtual.imu;
  const imuAddress = robot.config.sensors.imu.address;
  let imuClocks = 0;
  let imuTransactions = 0;
  let panelClocks = 0;
  let worst = 0;
  let played = 0;
  // A meter on the bus, through its fault hook (which lets every transaction through): the IMU's
  // transactions, as many clocks as the bus counts for them.
  bus.fault = (address, _bytes, length) => {
    if (address === imuAddress) {
      imuClocks += transactionClocks(length);
      imuTransactions++;
    }
    return FAULT_NONE;
  };
  // Frame counts, not times: a stimulus every 150 frames (about 5 s), a gesture every 212 (about 7 s).
  for (let t = 0, i = 0; t < DURATION_MS; t += robot.tickMs) {
    const c0 = bus.counters.clocks;
    const i0 = imuClocks;
    if (!tickAt(robot, host, t)) continue;
    const c = bus.counters.clocks - c0 - (imuClocks - i0);
    panelClocks += c;
    if (c > worst) worst = c;
    i++;
    if (i % 150 === 149) robot.sense(robot.engine.stimulusIndex(STIMULI[((i / 150) | 0) % STIMULI.length]), Math.round((220 / 255) * ONE));
    if (imu && i % 212 === 211) {
      imu.play(GESTURES[((i / 212) | 0) % GESTURES.length]);
      played++;
    }
  }
  return { rate, hz, samples: robot.senses.samples, events, played, panelClocks, imuClocks, imuTransactions, worstFrameClocks: worst };
}

export function sensorBench(): SensorRow[] {
  const rows: SensorRow[] = [];
  for (const hz of [400_000, 100_000]) for (const rate of RATES) rows.push(run(rate, hz));
  return rows;
}

export function printSensors(rows: SensorRow[]): void {
  console.log(`## I2C bus with the IMU polled: the robot for ${DURATION_MS / 1000} s (face at ~30 fps, a stimulus every 150 frames, a gesture every 212)`);
  console.log("bus kHz  IMU/s  samples  panel clk/s  IMU clk/s  IMU share  bus busy  IMU clk/sample  worst frame ms");
  for (const r of rows) {
    const s = DURATION_MS / 1000;
    const busy = ((r.panelClocks + r.imuClocks) / s / r.hz) * 100;
    console.log(
      `${String(r.hz / 1000).padStart(7)}  ${String(r.rate).padStart(5)}  ${String(r.samples).padStart(7)}  ${(r.panelClocks / s).toFixed(0).padStart(11)}  ${(r.imuClocks / s).toFixed(0).padStart(9)}  ${(r.imuClocks ? (r.imuClocks / (r.panelClocks + r.imuClocks)) * 100 : 0).toFixed(1).padStart(8)}%  ${busy.toFixed(2).padStart(7)}%  ${(r.samples ? (r.imuClocks / r.samples) : 0).toFixed(0).padStart(14)}  ${((r.worstFrameClocks / r.hz) * 1000).toFixed(2).padStart(14)}`,
    );
  }
  const a = rows.find((r) => r.hz === 400_000 && r.rate === 50)!;
  console.log(`at 400 kHz, 50 samples/s: the IMU takes ${((a.imuClocks / (DURATION_MS / 1000) / 400_000) * 100).toFixed(2)}% of the bus (${(a.imuClocks / a.samples).toFixed(0)} clocks, ${((a.imuClocks / a.samples / 400_000) * 1e6).toFixed(0)} us per sample: a 1-byte pointer write and a 14-byte burst read); ${a.events} gestures seen of ${a.played} played (pick-up, shake, tilt, drop in turn)`);
}
