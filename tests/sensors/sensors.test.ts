import { join } from "node:path";
import { VirtualBus, i2cClassFor } from "../../modules/virtual/i2c.js";
import { VirtualMPU6050, REG, PWR_SLEEP } from "../../modules/virtual/mpu6050.js";
import { VirtualPins, digitalClassFor } from "../../modules/virtual/digital.js";
import MPU6050 from "../../modules/sensors/mpu6050.js";
import Touch from "../../modules/sensors/touch.js";
import { MotionDetector, MOTION_FALL, MOTION_NONE, MOTION_PICKUP, MOTION_SHAKE, MOTION_TILT, magnitude } from "../../modules/sensors/motion.js";
import { Robot } from "../../modules/app/robot.js";
import { REFLEXES } from "../../modules/face/reflexes.js";
import { parseConfig } from "../../modules/app/config.js";
import { createSimHost, runFor } from "../../tools/sim/host.js";
import { REPO_ROOT } from "../../tools/lib/data.js";

const pins = { data: 4, clock: 5 };
function bench() {
  const bus = new VirtualBus();
  const chip = new VirtualMPU6050();
  bus.attach(0x68, chip);
  const I2C = i2cClassFor(bus);
  return { bus, chip, I2C };
}

describe("virtual MPU-6050: register behaviour", () => {
  test("WHO_AM_I is 0x68; PWR_MGMT_1 resets to SLEEP; reads auto-increment from the pointer", () => {
    const { bus, chip } = bench();
    const out = new Uint8Array(2);
    bus.write(0x68, Uint8Array.of(REG.WHO_AM_I), 1);
    bus.read(0x68, out, 1);
    expect(out[0]).toBe(0x68);
    bus.write(0x68, Uint8Array.of(REG.PWR_MGMT_1), 1);
    bus.read(0x68, out, 2);
    expect([out[0], out[1]]).toEqual([PWR_SLEEP, 0]); // PWR_MGMT_1 then PWR_MGMT_2
    expect(chip.asleep).toBe(true);
  });

  test("asleep the data registers stay at zero; awake they hold the motion, big-endian, at the full scale", () => {
    const { bus, chip } = bench();
    chip.move(-1000, 500, 1000, 131, 0, -250);
    const raw = new Uint8Array(14);
    bus.write(0x68, Uint8Array.of(REG.ACCEL_XOUT_H), 1);
    bus.read(0x68, raw, 14);
    expect(raw.every((b) => b === 0)).toBe(true);
    bus.write(0x68, Uint8Array.of(REG.PWR_MGMT_1, 0x01), 2);
    bus.write(0x68, Uint8Array.of(REG.ACCEL_XOUT_H), 1);
    bus.read(0x68, raw, 14);
    const word = (i: number) => ((raw[i] << 24) >> 16) | raw[i + 1];
    expect([word(0), word(2), word(4)]).toEqual([-16384, 8192, 16384]);
    expect([raw[0], raw[1]]).toEqual([0xc0, 0x00]);
    expect([word(8), word(10), word(12)]).toEqual([17161, 0, -32750]);
    bus.write(0x68, Uint8Array.of(REG.ACCEL_CONFIG, 1 << 3), 2); // +-4 g
    bus.write(0x68, Uint8Array.of(REG.ACCEL_XOUT_H), 1);
    bus.read(0x68, raw, 2);
    expect(word(0)).toBe(-8192);
    bus.write(0x68, Uint8Array.of(REG.PWR_MGMT_1, 0x80), 2); // device reset
    expect(chip.asleep).toBe(true);
    expect(chip.registers[REG.ACCEL_CONFIG]).toBe(0);
  });

  test("a write to WHO_AM_I or a data register changes nothing; a missing device NACKs reads", () => {
    const { bus, chip } = bench();
    bus.write(0x68, Uint8Array.of(REG.WHO_AM_I, 0x12), 2);
    expect(chip.registers[REG.WHO_AM_I]).toBe(0x68);
    expect(() => bus.read(0x69, new Uint8Array(1), 1)).toThrow(/NACK/);
    expect(bus.counters.nacks).toBe(1);
  });
});

describe("MPU-6050 driver against the virtual chip", () => {
  test("wakes the chip, configures it, and samples mg and dps in 2 transactions, 17 bytes", () => {
    const { bus, chip, I2C } = bench();
    const imu = new MPU6050({ sensor: { io: I2C, ...pins, address: 0x68, hz: 400000 } });
    expect(chip.asleep).toBe(false);
    chip.move(250, -500, 1000, 90, -45, 0);
    const before = { ...bus.counters };
    const s = imu.sample();
    expect(bus.counters.transactions - before.transactions).toBe(2);
    expect(bus.counters.bytes - before.bytes).toBe(17);
    expect([s.ax, s.ay, s.az]).toEqual([250, -500, 1000]);
    expect([s.gx, s.gy, s.gz]).toEqual([89, -45, 0]); // raw * 500 >> 16 (raw / 131.07), toward minus infinity
    expect(imu.sample()).toBe(s); // the same object: no allocation per sample
    imu.configure({ accelerometerRange: 8 });
    chip.move(4000, 0, 0);
    expect(imu.sample().ax).toBe(4000);
  });

  test("no chip, or another chip: the constructor throws", () => {
    const { bus, I2C } = bench();
    expect(() => new MPU6050({ sensor: { io: I2C, ...pins, address: 0x69, hz: 400000 } })).toThrow(/NACK/);
    bus.attach(0x69, { receive: () => {}, transmit: (out) => out.fill(0x70) });
    expect(() => new MPU6050({ sensor: { io: I2C, ...pins, address: 0x69, hz: 400000 } })).toThrow(/not an MPU-6050 \(WHO_AM_I 0x70\)/);
  });
});

