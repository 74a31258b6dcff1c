/*
 * `link/ble-peripheral` on lin: Moddable's Linux simulator has no BLE (its BLE modules are empty
 * stubs), so the manifest maps the adapter to this stand-in, as Moddable's own apps do. Same API as
 * modules/link/ble-peripheral.ts; it says so once and does nothing. Nothing stands in for the link
 * on mcsim: stimuli come from its Button (config.button). The Node simulator (`npm start`, not this
 * build) has a WebSocket link with the same session state machine (modules/link/session.ts).
 *
 * Imports by module specifier only: mapped to "link/ble-peripheral", a relative import would resolve
 * against that specifier (see builtin.ts).
 */
import { LinkSession } from "link/session";
import type { BleLinkOptions } from "link/ble-api";

export type { BleLinkOptions, BleRobot } from "link/ble-api";

export class BleLink {
  readonly session: LinkSession;
  readonly failure = "no BLE on lin";

  constructor(options: BleLinkOptions) {
    this.session = new LinkSession(options.robot);
    options.trace("moodface: no BLE on lin (mcsim has none); stimuli come from mcsim's Button\n");
  }

  /** Nothing to notify, no passkey to show. */
  frame(_now: number): number {
    return -1;
  }
}
