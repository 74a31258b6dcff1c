/*
 * Virtual GPIO inputs with the ECMA-419 `embedded:io/digital` shape, for the buttons a simulator
 * presses (mcsim's "Button" on lin, the page's button in `npm start`) and the touch pad the page
 * touches. Pins idle high, as a button to ground with the pull-up on, or low when opened with the
 * pull-down (an active-high touch pad); set(pin, level) drives one and calls the readers of that edge.
 */
export const INPUT = 0;
export const INPUT_PULL_UP = 1;
export const INPUT_PULL_DOWN = 2;
export const RISING = 1;
export const FALLING = 2;

interface Reader {
  readonly pin: number;
  readonly edge: number;
  readonly target: { read(): number };
  readonly onReadable?: (this: { read(): number }) => void;
}

export class VirtualPins {
  private readonly levels: number[] = [];
  private readonly readers: Reader[] = [];

  /** A pull resistor on a pin nobody has driven yet: its idle level (no edge). */
  pull(pin: number, level: number): void {
    if (this.levels[pin] === undefined) this.levels[pin] = level ? 1 : 0;
  }

  level(pin: number): number {
    return this.levels[pin] ?? 1;
  }

  /** Drives a pin: 0 pressed (low), 1 released. */
  set(pin: number, level: number): void {
    const before = this.level(pin);
    this.levels[pin] = level ? 1 : 0;
    const edge = level && !before ? RISING : !level && before ? FALLING : 0;
    if (!edge) return;
    for (const r of this.readers) if (r.pin === pin && r.edge & edge && r.onReadable) r.onReadable.call(r.target);
  }

  listen(reader: Reader): void {
    this.readers.push(reader);
  }

  forget(target: object): void {
    const i = this.readers.findIndex((r) => r.target === target);
    if (i >= 0) this.readers.splice(i, 1);
  }
}

export interface DigitalOptions {
  pin: number;
  mode: number;
  edge?: number;
  onReadable?: (this: { read(): number }) => void;
}

/** An ECMA-419 Digital class reading the given virtual pins. */
export function digitalClassFor(pins: VirtualPins) {
  return class Digital {
    static readonly Input = INPUT;
    static readonly InputPullUp = INPUT_PULL_UP;
    static readonly InputPullDown = INPUT_PULL_DOWN;
    static readonly Rising = RISING;
    static readonly Falling = FALLING;
    private readonly pin: number;
    constructor(options: DigitalOptions) {
      if (options.mode !== INPUT && options.mode !== INPUT_PULL_UP && options.mode !== INPUT_PULL_DOWN) throw new RangeError("virtual Digital: only inputs");
      this.pin = options.pin;
      if (options.mode === INPUT_PULL_DOWN) pins.pull(options.pin, 0);
      pins.listen({ pin: options.pin, edge: options.edge ?? 0, target: this, onReadable: options.onReadable });
    }
    read(): number {
      return pins.level(this.pin);
    }
    close(): void {
      pins.forget(this);
    }
  };
}
