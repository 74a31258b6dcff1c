/*
 * The few Moddable SDK APIs the firmware uses, declared for type checking without the SDK
 * (`npm run typecheck`, CI). When mcconfig builds the app it uses the SDK's own typings instead;
 * these follow them ($MODDABLE/typings, SDK 8.2) and must stay a subset of them.
 */
declare function trace(...args: (string | number | boolean)[]): void;

// XS host objects and functions (as in the SDK's xs/includes/xs.d.ts).
declare function Native(name: string): new (...args: unknown[]) => object;
declare function native(name: string): (...args: unknown[]) => unknown;

declare interface HostBuffer {
  readonly byteLength: number;
}

declare interface StringConstructor {
  fromArrayBuffer(buffer: ArrayBufferLike): string;
}

declare module "Resource" {
  interface ResourcePrototype extends HostBuffer {
    slice(begin: number, end?: number): ArrayBuffer;
  }
  interface ResourceConstructor {
    new (path: string): ResourcePrototype;
    exists(path: string): boolean;
  }
  const Resource: ResourceConstructor;
  export { Resource as default };
}

declare module "timer" {
  export type TimerCallback = (timer: Timer) => void;
  class Timer {
    private constructor();
    static set: (callback: TimerCallback, interval?: number, repeat?: number) => Timer;
    static repeat: (callback: TimerCallback, interval: number) => Timer;
    static clear: (timer: Timer | undefined | null) => void;
    private brand: boolean;
  }
  export { Timer as default };
}

declare module "mc/config" {
  /** The manifest's config, merged for the platform; modules/app/config.ts checks it. */
  const config: { readonly [key: string]: unknown };
  export default config;
}

declare module "time" {
  const Time: {
    /** Milliseconds from an arbitrary start, monotonic. */
    readonly ticks: number;
  };
  export { Time as default };
}

declare module "embedded:provider/builtin" {
  /** The ECMA-419 I2C class (`embedded:io/i2c`). */
  interface I2C {
    write(buffer: ArrayBufferLike | ArrayBufferView, stop?: boolean): void;
    read(count: number): ArrayBuffer;
    /** ECMA-419: fills the buffer (the MPU-6050 driver's burst read). */
    read(buffer: ArrayBufferLike | ArrayBufferView, stop?: boolean): void;
    close(): void;
  }
  type PinSpecifier = number;
  interface I2CClass {
    new (options: { data: PinSpecifier; clock: PinSpecifier; hz: number; address: number; port?: number }): I2C;
  }
  /** The ECMA-419 digital I/O class (`embedded:io/digital`). */
  interface DigitalClass {
    new (options: { pin: PinSpecifier; mode: number; edge?: number; onReadable?: (this: { read(): number }) => void }): { read(): number; close(): void };
    readonly Input: number;
    readonly InputPullUp: number;
    readonly InputPullDown: number;
    readonly Rising: number;
    readonly Falling: number;
  }
  const device: {
    /** As in the SDK's typings: the constructor options, without the class (that is device.io.I2C). */
    readonly I2C: { readonly default: { readonly data: PinSpecifier; readonly clock: PinSpecifier; readonly port?: number } };
    readonly io: { readonly I2C: I2CClass; readonly Digital?: DigitalClass };
  };
  export default device;
}

declare module "preference" {
  const Preference: {
    set(domain: string, key: string, value: string | boolean | number | ArrayBuffer): void;
    get(domain: string, key: string): string | boolean | number | ArrayBuffer | undefined;
    delete(domain: string, key: string): void;
  };
  export { Preference as default };
}
