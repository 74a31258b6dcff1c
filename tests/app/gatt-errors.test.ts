/*
 * The app's explanation of a failed Web Bluetooth operation (tools/app/src/gatt-errors.ts), from the
 * DOMException name and Chromium's own texts for the ATT errors: pairing advice only where the
 * robot wants a paired link, and the browser's words kept in brackets.
 */
import { explainGattError } from "../../tools/app/src/gatt-errors.js";

const err = (name: string, message: string) => Object.assign(new Error(message), { name });

describe("GATT errors explained", () => {
  test.each([
    ["SecurityError", "GATT operation not authorized.", /wants a paired, encrypted link: pair with the six digits/],
    ["NetworkError", "GATT Error: Not paired.", /not paired: pair with the six digits/],
    ["NotSupportedError", "GATT operation failed: insufficient authentication", /not paired: pair/],
    ["NetworkError", "GATT Server is disconnected. Cannot perform GATT operations.", /went out of reach or closed the link/],
    ["InvalidStateError", "GATT Server is disconnected.", /not connected to the robot/],
    ["InvalidModificationError", "Value can't exceed 512 bytes.", /too long for the robot/],
    ["NotAllowedError", "User cancelled the requestDevice() chooser.", /did not allow it/],
    ["NotFoundError", "No Services matching UUID found in Device.", /has no stimulus service/],
    ["NotSupportedError", "GATT operation failed for unknown reason.", /does not allow this/],
    ["SecurityError", "Origin is not allowed to access the service.", /the browser refused .*localhost or https/],
  ])("%s: %s", (name, message, want) => {
    const text = explainGattError(err(name, message), "the robot refused the write");
    expect(text).toMatch(/^the robot refused the write: /);
    expect(text).toMatch(want);
    expect(text).toContain(`(${message})`);
  });

  test("no two kinds of failure say the same", () => {
    const texts = [
      ["SecurityError", "GATT operation not authorized."],
      ["NetworkError", "GATT Server is disconnected."],
      ["InvalidStateError", "x"],
      ["InvalidModificationError", "x"],
      ["NotSupportedError", "GATT operation failed for unknown reason."],
    ].map(([n, m]) => explainGattError(err(n, m), "write").replace(/\(.*\)$/, ""));
    expect(new Set(texts).size).toBe(texts.length);
  });
});
