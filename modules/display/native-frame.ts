/*
 * The SSD1306 driver's per-frame byte work in C (native/display/xs_ssd1306.c over frame.c), for the
 * firmware: main.ts passes it as the driver's `frameOps`. The same plans, window for window, as the
 * portable PortableFrameOps the host runs (tests/display/native-frame.test.ts).
 *
 * Every method's body is exactly the one native call with its parameters passed through in order,
 * so that xsc binds the host functions directly (see face/native-decoder.ts).
 */
import type { FrameOps } from "./planner.js";

export class NativeFrameOps implements FrameOps {
  plan(frame: Uint8Array, last: Uint8Array, known: boolean, pages: number, windows: ArrayBuffer): number {
    return native("xs_ssd1306_plan").call(this, frame, last, known, pages, windows) as number;
  }

  pack(frame: Uint8Array, data: Uint8Array, c0: number, c1: number, p0: number, p1: number): void {
    native("xs_ssd1306_pack").call(this, frame, data, c0, c1, p0, p1);
  }

  commit(frame: Uint8Array, last: Uint8Array, c0: number, c1: number, p0: number, p1: number): void {
    native("xs_ssd1306_commit").call(this, frame, last, c0, c1, p0, p1);
  }
}
