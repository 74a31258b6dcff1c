/*
 * The animator's whole-frame byte work in C (native/face/xs_animator.c over animator.c), for the
 * firmware: main.ts passes it as the animator's `ops`. The same frames as the portable
 * PortableAnimatorOps the host runs (tests/face/native-animator.test.ts).
 *
 * Every method's body is exactly the one native call with its parameters passed through in order,
 * so that xsc binds the host functions directly (see face/native-decoder.ts).
 */
import type { AnimatorOps } from "./animator.js";

export class NativeAnimatorOps implements AnimatorOps {
  crossfade(from: Uint8Array, to: Uint8Array, masks: Uint8Array, level: number, out: Uint8Array): void {
    native("xs_animator_crossfade").call(this, from, to, masks, level, out);
  }

  lift(frame: Uint8Array): boolean {
    return native("xs_animator_lift").call(this, frame) as boolean;
  }
}
