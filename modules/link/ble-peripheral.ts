/*
 * The stimulus service over BLE on the esp32: a thin adapter between Moddable's ECMA-419 GATT server
 * (`embedded:io/bluetoothle/peripheral`, NimBLE) and the link session (./session.ts), which decides
 * everything. Why ECMA-419 and not BLEServer, and what the stack guarantees: docs/ble.md.
 *
 *   robot.attach(new BleLink({ robot, trace }));   // once, after the robot
 *   the runtime, every frame: ble.service(now)     // STATE notifications (10 Hz); the passkey to show
 *
 * - Command characteristic (writeAuthenticated + notify): NimBLE lets a write through only on a link
 *   encrypted with an authenticated (passkey) key; the build allows LE Secure Connections only
 *   (sdkconfig). Writes go to session.write(); the reply is notified back, exact length; so are the
 *   runtime's EVENT messages (event()).
 * - State characteristic (read + notify): STATE, 19 bytes, from an exact-length buffer.
 * - GAP name readable by anyone; advertising: flags + the 128-bit service UUID, name in the scan
 *   response. DisplayOnly, bonding, MITM: the passkey is service()'s result, drawn by the runtime.
 * - One peer at a time; a second connection is closed. No exception leaves a BLE callback (on XS that
 *   aborts the VM): every callback body is in try/catch (no closures: nothing allocated per message).
 * On `lin` the manifest maps this module to modules/virtual/ble-peripheral.ts (no BLE there).
 */
import { GATTServer } from "embedded:io/bluetoothle/peripheral";
import { LinkSession, ACT_FORGET_BONDS, SEC_AUTHENTICATED, SEC_BONDED, SEC_ENCRYPTED, SEC_SECURE_CONNECTIONS } from "./session.js";
import type { BleLinkOptions } from "./ble-api.js";

export type { BleLinkOptions, BleRobot } from "./ble-api.js";
import { ADVERTISING_FLAGS, COMMAND, GAP_NAME_UUID, GAP_SERVICE_UUID, NAME, SERVICE, STATE, propertyBits } from "./gatt.js";
import { EVENT_BYTES, MAX_MESSAGE_BYTES, REPLY_MAX_BYTES, STATE_BYTES } from "./codec.js";

type ServerOptions = ConstructorParameters<typeof GATTServer>[0];
type Connection = Parameters<NonNullable<ServerOptions["onConnect"]>>[0];
type Characteristic = NonNullable<ServerOptions["services"][number]["characteristics"]>[number];

/** LE Secure Connections keys are 128-bit. */
const SC_KEY_SIZE = 16;

export class BleLink {
  readonly session: LinkSession;
  /** Why BLE is not running, or "" while it is. */
  failure = "";
  private readonly options: BleLinkOptions;
  private server: GATTServer | undefined;
  private peer: Connection | undefined;
  private commandChar: Characteristic | undefined;
  private stateChar: Characteristic | undefined;
  private commandSubscribed = false;
  private now = 0;
  private errors = 0;
  // Exact-length buffers: notify() sends the whole buffer it is given.
  private readonly stateBuffer = new ArrayBuffer(STATE_BYTES);
  private readonly stateBytes = new Uint8Array(this.stateBuffer);
  private readonly reply = new Uint8Array(REPLY_MAX_BYTES);
  private readonly reply2 = new ArrayBuffer(2);
  private readonly reply2Bytes = new Uint8Array(this.reply2);
  private readonly reply3 = new ArrayBuffer(3);
  private readonly reply3Bytes = new Uint8Array(this.reply3);
  private readonly eventBuffer = new ArrayBuffer(EVENT_BYTES);
  private readonly eventBytes = new Uint8Array(this.eventBuffer);

