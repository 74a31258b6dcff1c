/// <reference lib="dom" />
/*
 * The stimulus app over Web Bluetooth, for real, in Debian chromium with Chromium's own Bluetooth
 * emulation (CDP BluetoothEmulation + DeviceAccess). The emulated peripheral offers the robot's GATT
 * service (modules/link/gatt.ts: UUIDs and properties from the codec); this test forwards each
 * write on the command characteristic into a real Robot and answers reads of the state
 * characteristic with the Robot's STATE.
 *
 * What the emulation cannot do: pair. Chromium's emulation has no security manager, so there is no
 * passkey and no encrypted link; the peripheral here accepts writes as a robot would from a phone
 * that already paired. Pairing and "not paired" are covered by the session's own tests
 * (tests/link/session.test.ts) and, over the simulator's WebSocket, by tests/app/app-sim.test.ts.
 * The emulation also cannot push a notification, so the app's state comes from its reads (it reads
 * after each write and whenever notifications are quiet).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type CDPSession, type Page } from "playwright-core";
import { Robot } from "../../modules/app/robot.js";
import { COMMAND_UUID, SERVICE_UUID, STATE_BYTES, STATE_UUID, MSG_ACK, DEVICE_NAME } from "../../modules/link/codec.js";
import { COMMAND, STATE } from "../../modules/link/gatt.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { createSimHost } from "../../tools/sim/host.js";
import { createServer, type Server } from "node:http";
import { sendFile } from "../../tools/app/serve.js";
import { tempDir } from "../helpers/cli.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { pairedApp } from "../link/helpers.js";

const OUT = join(REPO_ROOT, "test-output");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ADDRESS = "09:09:09:09:09:01";

/** CDP characteristic properties from the GATT table's property names. */
function cdpProperties(names: readonly string[]) {
  return {
    read: names.includes("read"),
    write: names.some((n) => n.startsWith("write") && n !== "writeWithOutResponse"),
    writeWithoutResponse: names.includes("writeWithOutResponse"),
    notify: names.includes("notify"),
    indicate: names.includes("indicate"),
  };
}

