/*
 * A virtual I2C bus with the ECMA-419 I2C class shape (`embedded:io/i2c`), for the Moddable lin build,
 * the host simulator and tests. It delivers writes to attached devices, accounts every transaction in
 * bytes and SCL clocks, can record a log, and can inject faults (a NACK on the k-th byte, a bus
 * timeout, a device unplugged) the way a loose wire would.
 */
import { transactionClocks } from "../display/commands.js";

export interface I2CDevice {
  /** One write: `length` bytes of `bytes` after the address byte. */
  receive(bytes: Uint8Array, length: number): void;
}

/** What a fault hook decides for one transaction. */
export const FAULT_NONE = -1;
export const FAULT_TIMEOUT = -2;

export interface BusCounters {
  transactions: number;
  /** Bytes clocked on the bus, address bytes included. */
  bytes: number;
  clocks: number;
  nacks: number;
  timeouts: number;
}

export interface I2COptions {
  data: number;
  clock: number;
  hz: number;
  address: number;
  port?: number;
  timeout?: number;
}

export class VirtualBus {
  readonly counters: BusCounters = { transactions: 0, bytes: 0, clocks: 0, nacks: 0, timeouts: 0 };
  private readonly addresses: number[] = [];
  private readonly devices: I2CDevice[] = [];
  /** Called with every transaction as it went on the wire (address, bytes, how many were ACKed). */
  onTransaction: ((address: number, bytes: Uint8Array, length: number, acked: number) => void) | undefined;
  /**
   * Fault injection: return FAULT_NONE, FAULT_TIMEOUT, or k >= 0 to NACK payload byte k (the device
   * has received bytes 0..k-1). A missing device NACKs its address as on a real bus.
   */
  fault: ((address: number, bytes: Uint8Array, length: number) => number) | undefined;

  attach(address: number, device: I2CDevice): void {
    this.addresses.push(address);
    this.devices.push(device);
  }

  detach(address: number): void {
    const i = this.addresses.indexOf(address);
    if (i >= 0) {
      this.addresses.splice(i, 1);
      this.devices.splice(i, 1);
    }
  }

  /** Bus time of everything so far at `hz`, in milliseconds. */
  timeMs(hz: number): number {
    return (this.counters.clocks * 1000) / hz;
  }

  write(address: number, bytes: Uint8Array, length: number): void {
    const c = this.counters;
    c.transactions++;
    const i = this.addresses.indexOf(address);
    let verdict = this.fault ? this.fault(address, bytes, length) : FAULT_NONE;
    if (i < 0) verdict = -3; // nobody answers the address
    if (verdict === FAULT_NONE) {
      c.bytes += length + 1;
      c.clocks += transactionClocks(length);
      this.devices[i].receive(bytes, length);
      if (this.onTransaction) this.onTransaction(address, bytes, length, length);
      return;
    }
    if (verdict === FAULT_TIMEOUT) {
      c.timeouts++;
      c.bytes += 1;
      c.clocks += transactionClocks(0);
      if (this.onTransaction) this.onTransaction(address, bytes, length, 0);
      throw new Error(`I2C timeout at address 0x${address.toString(16)}`);
    }
    c.nacks++;
    const acked = verdict === -3 ? 0 : Math.min(verdict, length);
    c.bytes += acked + 1;
    c.clocks += transactionClocks(acked);
    if (verdict !== -3 && acked > 0) this.devices[i].receive(bytes, acked);
    if (this.onTransaction) this.onTransaction(address, bytes, length, acked);
    throw new Error(verdict === -3 ? `I2C NACK: no device at address 0x${address.toString(16)}` : `I2C NACK on byte ${acked} at address 0x${address.toString(16)}`);
  }
}

/** An ECMA-419 I2C class bound to a virtual bus: `new I2C({data, clock, hz, address})`. */
export function i2cClassFor(bus: VirtualBus) {
  return class VirtualI2C {
    readonly address: number;
    readonly hz: number;
    private open = true;

    constructor(options: I2COptions) {
      if (!options || typeof options !== "object") throw new TypeError("I2C: options required");
      if (!(options.hz > 0)) throw new RangeError("I2C: hz is required and must be positive");
      if (!(options.address >= 0 && options.address <= 0x7f) || (options.address | 0) !== options.address) throw new RangeError("I2C: address must be a 7-bit integer");
      if (options.data === undefined || options.clock === undefined) throw new TypeError("I2C: data and clock pins are required");
      this.address = options.address;
      this.hz = options.hz;
    }

    write(buffer: ArrayBufferLike | ArrayBufferView, stop = true): void {
      if (!this.open) throw new Error("I2C: closed");
      void stop;
      const bytes = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
      bus.write(this.address, bytes, bytes.length);
    }

    read(): never {
      throw new Error("I2C: the SSD1306 does not support reads over I2C");
    }

    close(): void {
      this.open = false;
    }
  };
}

export type VirtualI2CClass = ReturnType<typeof i2cClassFor>;
