/*
 * `link/ble-peripheral` on lin: Moddable's Linux simulator has no BLE (its BLE modules are empty
 * stubs), so the manifest maps the adapter to this stand-in, as Moddable's own apps do. Same API as
 * modules/link/ble-peripheral.ts; it says so once and does nothing. The desktop simulator's
 * WebSocket link speaks the same session state machine (modules/link/session.ts).
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
    options.trace("moodface: no BLE on lin; the stimulus link is the simulator's WebSocket\n");
  }

  /** The runtime's RobotLink: nothing to notify, no passkey to show. */
  service(_now: number): number {
    return -1;
  }
}