  constructor(options: BleLinkOptions) {
    this.options = options;
    this.session = new LinkSession(options.robot);
    const self = this;
    const name = options.name ?? NAME;
    // The esp32 native code reads display/bond/authenticate; the SDK's typings know ioCapabilities.
    const security = { bond: true, authenticate: true, display: true, keyboard: false, immediate: false, ioCapabilities: "display" as const };
    try {
      this.server = new GATTServer({
        services: [
          { uuid: GAP_SERVICE_UUID, characteristics: [{ uuid: GAP_NAME_UUID, properties: GATTServer.properties.read, value: ArrayBuffer.fromString(name) }] },
          {
            uuid: SERVICE.uuid,
            characteristics: [
              {
                uuid: COMMAND.uuid,
                properties: propertyBits(GATTServer.properties, COMMAND.properties),
                onWrite(this: Characteristic, value: ArrayBuffer, connection: Connection) {
                  try {
                    self.written(this, value, connection);
                  } catch (err) {
                    self.fail("write", err);
                  }
                },
                onSubscribe(this: Characteristic, connection: Connection) {
                  try {
                    if (connection !== self.peer) return;
                    self.commandChar = this;
                    self.commandSubscribed = true;
                  } catch (err) {
                    self.fail("subscribe", err);
                  }
                },
                // `unknown`: SDK 8.2.3's typings declare onUnsubscribe(cthis, onnection), a typo for (this, connection).
                onUnsubscribe(connection: unknown) {
                  try {
                    if (connection === self.peer) self.commandSubscribed = false;
                  } catch (err) {
                    self.fail("unsubscribe", err);
                  }
                },
              },
              {
                uuid: STATE.uuid,
                properties: propertyBits(GATTServer.properties, STATE.properties),
                onRead(this: Characteristic) {
                  // Public, like the face. An exception here must not reach NimBLE's task either.
                  try {
                    self.fillState();
                  } catch (err) {
                    self.fail("read", err);
                  }
                  return self.stateBuffer;
                },
                onSubscribe(this: Characteristic, connection: Connection) {
                  try {
                    if (connection !== self.peer) return;
                    self.stateChar = this;
                    self.session.subscribe(true, self.now);
                  } catch (err) {
                    self.fail("subscribe", err);
                  }
                },
                // `unknown`: SDK 8.2.3's typings declare onUnsubscribe(cthis, onnection), a typo for (this, connection).
                onUnsubscribe(connection: unknown) {
                  try {
                    if (connection === self.peer) self.session.subscribe(false, self.now);
                  } catch (err) {
                    self.fail("unsubscribe", err);
                  }
                },
              },
            ],
          },
        ],
        security,
        onReady() {
          try {
            this.startAdvertising({ flags: ADVERTISING_FLAGS, services: [SERVICE.uuid] }, { name });
            options.trace(`moodface: BLE advertising as "${name}"\n`);
          } catch (err) {
            self.fail("ready", err);
          }
        },
        onConnect(connection) {
          try {
            if (self.peer) {
              options.trace("moodface: BLE second peer refused (one at a time)\n");
              connection.close();
              return;
            }
            self.peer = connection;
            self.commandSubscribed = false;
            self.session.connect(self.now);
          } catch (err) {
            self.fail("connect", err);
          }
        },
        onDisconnect(connection) {
          try {
            if (connection !== self.peer) return;
            self.peer = undefined;
            self.commandSubscribed = false;
            self.session.disconnect();
          } catch (err) {
            self.fail("disconnect", err);
          }
        },
        onSecured(connection, state) {
          try {
            if (connection !== self.peer) return;
            // SC-only build (docs/ble.md): an encrypted link with a full-size key is LE Secure Connections.
            let flags = 0;
            if (state.encrypted) flags |= SEC_ENCRYPTED;
            if (state.authenticated) flags |= SEC_AUTHENTICATED;
            if (state.bonded) flags |= SEC_BONDED;
            if (state.encrypted && state.keySize === SC_KEY_SIZE) flags |= SEC_SECURE_CONNECTIONS;
            self.session.secured(flags);
            options.trace(`moodface: BLE secured (encrypted ${state.encrypted}, authenticated ${state.authenticated}, bonded ${state.bonded}, key ${state.keySize})\n`);
          } catch (err) {
            self.fail("secured", err);
          }
        },
        onPasskey(connection, action, data) {
          try {
            if (connection !== self.peer) return;
            if (action === "display" && typeof data === "number") self.session.showPasskey(data, self.now);
            else {
              // DisplayOnly: nothing else should be asked; say no where an answer is expected.
              if (action === "compareNumber") connection.replyToPasskey("compareNumber", false);
              self.session.pairingFailed();
            }
          } catch (err) {
            self.fail("passkey", err);
          }
        },
        onWarning(message) {
          try {
            options.trace(`moodface: BLE warning: ${message}\n`);
          } catch (err) {
            self.fail("warning", err);
          }
        },
      });
    } catch (err) {
      this.failure = `BLE did not start: ${(err as Error).message}`;
      options.trace(`moodface: ${this.failure}\n`);
    }
  }

