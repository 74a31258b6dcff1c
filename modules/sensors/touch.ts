/*
 * A capacitive touch pad with a digital output (TTP223 and its kind: high while touched, or low
 * with its AHLB pad strapped) over ECMA-419 `embedded:io/digital`, in Moddable's `embedded:sensor`
 * shape: `new Touch({sensor: {io, pin}, activeLow, onAlert})`, `sample()`, `close()`. onAlert is
 * called at each touch (the edge into "touched"); sample() says whether it is touched now. The
 * input's pull holds an unconnected pin at "untouched" (pull-down when active high, pull-up when
 * active low), so a missing pad is silent.
 */
import type { DigitalClass, DigitalInput, PinSpecifier } from "../common/io.js";

export type { DigitalClass };

export interface TouchOptions {
  sensor: { io: DigitalClass; pin: PinSpecifier };
  /** The pad pulls its output low when touched. */
  activeLow?: boolean;
  onAlert?: () => void;
}

export interface TouchSample {
  touched: boolean;
}

export default class Touch {
  private readonly input: DigitalInput;
  private readonly activeLow: boolean;
  private readonly out: TouchSample = { touched: false };
  private was = false;

  constructor(options: TouchOptions) {
    const { io, pin } = options.sensor;
    this.activeLow = options.activeLow === true;
    const alert = options.onAlert;
    const mode = this.activeLow ? io.InputPullUp : io.InputPullDown ?? io.Input;
    // Bound once here: the edge handler itself allocates nothing.
    const self = this;
    this.input = new io({
      pin,
      mode,
      edge: io.Rising | io.Falling,
      onReadable() {
        const now = self.level(this.read());
        if (now && !self.was && alert) alert();
        self.was = now;
      },
    });
    this.was = this.level(this.input.read());
  }

  sample(): TouchSample {
    this.out.touched = this.level(this.input.read());
    return this.out;
  }

  close(): void {
    if (this.input.close) this.input.close();
  }

  private level(v: number): boolean {
    return this.activeLow ? v === 0 : v !== 0;
  }
}
