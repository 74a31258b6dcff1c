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
import config from "mc/config";
import { LinkSession } from "link/session";
import { Exerciser } from "virtual/exerciser";
import type { BleLinkOptions } from "link/ble-api";

export type { BleLinkOptions, BleRobot } from "link/ble-api";

export class BleLink {
  readonly session: LinkSession;
  readonly failure = "no BLE on lin";

  /** The virtual app of soak and memory runs (`mcconfig ... exercise=MS`), or undefined. */
  readonly exerciser: Exerciser | undefined;

  constructor(options: BleLinkOptions) {
    this.session = new LinkSession(options.robot);
    // A config key only the soak build sets (mcconfig's command line): not part of the app's schema.
    const ms = Number(config.exercise ?? 0);
    if (ms >= 100) {
      this.exerciser = new Exerciser(options.robot, ms | 0, options.trace);
      options.trace(`moodface: no BLE on lin (mcsim has none); a virtual app pairs and sends every stimulus, one each ${ms | 0} ms\n`);
    } else options.trace("moodface: no BLE on lin (mcsim has none); stimuli come from mcsim's Button\n");
  }

  /** The runtime's RobotLink: the passkey to show while the virtual app pairs; otherwise nothing. */
  service(now: number): number {
    return this.exerciser ? this.exerciser.service(now) : -1;
  }
}
