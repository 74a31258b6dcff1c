/*
 * The GATT service table against the codec: UUIDs, sizes and permissions come from one place
 * (modules/link/codec.ts via modules/link/gatt.ts), and the property bits match the SDK's. If any of
 * these drift, this fails. The adapter that builds the ECMA-419 table from them runs in
 * tests/link/ble-adapter.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  COMMAND_UUID,
  DEVICE_NAME,
  encodeAck,
  encodeDone,
  encodeError,
  encodeState,
  EVENT_BYTES,
  MAX_MESSAGE_BYTES,
  MSG_FORGET,
  REPLY_MAX_BYTES,
  SERVICE_UUID,
  STATE_BYTES,
  STATE_UUID,
} from "../../modules/link/codec.js";
import { COMMAND, NAME, propertyBits, SERVICE, STATE } from "../../modules/link/gatt.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { makeRobot } from "./helpers.js";

/** GATTServer.properties of Moddable SDK 8.2.3 (modules/io/ble/server/esp32/bleserver.js). */
const SDK_PROPERTIES = Object.freeze({
  authenticatedSignedWrites: 1 << 6,
  broadcast: 1 << 0,
  indicate: 1 << 5,
  notify: 1 << 4,
  read: 1 << 1,
  readAuthenticated: (1 << 10) | (1 << 1),
  readEncrypted: (1 << 9) | (1 << 1),
  reliableWrite: 1 << 7,
  subscribeAuthenticated: (1 << 16) | (1 << 4),
  subscribeEncrypted: (1 << 15) | (1 << 4),
  write: 1 << 3,
  writeAuthenticated: (1 << 13) | (1 << 3),
  writeEncrypted: (1 << 12) | (1 << 3),
  writeWithOutResponse: 1 << 2,
});
// NimBLE's meaning of the bits above (host/ble_gatt.h): BLE_GATT_CHR_F_WRITE_AUTHEN = 0x2000.
const WRITE_AUTHEN = 1 << 13;
const ANY_SECURITY = (1 << 9) | (1 << 10) | (1 << 12) | (1 << 13) | (1 << 15) | (1 << 16);

describe("GATT table and codec", () => {
  test("UUIDs: 128-bit, lowercase (Web Bluetooth), distinct, defined once", () => {
    const re = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const u of [SERVICE_UUID, COMMAND_UUID, STATE_UUID]) expect(u).toMatch(re);
    expect(new Set([SERVICE_UUID, COMMAND_UUID, STATE_UUID]).size).toBe(3);
    expect([SERVICE.uuid, COMMAND.uuid, STATE.uuid]).toEqual([SERVICE_UUID, COMMAND_UUID, STATE_UUID]);
    expect(SERVICE.characteristics).toEqual([COMMAND, STATE]);
    expect(NAME).toBe(DEVICE_NAME);
  });

  test("command: authenticated writes only, up to one message; replies (2..3 bytes) and EVENTs notified", () => {
    const bits = propertyBits(SDK_PROPERTIES, COMMAND.properties);
    expect(bits & WRITE_AUTHEN).toBe(WRITE_AUTHEN);
    expect(bits & SDK_PROPERTIES.write).toBe(SDK_PROPERTIES.write);
    expect(bits & SDK_PROPERTIES.writeWithOutResponse).toBe(0); // every write gets an ATT response
    expect(bits & SDK_PROPERTIES.read).toBe(0);
    expect(bits & SDK_PROPERTIES.notify).toBe(SDK_PROPERTIES.notify);
    expect(COMMAND.writeBytes).toBe(MAX_MESSAGE_BYTES);
    const b = new Uint8Array(8);
    const replies = [encodeAck(b, 1), encodeDone(b, MSG_FORGET), encodeError(b, 1, 0)];
    for (const n of replies) {
      expect(n).toBeGreaterThanOrEqual(COMMAND.notifyMinBytes);
      expect(n).toBeLessThanOrEqual(COMMAND.valueBytes);
    }
    expect(REPLY_MAX_BYTES).toBeLessThanOrEqual(COMMAND.valueBytes);
    expect(COMMAND.valueBytes).toBe(EVENT_BYTES);
    expect(EVENT_BYTES).toBeLessThanOrEqual(20);
  });

  test("state: public read and notify, exactly STATE_BYTES, one default-MTU packet", () => {
    const bits = propertyBits(SDK_PROPERTIES, STATE.properties);
    expect(bits).toBe(SDK_PROPERTIES.read | SDK_PROPERTIES.notify);
    expect(bits & ANY_SECURITY).toBe(0);
    expect(STATE.valueBytes).toBe(STATE_BYTES);
    expect(STATE.notifyMinBytes).toBe(STATE_BYTES);
    expect(STATE_BYTES).toBeLessThanOrEqual(20);
    const r = makeRobot();
    const out = new Uint8Array(64);
    expect(encodeState(out, r.engine.state)).toBe(STATE_BYTES);
    expect(r.state(out)).toBe(STATE_BYTES);
  });

  test("property names are checked: an unknown one throws at construction, not in a callback", () => {
    expect(() => propertyBits(SDK_PROPERTIES, ["writeSecretly"])).toThrow(/writeSecretly/);
  });

  test("typings/ble.d.ts and (where present) the SDK's own sources carry the same property bits", () => {
    const typings = readFileSync(join(REPO_ROOT, "typings", "ble.d.ts"), "utf8");
    for (const [k, v] of Object.entries(SDK_PROPERTIES)) expect([k, typings.includes(`${k}: ${v};`)]).toEqual([k, true]);
    const sdk = join(process.env.MODDABLE ?? "/tmp/moddable", "modules", "io", "ble", "server", "esp32", "bleserver.js");
    if (!existsSync(sdk)) return; // CI has no SDK: the table above is the SDK 8.2.3 one
    const src = readFileSync(sdk, "utf8");
    for (const [k, v] of Object.entries(SDK_PROPERTIES)) {
      const m = src.match(new RegExp(`\\b${k}: ([^,\\n]+),`));
      expect([k, m && (Function(`return ${m[1]}`)() as number)]).toEqual([k, v]);
    }
  });
});
