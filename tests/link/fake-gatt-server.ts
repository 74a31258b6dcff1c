/*
 * A stand-in for Moddable's `embedded:io/bluetoothle/peripheral` (ECMA-419 GATT server) for the BLE
 * adapter's test: it keeps the options the adapter built, records advertising, and lets the test play
 * the stack's callbacks. The property bits are SDK 8.2.3's (typings/ble.d.ts).
 */
export interface Recorded {
  server: GATTServer | undefined;
}
/** The last server built (the test reads it after the adapter's constructor ran). */
export const recorded: Recorded = { server: undefined };

export class GATTServer {
  static readonly properties = Object.freeze({
    authenticatedSignedWrites: 64,
    broadcast: 1,
    indicate: 32,
    notify: 16,
    read: 2,
    readAuthenticated: 1026,
    readEncrypted: 514,
    reliableWrite: 128,
    subscribeAuthenticated: 65552,
    subscribeEncrypted: 32784,
    write: 8,
    writeAuthenticated: 8200,
    writeEncrypted: 4104,
    writeWithOutResponse: 4,
  });
  readonly options: Record<string, unknown>;
  advertising: { scan: unknown; response: unknown } | undefined;
  constructor(options: Record<string, unknown>) {
    this.options = options;
    recorded.server = this;
  }
  startAdvertising(scan: unknown, response?: unknown): void {
    this.advertising = { scan, response };
  }
  stopAdvertising(): void {
    this.advertising = undefined;
  }
  addService(): void {}
}
