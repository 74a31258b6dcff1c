/*
 * The latent decoder as the animator sees it: a latent vector in, a 1024-byte page-packed frame out.
 * On the host simulator it is the C reference backend loaded as a Node addon; on the device (and on
 * lin) the XS host module, face/native-decoder.ts over native/decoder/xs_decoder.c, with the TFLM
 * backend on the esp32 (docs/decoder.md).
 */
export interface LatentDecoder {
  /** int8 values per latent. */
  readonly latentSize: number;
  /** Fills `frame` from the first latentSize values of `latent`; false if the decoder failed (the
   *  animator then falls back to a crossfade). */
  decode(latent: Int8Array, frame: Uint8Array): boolean;
}