describe("touch pad driver on virtual pins", () => {
  test.each([false, true])("activeLow %s: one alert per touch, sample follows the finger", (activeLow) => {
    const p = new VirtualPins();
    const Digital = digitalClassFor(p);
    if (activeLow) p.pull(7, 1);
    let alerts = 0;
    const t = new Touch({ sensor: { io: Digital, pin: 7 }, activeLow, onAlert: () => alerts++ });
    expect(t.sample().touched).toBe(false);
    p.set(7, activeLow ? 0 : 1);
    expect(t.sample().touched).toBe(true);
    p.set(7, activeLow ? 1 : 0);
    p.set(7, activeLow ? 0 : 1);
    p.set(7, activeLow ? 1 : 0);
    expect(alerts).toBe(2);
    expect(t.sample().touched).toBe(false);
  });
});

describe("motion gestures from the virtual chip's scripts", () => {
  const run = (gesture: string, rate = 50) => {
    const { chip, I2C } = bench();
    const imu = new MPU6050({ sensor: { io: I2C, ...pins, address: 0x68, hz: 400000 } });
    const d = new MotionDetector();
    const events: [number, number][] = [];
    const period = 1000 / rate;
    for (let t = 0; t < 5000; t += period) {
      chip.time = t;
      if (t === 2000) chip.play(gesture);
      const e = d.feed(imu.sample(), t);
      if (e !== MOTION_NONE) events.push([e, t]);
    }
    return events.map(([e]) => e);
  };
  test.each([
    ["pickup", MOTION_PICKUP],
    ["shake", MOTION_SHAKE],
    ["tilt", MOTION_TILT],
    ["drop", MOTION_FALL],
  ])("%s gives exactly that gesture, at 50 Hz and at 25 Hz", (gesture, event) => {
    expect(run(gesture)).toEqual([event]);
    expect(run(gesture, 25)).toEqual([event]);
  });

  test("at rest nothing happens; magnitude is the integer length", () => {
    const d = new MotionDetector();
    for (let t = 0; t < 10000; t += 20) expect(d.feed({ ax: 10, ay: -20, az: 1000, gx: 1, gy: 0, gz: -2 }, t)).toBe(MOTION_NONE);
    expect(magnitude(0, 0, 1000)).toBe(1000);
    expect(magnitude(707, 0, 707)).toBeGreaterThanOrEqual(999);
    expect(magnitude(707, 0, 707)).toBeLessThanOrEqual(1000);
  });
});

describe("sensors on the robot (the simulator's virtual board)", () => {
  const sim = (config: Record<string, unknown> = {}) => {
    const traces: string[] = [];
    const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), now: () => 0, trace: (m) => traces.push(m), config });
    return { host, robot: new Robot(host), traces };
  };

  test("the shipped manifest has a touch pad and an IMU; touch giggles, a drop flinches, both reach the engine", () => {
    const { host, robot } = sim();
    expect(robot.senses.imu).toBeDefined();
    expect(robot.senses.touch).toBeDefined();
    let t = 0;
    const step = (ms: number) => {
      t = runFor(robot, host, t, t + ms);
    };
    step(1500);
    host.device.virtual.touch(true);
    host.device.virtual.touch(false);
    step(33);
    expect(REFLEXES[robot.animator.reflexing]).toBe("giggle");
    step(2000);
    host.device.virtual.imu!.play("drop");
    step(300);
    expect(REFLEXES[robot.animator.reflexing]).toBe("flinch");
    expect(robot.senses.samples).toBeGreaterThan(((t - 100) * 50) / 1000 - 2);
    expect(robot.senses.errors).toBe(0);
  });

  test("absent sensors are skipped with one trace line each; none configured: silent", () => {
    const traces: string[] = [];
    const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), now: () => 0, trace: (m) => traces.push(m) });
    host.bus.detach(0x68); // the IMU came loose
    const robot = new Robot(host);
    expect(robot.senses.imu).toBeUndefined();
    expect(traces.filter((l) => /IMU/.test(l))).toEqual(["moodface: no IMU at 0x68 (I2C NACK: no device at address 0x68); motion skipped\n"]);
    runFor(robot, host, 0, 1000);
    expect(traces.filter((l) => /IMU/.test(l)).length).toBe(1);
    const bare = sim({ sensors: { imu: { address: -1 }, touch: { pin: -1 } } });
    expect(bare.robot.senses.imu).toBeUndefined();
    expect(bare.robot.senses.touch).toBeUndefined();
    expect(bare.traces.filter((l) => /IMU|touch/.test(l))).toEqual([]);
  });

  test("config: pins and addresses are checked, one error line each", () => {
    const r = parseConfig({ button: { pin: 0 }, sensors: { touch: { pin: 0, activeLow: "maybe" }, imu: { address: 0x70, rate: 500 } } });
    expect(r.errors).toEqual([
      "config.sensors.touch.pin: 0 is the button's pin; use another GPIO or -1",
      'config.sensors.touch.activeLow: "maybe" is not allowed; use true or false',
      "config.sensors.imu.address: 112 is not allowed; use -1 (no IMU), 104 (0x68) or 105 (0x69)",
      "config.sensors.imu.rate: 500 is not allowed; use 10 to 200 samples a second",
    ]);
    expect(r.config.sensors).toEqual({ touch: { pin: -1, activeLow: false }, imu: { address: -1, rate: 50 } });
  });
});
