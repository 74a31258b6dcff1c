/*
 * The robot over Web Bluetooth: the stimulus service (modules/link/gatt.ts, docs/ble.md). Writes go
 * to the command characteristic (writeAuthenticated: the first write makes the system pair, asking
 * for the passkey on the robot's screen); its notifications (replies, EVENTs) go to the reply
 * handler; the state characteristic's values (notified or read) go to the state handler, and
 * nothing else does. If notifications stop (or never start), the state is read instead.
 */
import { COMMAND_UUID, SERVICE_UUID, STATE_UUID } from "../../../modules/link/codec.js";
import type { Transport, TransportEvents } from "./transport.js";
import { explainGattError } from "./gatt-errors.js";

export { explainGattError };

const POLL_MS = 500;

export class BluetoothTransport implements Transport {
  readonly kind = "bluetooth" as const;
  readonly pairing = "system" as const;
  readonly label: string;
  private command: BluetoothRemoteGATTCharacteristic | undefined;
  private state: BluetoothRemoteGATTCharacteristic | undefined;
  private closed = false;
  private lastState = 0;
  private poll: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly device: BluetoothDevice,
    private readonly on: TransportEvents,
  ) {
    this.label = `${device.name ?? "robot"} over Bluetooth`;
    device.addEventListener("gattserverdisconnected", () => this.dropped());
  }

  /** Must run from a click: the browser shows its chooser of robots nearby. */
  static async choose(on: TransportEvents): Promise<BluetoothTransport> {
    let device: BluetoothDevice;
    try {
      device = await navigator.bluetooth.requestDevice({ filters: [{ services: [SERVICE_UUID] }] });
    } catch (e) {
      const err = e as DOMException;
      throw new Error(err.name === "NotFoundError" ? "no robot chosen (is it switched on and nearby?)" : explainGattError(err, "Bluetooth"));
    }
    const t = new BluetoothTransport(device, on);
    await t.open();
    return t;
  }

  /**
   * The robot this page used last, without a chooser, where the browser allows it
   * (navigator.bluetooth.getDevices: Chrome with permissions persisted). Undefined when there is none.
   */
  static async reconnect(on: TransportEvents): Promise<BluetoothTransport | undefined> {
    const bt = navigator.bluetooth as Bluetooth & { getDevices?: () => Promise<BluetoothDevice[]> };
    if (!bt?.getDevices) return undefined;
    const devices = await bt.getDevices();
    if (devices.length === 0) return undefined;
    const t = new BluetoothTransport(devices[0], on);
    await t.open();
    return t;
  }

  private async open(): Promise<void> {
    const gatt = this.device.gatt;
    if (!gatt) throw new Error("this robot has no GATT server");
    try {
      const server = await gatt.connect();
      const service = await server.getPrimaryService(SERVICE_UUID);
      this.command = await service.getCharacteristic(COMMAND_UUID);
      this.state = await service.getCharacteristic(STATE_UUID);
    } catch (e) {
      throw new Error(explainGattError(e, "connecting"));
    }
    this.command.addEventListener("characteristicvaluechanged", (e) => {
      const v = this.bytes(e);
      if (v) this.on.reply(v);
    });
    this.state.addEventListener("characteristicvaluechanged", (e) => {
      this.lastState = performance.now();
      const v = this.bytes(e);
      if (v) this.on.state(v);
    });
    await this.command.startNotifications();
    await this.state.startNotifications();
    await this.refresh();
    this.poll ??= setInterval(() => {
      if (performance.now() - this.lastState >= POLL_MS) void this.refresh().catch(() => undefined);
    }, POLL_MS);
    this.on.up(this);
  }

  private bytes(e: Event): Uint8Array | undefined {
    const v = (e.target as BluetoothRemoteGATTCharacteristic).value;
    return v ? new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)) : undefined;
  }

  private dropped(): void {
    this.command = this.state = undefined;
    if (this.closed) return;
    this.on.down("the robot went out of reach; reconnecting", true);
    const retry = (ms: number) =>
      setTimeout(() => {
        if (this.closed) return;
        this.open().catch((e: Error) => {
          console.warn(`moodface: reconnecting: ${e.message}`);
          retry(Math.min(ms * 2, 10000));
        });
      }, ms);
    retry(1000);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.command) throw new Error("not connected: waiting for the robot to come back");
    try {
      await this.command.writeValueWithResponse(bytes as Uint8Array<ArrayBuffer>);
    } catch (e) {
      throw new Error(explainGattError(e, "the robot refused the write"));
    }
    await this.refresh().catch(() => undefined);
  }

  async refresh(): Promise<void> {
    if (!this.state) return;
    // A read fires characteristicvaluechanged on the state characteristic (Web Bluetooth spec),
    // whose listener hands the value to the state handler.
    await this.state.readValue();
    this.lastState = performance.now();
  }

  close(): void {
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    this.device.gatt?.disconnect();
  }
}
