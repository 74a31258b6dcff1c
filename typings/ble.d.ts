/*
 * The ECMA-419 BLE peripheral (`embedded:io/bluetoothle/peripheral`, Moddable SDK 8.2.3,
 * modules/io/ble/server, esp32 and mac only) as modules/link/ble-peripheral.ts uses it, for type
 * checking without the SDK. A subset of the SDK's typings/embedded_io/ble/peripheral.d.ts, except
 * `security`: the esp32 native code (bleserver.c) reads `bond`, `authenticate`, `display`,
 * `keyboard` and `immediate`, while the SDK's typings only list `ioCapabilities`; the adapter passes
 * both (docs/ble.md).
 */
declare module "embedded:io/bluetoothle/peripheral" {
  type ByteBuffer = ArrayBuffer | ArrayBufferView;

  interface GATTSecurityState {
    encrypted: boolean;
    authenticated: boolean;
    bonded: boolean;
    keySize: number;
  }

  interface GATTSecurityOptions {
    bond?: boolean;
    authenticate?: boolean;
    ioCapabilities?: "none" | "display" | "numbers" | "display+numbers" | "display+confirm";
    immediate?: boolean;
  }

  interface GATTServerConnection {
    close(): void;
    notify(characteristic: GATTServerCharacteristic, value: ArrayBuffer, callback?: (error?: Error) => void): void;
    replyToPasskey(action: "input" | "compareNumber" | "outOfBand", value: number | boolean | ArrayBuffer): void;
  }

  interface GATTServerDescriptor {
    uuid: string;
    value?: ByteBuffer;
  }

  interface GATTServerCharacteristic {
    uuid: string;
    properties?: number;
    value?: ByteBuffer;
    descriptors?: GATTServerDescriptor[];
    onRead?(this: GATTServerCharacteristic, connection: GATTServerConnection): ByteBuffer;
    onWrite?(this: GATTServerCharacteristic, value: ArrayBuffer, connection: GATTServerConnection): void;
    onSubscribe?(this: GATTServerCharacteristic, connection: GATTServerConnection): void;
    onUnsubscribe?(this: GATTServerCharacteristic, connection: GATTServerConnection): void;
  }

  interface GATTServerService {
    uuid: string;
    characteristics?: GATTServerCharacteristic[];
  }

  interface GATTServerAdvertisingRecords {
    name?: string;
    services?: string[];
    flags?: number;
  }

  interface GATTServerOptions {
    mtu?: number;
    services: GATTServerService[];
    security?: GATTSecurityOptions;
    onReady?(this: GATTServer): void;
    onConnect?(this: GATTServer, connection: GATTServerConnection): void;
    onDisconnect?(this: GATTServer, connection: GATTServerConnection): void;
    onPasskey?(this: GATTServer, connection: GATTServerConnection, action: "input" | "display" | "compareNumber" | "outOfBand", data?: number | ArrayBuffer): void;
    onSecured?(this: GATTServer, connection: GATTServerConnection, state: GATTSecurityState): void;
    onWarning?(this: GATTServer, message: string): void;
  }

  class GATTServer {
    constructor(options: GATTServerOptions);
    close?(): void;
    addService(service: GATTServerService): void;
    startAdvertising(scan: GATTServerAdvertisingRecords, response?: GATTServerAdvertisingRecords): void;
    stopAdvertising(): void;
    static readonly properties: {
      authenticatedSignedWrites: 64;
      broadcast: 1;
      indicate: 32;
      notify: 16;
      read: 2;
      readAuthenticated: 1026;
      readEncrypted: 514;
      reliableWrite: 128;
      subscribeAuthenticated: 65552;
      subscribeEncrypted: 32784;
      write: 8;
      writeAuthenticated: 8200;
      writeEncrypted: 4104;
      writeWithOutResponse: 4;
    };
  }

  export { GATTServer };
}

// XS: ArrayBuffer from a string's UTF-8 bytes (as in the SDK's xs typings).
declare interface ArrayBufferConstructor {
  fromString(string: string): ArrayBuffer;
}
