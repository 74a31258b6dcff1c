/*
 * The esp32 BLE adapter (modules/link/ble-peripheral.ts) run for real against a stand-in for the
 * SDK's GATT server (tests/link/fake-gatt-server.ts, swapped in by esbuild for
 * `embedded:io/bluetoothle/peripheral`), with a real Robot behind it: the service table it builds,
 * what it advertises, what a phone reads, is notified and may write, the passkey it hands the
 * runtime, FORGET, and that no exception leaves a callback (on XS that would abort the VM).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { Robot, type RobotLink } from "../../modules/app/robot.js";
import {
  encodeForget,
  encodeStimulus,
  decodeState,
  decodeEvent,
  EVENT_BYTES,
  MSG_EVENT,
  MSG_ACK,
  MSG_DONE,
  MSG_ERROR,
  MSG_FORGET,
  ERR_TAG,
  STATE_BYTES,
} from "../../modules/link/codec.js";
import { ADVERTISING_FLAGS, COMMAND, GAP_NAME_UUID, GAP_SERVICE_UUID, NAME, propertyBits, SERVICE, STATE } from "../../modules/link/gatt.js";
import { NOTIFY_INTERVAL_MS } from "../../modules/link/session.js";
import { drawPasskey } from "../../modules/face/passkey.js";
import { FRAME_BYTES } from "../../modules/common/geometry.js";
import { createSimHost } from "../../tools/sim/host.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";
import type { GATTServer } from "./fake-gatt-server.js";

type Callback = (this: unknown, ...args: unknown[]) => unknown;
interface Char {
  uuid: string;
  properties: number;
  value?: ArrayBuffer;
  [k: string]: unknown;
}
interface Service {
  uuid: string;
  characteristics: Char[];
}

/** The adapter, bundled with the stand-in server in its place; XS's ArrayBuffer.fromString and native() provided. */
async function loadAdapter(): Promise<{ BleLink: new (o: { robot: Robot; trace(m: string): void }) => RobotLink & { failure: string }; recorded: { server: GATTServer | undefined } }> {
  const out = join(tempDir(), "ble-peripheral.mjs");
  const fake = join(REPO_ROOT, "tests", "link", "fake-gatt-server.ts");
  await build({
    stdin: {
      contents: `export { BleLink } from ${JSON.stringify(join(REPO_ROOT, "modules", "link", "ble-peripheral.ts"))};\nexport { recorded } from ${JSON.stringify(fake)};\n`,
      resolveDir: REPO_ROOT,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    outfile: out,
    logLevel: "silent",
    plugins: [{ name: "fake-gatt", setup: (b) => b.onResolve({ filter: /^embedded:io\/bluetoothle\/peripheral$/ }, () => ({ path: fake })) }],
  });
  const g = globalThis as unknown as { native: (name: string) => () => number; __bonds: string[] };
  g.__bonds = [];
  g.native = (name: string) =>
    function () {
      g.__bonds.push(name);
      return 0;
    };
  (ArrayBuffer as unknown as { fromString(s: string): ArrayBuffer }).fromString = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;
  return import(pathToFileURL(out).href);
}

function connection() {
  const sent: { uuid: string; bytes: number[]; byteLength: number }[] = [];
  return {
    sent,
    closed: false,
    notify(ch: Char, value: ArrayBuffer) {
      sent.push({ uuid: ch.uuid, bytes: Array.from(new Uint8Array(value)), byteLength: value.byteLength });
    },
    close() {
      this.closed = true;
    },
    replyToPasskey() {},
  };
}

describe("the BLE adapter on a stand-in GATT server", () => {
  let mod: Awaited<ReturnType<typeof loadAdapter>>;
  beforeAll(async () => {
    mod = await loadAdapter();
  });

  const start = () => {
    const traces: string[] = [];
    const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), now: () => 0, trace: () => {}, config: { sensors: { imu: { address: -1 } } } });
    const robot = new Robot(host);
    const ble = new mod.BleLink({ robot, trace: (m) => traces.push(m) });
    robot.attach(ble);
    const server = mod.recorded.server!;
    const o = server.options as Record<string, Callback> & { services: Service[]; security: Record<string, unknown> };
    const services = o.services;
    const command = services[1].characteristics[0];
    const state = services[1].characteristics[1];
    const call = (ch: Char | undefined, name: string, ...args: unknown[]) => ((ch ?? o)[name] as Callback).call(ch ?? server, ...args);
    return { traces, host, robot, ble, server, o, services, command, state, call };
  };

  test("the table comes from gatt.ts with the stack's property bits; it advertises the service, the name in the scan response", () => {
    const { services, command, state, o, call, server, ble } = start();
    expect(ble.failure).toBe("");
    expect(services.map((s) => s.uuid)).toEqual([GAP_SERVICE_UUID, SERVICE.uuid]);
    expect(services[0].characteristics[0].uuid).toBe(GAP_NAME_UUID);
    expect(new TextDecoder().decode(services[0].characteristics[0].value)).toBe(NAME);
    const bits = (names: readonly string[]) => propertyBits((server.constructor as typeof GATTServer).properties, names);
    expect([command.uuid, command.properties]).toEqual([COMMAND.uuid, bits(COMMAND.properties)]);
    expect([state.uuid, state.properties]).toEqual([STATE.uuid, bits(STATE.properties)]);
    // DisplayOnly, bonding, MITM: the phone types the passkey the robot shows.
    expect(o.security).toMatchObject({ bond: true, authenticate: true, display: true, keyboard: false });
    call(undefined, "onReady");
    expect(server.advertising).toEqual({ scan: { flags: ADVERTISING_FLAGS, services: [SERVICE.uuid] }, response: { name: NAME } });
    // One legacy advertising packet is 31 bytes: flags (3) and the complete 128-bit UUID list (2 + 16).
    const adBytes = 3 + 2 + 16 * (server.advertising!.scan as { services: string[] }).services.length;
    expect(adBytes).toBeLessThanOrEqual(31);
    expect(2 + NAME.length).toBeLessThanOrEqual(31);
  });

  test("a phone reads and is notified STATE (exact length, 10 Hz), pairs with the passkey shown by the runtime, then drives the robot", () => {
    const { robot, host, command, state, call, traces } = start();
    const phone = connection();
    call(undefined, "onConnect", phone);
    const read = call(state, "onRead") as ArrayBuffer;
    expect(read.byteLength).toBe(STATE_BYTES);
    expect(decodeState(new Uint8Array(read))?.dominant).toBe(robot.engine.state.dominant);
    call(state, "onSubscribe", phone);
    call(command, "onSubscribe", phone);
    let t = 0;
    for (; t < 1000; t += robot.tickMs) robot.tick(t);
    const notes = phone.sent.filter((s) => s.uuid === STATE.uuid);
    expect(notes.length).toBeGreaterThanOrEqual(1000 / NOTIFY_INTERVAL_MS - 1);
    expect(notes.length).toBeLessThanOrEqual(1000 / NOTIFY_INTERVAL_MS + 1);
    for (const n of notes) expect(n.byteLength).toBe(STATE_BYTES);

    // The stack asks the robot to show a passkey: the runtime draws it on the panel.
    call(undefined, "onPasskey", phone, "display", 271828);
    robot.tick((t += 40));
    const want = new Uint8Array(FRAME_BYTES);
    drawPasskey(want, 271828);
    expect(Buffer.from(host.panel.glassFrame()).equals(Buffer.from(want))).toBe(true);
    call(undefined, "onSecured", phone, { encrypted: true, authenticated: true, bonded: true, keySize: 16 });
    robot.tick((t += 40));
    expect(Buffer.from(host.panel.glassFrame()).equals(Buffer.from(want))).toBe(false);
    expect(traces.join("")).toContain("BLE secured (encrypted true, authenticated true, bonded true, key 16)");

    // A stimulus: the reply is notified on the command characteristic, exactly its length.
    const msg = new Uint8Array(20);
    const gift = robot.engine.stimulusIndex("gift");
    call(command, "onWrite", msg.slice(0, encodeStimulus(msg, gift, 255)).buffer, phone);
    expect(phone.sent.at(-1)).toEqual({ uuid: COMMAND.uuid, bytes: [MSG_ACK, gift], byteLength: 2 });
    call(command, "onWrite", msg.slice(0, encodeStimulus(msg, gift, 255, [250])).buffer, phone);
    expect(phone.sent.at(-1)).toEqual({ uuid: COMMAND.uuid, bytes: [MSG_ERROR, ERR_TAG, 5], byteLength: 3 });
    // A second later the runtime's EVENT for that gift is notified on the command characteristic, exactly its length.
    const events = () => phone.sent.filter((s) => s.uuid === COMMAND.uuid && s.bytes[0] === MSG_EVENT);
    for (const end = t + 1500; t < end; t += robot.tickMs) robot.tick(t);
    expect(events()).toHaveLength(1);
    expect(events()[0].byteLength).toBe(EVENT_BYTES);
    expect(decodeEvent(Uint8Array.from(events()[0].bytes))).toMatchObject({ stimulus: gift, intensity: 255 });
    // FORGET: NimBLE's bonds cleared through the native call.
    call(command, "onWrite", msg.slice(0, encodeForget(msg)).buffer, phone);
    expect(phone.sent.at(-1)!.bytes).toEqual([MSG_DONE, MSG_FORGET]);
    expect((globalThis as unknown as { __bonds: string[] }).__bonds).toEqual(["xs_link_forget_bonds"]);
    expect(traces).toContain("moodface: BLE bonds deleted\n");
  });

  test("one peer at a time; writes from anyone else are ignored", () => {
    const { call, command, robot } = start();
    const a = connection();
    const b = connection();
    call(undefined, "onConnect", a);
    call(undefined, "onConnect", b);
    expect(b.closed).toBe(true);
    const msg = new Uint8Array(20);
    const before = Array.from(robot.engine.state.levels);
    call(command, "onWrite", msg.slice(0, encodeStimulus(msg, 0, 255)).buffer, b);
    expect(b.sent).toEqual([]);
    expect(Array.from(robot.engine.state.levels)).toEqual(before);
  });

  test("no exception leaves any callback, whatever the stack hands it", () => {
    const { o, services, call, traces } = start();
    const phone = connection();
    call(undefined, "onConnect", phone);
    const names = (x: Record<string, unknown>) => Object.keys(x).filter((k) => /^on[A-Z]/.test(k) && typeof x[k] === "function");
    const places: [Char | undefined, string][] = [
      ...names(o).map((n) => [undefined, n] as [Char | undefined, string]),
      ...services.flatMap((s) => s.characteristics.flatMap((ch) => names(ch).map((n) => [ch, n] as [Char | undefined, string]))),
    ];
    expect(places.map((p) => p[1]).sort()).toEqual(["onConnect", "onDisconnect", "onPasskey", "onRead", "onReady", "onSecured", "onSubscribe", "onSubscribe", "onUnsubscribe", "onUnsubscribe", "onWarning", "onWrite"].sort());
    const poison = new Proxy({}, { get: () => { throw new Error("poisoned"); } });
    for (const [ch, name] of places) {
      for (const args of [[], [phone, poison, poison], [poison, poison, poison]]) {
        expect(() => call(ch, name, ...args)).not.toThrow();
      }
    }
    expect(traces.some((l) => /BLE \w+: /.test(l))).toBe(true);
  });
});