  /**
   * Every frame (the runtime's RobotLink): keeps the adapter's clock, sends a STATE notification
   * when one is due (10 Hz at most, only while the peer subscribes) and returns the passkey to draw
   * full screen, or -1.
   */
  service(now: number): number {
    this.now = now;
    const s = this.session;
    if (this.peer && this.stateChar && s.notifyDue(now)) {
      s.notified(now);
      try {
        this.fillState();
        this.peer.notify(this.stateChar, this.stateBuffer);
      } catch (err) {
        this.fail("notify", err);
      }
    }
    return s.overlay(now);
  }

  /**
   * The runtime's EVENT (what a stimulus did, for the app's event log): notified on the command
   * characteristic to a peer that subscribed to it, paired or not (the face is public too).
   */
  event(bytes: Uint8Array, length: number): void {
    if (!this.peer || !this.commandChar || !this.commandSubscribed || length !== EVENT_BYTES) return;
    for (let i = 0; i < length; i++) this.eventBytes[i] = bytes[i];
    try {
      this.peer.notify(this.commandChar, this.eventBuffer);
    } catch (err) {
      this.fail("notify", err);
    }
  }

  private fillState(): void {
    this.options.robot.state(this.stateBytes);
  }

  private written(ch: Characteristic, value: ArrayBuffer, connection: Connection): void {
    if (connection !== this.peer) return;
    this.commandChar = ch;
    const s = this.session;
    // NimBLE delivers writes to this characteristic only on an authenticated link. If the stack did
    // not report a pairing in this connection, a bond was restored (docs/ble.md).
    s.resumed();
    const length = value.byteLength;
    // One view per write: the stack hands each write over as a new ArrayBuffer.
    const bytes = new Uint8Array(value, 0, length > MAX_MESSAGE_BYTES + 1 ? MAX_MESSAGE_BYTES + 1 : length);
    const n = s.write(bytes, length, this.reply, this.now);
    if (s.takeActions() & ACT_FORGET_BONDS) this.forgetBonds();
    if (this.commandSubscribed && n > 0) {
      let out = this.reply2;
      let outBytes = this.reply2Bytes;
      if (n === 3) {
        out = this.reply3;
        outBytes = this.reply3Bytes;
      }
      for (let i = 0; i < n; i++) outBytes[i] = this.reply[i];
      connection.notify(ch, out);
    }
  }

  private forgetBonds(): void {
    // NimBLE's ble_store_clear() (native/link/bonds.c): the SDK's SM.deleteAllBondings stops after the
    // first bond and belongs to the other BLE API.
    const err = BleLink.clearBonds();
    this.options.trace(err === 0 ? "moodface: BLE bonds deleted\n" : `moodface: BLE bonds not deleted (NimBLE error ${err})\n`);
  }

  /** NimBLE ble_store_clear(): 0 or NimBLE's error code. (One `return native(...).call(this)`: XS binds it directly.) */
  private static clearBonds(): number {
    return native("xs_link_forget_bonds").call(this) as number;
  }

  /** Every callback ends here on an exception: traced (the first few), and it goes no further. */
  private fail(where: string, err: unknown): void {
    try {
      if (this.errors++ < 8) this.options.trace(`moodface: BLE ${where}: ${(err as Error)?.message ?? err}\n`);
    } catch {
      // Not even a trace may escape.
    }
  }
}
