/*
 * The latent decoder on the device: the XS host module in native/decoder (TFLM on the ESP32, the
 * portable reference backend on lin). The model bytes stay where they are (pass a Resource view), so
 * they must be in flash.
 *
 * Every member's body is exactly `super()` and/or the one native call, with plain parameters passed
 * through in order: xsc then binds the host functions directly (no JS wrapper kept in flash or run
 * per call); a default value or an extra statement (TypeScript's `as` is erased, so it is fine) makes it warn "cannot optimize native".
 */
import type { LatentDecoder } from "./decoder.js";

export class NativeDecoder extends Native("xs_decoder_destructor") implements LatentDecoder {
  /** `latentSize`: the pack's latent size; a model whose input differs is refused (absent or 0: any). */
  constructor(model: ArrayBufferLike | ArrayBufferView, latentSize?: number) {
    super();
    native("xs_decoder").call(this, model, latentSize);
  }

  get latentSize(): number {
    return native("xs_decoder_get_latent_size").call(this) as number;
  }

  decode(latent: Int8Array, frame: Uint8Array): boolean {
    return native("xs_decoder_decode").call(this, latent, frame) as boolean;
  }
}
