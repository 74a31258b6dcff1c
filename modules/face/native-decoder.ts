/*
 * The latent decoder on the device: the XS host module in native/decoder (TFLM on the ESP32, the
 * portable reference backend on lin). The model bytes stay where they are (pass a Resource view), so
 * they must be in flash.
 */
import type { LatentDecoder } from "./decoder.js";

export class NativeDecoder extends Native("xs_decoder_destructor") implements LatentDecoder {
  /** `latentSize`: the pack's latent size; a model whose input differs is refused (0: any). */
  constructor(model: ArrayBufferLike | ArrayBufferView, latentSize = 0) {
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