describe("stimulus app over emulated Web Bluetooth", () => {
  let server: Server; // serves a build of the app at a secure (localhost) origin
  let url = "";
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;
  let t = 0;
  const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), config: {}, now: () => t, trace: () => {} });
  const robot = new Robot(host);
  // The emulated peripheral stands in for the phone's bonded BLE link: its writes go through a paired session.
  const app = pairedApp(robot);
  const writes: number[][] = [];
  /** What the next reads of the state characteristic answer instead of the robot's STATE, and the next write's GATT error code. */
  const fake: { reads: number[][]; writeCode: number } = { reads: [], writeCode: 0 };
  const handles: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    // Its own build (tests/app/app-sim.test.ts rebuilds build/app, perhaps at the same time).
    const out = tempDir();
    execFileSync(process.execPath, [join(REPO_ROOT, "node_modules", "vite", "bin", "vite.js"), "build", join(REPO_ROOT, "tools", "app"), "--outDir", out, "--emptyOutDir"], { stdio: "pipe" });
    server = createServer((req, res) => sendFile(res, out, (req.url ?? "/").split("?")[0].slice(1) || "index.html"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
    robot.frame(0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--enable-features=WebBluetooth"] });
    cdp = await browser.newBrowserCDPSession();
    await cdp.send("BluetoothEmulation.enable" as never, { state: "powered-on", leSupported: true } as never);
    await cdp.send("BluetoothEmulation.simulatePreconnectedPeripheral" as never, { address: ADDRESS, name: DEVICE_NAME, manufacturerData: [], knownServiceUuids: [SERVICE_UUID] } as never);

    // Discovery: offer the service, both characteristics and their 0x2902 descriptors.
    cdp.on("BluetoothEmulation.gattOperationReceived" as never, (async (e: { address: string; type: string }) => {
      if (process.env.DEBUG_APP) console.log("gatt", e.type);
      if (e.type === "discovery" && !handles.service) {
        const s = (await cdp.send("BluetoothEmulation.addService" as never, { address: e.address, serviceUuid: SERVICE_UUID } as never)) as { serviceId: string };
        handles.service = s.serviceId;
        for (const [uuid, spec] of [[COMMAND_UUID, COMMAND], [STATE_UUID, STATE]] as const) {
          const c = (await cdp.send("BluetoothEmulation.addCharacteristic" as never, { serviceId: s.serviceId, characteristicUuid: uuid, properties: cdpProperties(spec.properties) } as never)) as { characteristicId: string };
          handles[uuid] = c.characteristicId;
          await cdp.send("BluetoothEmulation.addDescriptor" as never, { characteristicId: c.characteristicId, descriptorUuid: "00002902-0000-1000-8000-00805f9b34fb" } as never);
        }
      }
      await cdp.send("BluetoothEmulation.simulateGATTOperationResponse" as never, { address: e.address, type: e.type, code: 0 } as never);
    }) as never);

    // Writes go into the robot; reads of the state characteristic get the robot's STATE.
    cdp.on("BluetoothEmulation.characteristicOperationReceived" as never, (async (e: { characteristicId: string; type: string; data?: string; writeType?: string }) => {
      if (e.type === "read") {
        let state = new Uint8Array(STATE_BYTES);
        robot.state(state);
        if (e.characteristicId === handles[STATE_UUID] && fake.reads.length) state = Uint8Array.from(fake.reads.shift()!);
        await cdp.send("BluetoothEmulation.simulateCharacteristicOperationResponse" as never, { characteristicId: e.characteristicId, type: "read", code: 0, data: Buffer.from(state).toString("base64") } as never);
        return;
      }
      if (e.type === "write") {
        const bytes = new Uint8Array(Buffer.from(e.data ?? "", "base64"));
        writes.push(Array.from(bytes));
        const reply = app.write(bytes);
        // A few frames of robot time, so the engine moves on.
        for (let i = 0; i < 30; i++) robot.frame((t += 33));
        const code = fake.writeCode || (reply[0] === MSG_ACK ? 0 : 1);
        fake.writeCode = 0;
        await cdp.send("BluetoothEmulation.simulateCharacteristicOperationResponse" as never, { characteristicId: e.characteristicId, type: "write", code } as never);
        return;
      }
      await cdp.send("BluetoothEmulation.simulateCharacteristicOperationResponse" as never, { characteristicId: e.characteristicId, type: e.type, code: 0 } as never);
    }) as never);
    cdp.on("BluetoothEmulation.descriptorOperationReceived" as never, (async (e: { descriptorId: string; type: string }) => {
      await cdp.send("BluetoothEmulation.simulateDescriptorOperationResponse" as never, { descriptorId: e.descriptorId, type: e.type, code: 0, ...(e.type === "read" ? { data: "AAA=" } : {}) } as never);
    }) as never);

    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    page.on("console", (m) => process.env.DEBUG_APP && console.log(m.text()));
    const pageCdp = await page.context().newCDPSession(page);
    await pageCdp.send("DeviceAccess.enable" as never);
    let chosen = false;
    pageCdp.on("DeviceAccess.deviceRequestPrompted" as never, (async (e: { id: string; devices: { id: string; name: string }[] }) => {
      // The chooser: pick the robot (the event fires more than once).
      if (chosen || e.devices.length === 0) return;
      chosen = true;
      await pageCdp.send("DeviceAccess.selectPrompt" as never, { id: e.id, deviceId: e.devices[0].id } as never);
    }) as never);
    await page.goto(url);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  test("chooses the robot by its service UUID, reads its state, and drives it with stimuli", async () => {
    expect(SERVICE_UUID).toBe(SERVICE_UUID.toLowerCase());
    expect(await page.isDisabled("#ble")).toBe(false);
    await page.click("#ble");
    await page.waitForFunction(() => (window as any).moodfaceApp.connected && (window as any).moodfaceApp.states > 0, undefined, { timeout: 20_000 });
    expect(await page.textContent("#status")).toContain(`connected to the ${DEVICE_NAME} over Bluetooth`);
    expect(await page.textContent("#pair-text")).toContain("type the six digits shown on the robot");
    expect(await page.textContent("#emotion")).toBe("calm");

    await page.click('button[data-stimulus="gift"]');
    await page.waitForFunction(() => document.getElementById("emotion")!.textContent === "joy", undefined, { timeout: 20_000 });
    expect(EMOTIONS[robot.engine.state.dominant]).toBe("joy");
    const gift = robot.engine.stimulusIndex("gift");
    expect(writes.at(-1)).toEqual([0x01, 0x01, gift, Math.round(0.8 * 255), 0]);
    expect(await page.textContent("#word")).toBe(robot.engine.wheel.words[robot.engine.state.nuance]);
    await page.screenshot({ path: join(OUT, "app-ble-joy.png"), fullPage: true });

    // Intensity and a tag travel in the write.
    await page.fill("#strength", "1");
    await page.click("summary");
    await page.check('#tags input[data-tag="criticism"]');
    await page.click('button[data-stimulus="insult"]');
    await page.waitForFunction(() => document.getElementById("emotion")!.textContent === "mad", undefined, { timeout: 20_000 });
    expect(writes.at(-1)).toEqual([0x01, 0x01, robot.engine.stimulusIndex("insult"), 255, 1, robot.engine.catalog.tags.indexOf("criticism")]);
  });

  test("a dropped link is reconnected by the app", async () => {
    await cdp.send("BluetoothEmulation.simulateGATTDisconnection" as never, { address: ADDRESS } as never);
    // The emulated peripheral forgets its services with the connection: discovery adds them again.
    for (const k of Object.keys(handles)) delete handles[k];
    await page.waitForFunction(() => !(window as any).moodfaceApp.connected);
    expect(await page.textContent("#status")).toContain("reconnecting");
    await page.waitForFunction(() => (window as any).moodfaceApp.connected, undefined, { timeout: 20_000 });
    const states = await page.evaluate(() => (window as any).moodfaceApp.states);
    await page.waitForFunction((n) => (window as any).moodfaceApp.states > n, states, { timeout: 20_000 });
  });

  test("the state characteristic's values go to the state parser only; out-of-range values are refused", async () => {
    const before = await page.evaluate(() => ({ refused: (window as any).moodfaceApp.refused, emotion: document.getElementById("emotion")!.textContent }));
    const bad = new Uint8Array(STATE_BYTES);
    robot.state(bad);
    bad[STATE_BYTES - 3] = 8; // no ninth emotion
    // A DONE PAIR and an ERROR "not paired" read off the state characteristic, then a STATE naming no emotion.
    fake.reads.push([0x82, 0x12], [0xff, 0x08, 0x00], Array.from(bad));
    for (let i = 0; i < 3; i++) await page.evaluate(() => (document.getElementById("strength") as HTMLInputElement).dispatchEvent(new Event("input")));
    await page.waitForFunction((n) => (window as any).moodfaceApp.refused >= n + 3, before.refused, { timeout: 20_000 });
    const after = await page.evaluate(() => ({ paired: (window as any).moodfaceApp.paired, errors: (window as any).moodfaceApp.errors, emotion: document.getElementById("emotion")!.textContent, intensity: document.getElementById("intensity")!.textContent }));
    expect(after.paired).toBe(false);
    expect(after.errors).toEqual([]);
    expect(after.emotion).not.toBe("?");
    expect(after.intensity).toMatch(/^(mild|medium|strong)$/);
  });

  test("a failed write is explained from the browser's error, not with one sentence for all", async () => {
    await page.waitForFunction(() => (window as any).moodfaceApp.connected, undefined, { timeout: 20_000 });
    // Chromium's emulation reports every GATT error code as one NotSupportedError ("failed for unknown
    // reason"); the mapping from each DOMException is tested in tests/app/gatt-errors.test.ts.
    fake.writeCode = 0x80;
    await page.click('button[data-stimulus="praise"]');
    await page.waitForFunction(() => /^the robot refused the write: /.test(document.getElementById("status")!.textContent ?? ""), undefined, { timeout: 20_000 });
    const said = (await page.textContent("#status"))!;
    expect(said).toMatch(/\(GATT operation failed for unknown reason\.?\)$/);
    expect(said).not.toMatch(/pair/); // not an authentication error: no advice to pair
  });
});
