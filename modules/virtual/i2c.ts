/*
 * A virtual I2C bus with the ECMA-419 I2C class shape (`embedded:io/i2c`), for the Moddable lin build,
 * the host simulator and tests. It delivers writes to attached devices, accounts every transaction in
 * bytes and SCL clocks, lets readable devices (a sensor) answer reads, can record a log, and can inject faults (a NACK on the k-th byte, a bus
 * timeout, a device unplugged) the way a loose wire would.
 */
import { transactionClocks } from "../display/commands.js";

export interface I2CDevice {
  /** One write: `length` bytes of `bytes` after the address byte. */
  receive(bytes: Uint8Array, length: number): void;
  /** One read: the device clocks out `length` bytes into `out` (devices that cannot be read leave it out). */
  transmit?(out: Uint8Array, length: number): void;
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

  /**
   * A read transaction: the address byte, then `length` bytes clocked out by the device; counted like
   * a write of the same length. A missing device, or one that cannot be read, NACKs its address.
   */
  read(address: number, out: Uint8Array, length: number): void {
    const c = this.counters;
    c.transactions++;
    const i = this.addresses.indexOf(address);
    const device = i >= 0 ? this.devices[i] : undefined;
    let verdict = this.fault ? this.fault(address, out, length) : FAULT_NONE;
    if (!device || !device.transmit) verdict = -3;
    if (verdict === FAULT_NONE) {
      device!.transmit!(out, length);
      c.bytes += length + 1;
      c.clocks += transactionClocks(length);
      // Reads are counted but not logged: the I2C log (docs/formats/i2c-log.md) records writes.
      return;
    }
    if (verdict === FAULT_TIMEOUT) {
      c.timeouts++;
      c.bytes += 1;
      c.clocks += transactionClocks(0);
      throw new Error(`I2C timeout at address 0x${address.toString(16)}`);
    }
    c.nacks++;
    c.bytes += 1;
    c.clocks += transactionClocks(0);
    throw new Error(`I2C NACK: no readable device at address 0x${address.toString(16)}`);
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

    /** Reads `count` bytes into a new buffer, or fills `buffer` (ECMA-419 read(count | buffer)). */
    read(what: number | ArrayBufferLike | ArrayBufferView, stop = true): ArrayBuffer | undefined {
      if (!this.open) throw new Error("I2C: closed");
      void stop;
      if (typeof what === "number") {
        const out = new Uint8Array(what);
        bus.read(this.address, out, what);
        return out.buffer;
      }
      const bytes = ArrayBuffer.isView(what) ? new Uint8Array(what.buffer, what.byteOffset, what.byteLength) : new Uint8Array(what);
      bus.read(this.address, bytes, bytes.length);
      return undefined;
    }

    /** A write then a read after a repeated start (ECMA-419 writeRead). */
    writeRead(buffer: ArrayBufferLike | ArrayBufferView, what: number | ArrayBufferLike | ArrayBufferView): ArrayBuffer | undefined {
      this.write(buffer, false);
      return this.read(what);
    }

    close(): void {
      this.open = false;
    }
  };
}

export type VirtualI2CClass = ReturnType<typeof i2cClassFor>;
