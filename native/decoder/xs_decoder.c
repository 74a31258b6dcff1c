/*
 * XS host module of the latent decoder (modules/face/native-decoder.ts):
 *   new NativeDecoder(model, latentSize) the .tflite bytes, kept in place: pass a Resource (flash);
 *                                        latentSize: the pack's latent size (0 or absent: any)
 *   decoder.latentSize
 *   decoder.decode(latent, frame)       Int8Array in, MF_FRAME_BYTES page-packed Uint8Array out
 * Inference, thresholding and page packing all happen here in C. Errors in the model bytes throw
 * with the shared check's (or the backend's) verdict; the firmware then crossfades.
 */
#include "xsmc.h"
#include "backend.h"

typedef struct {
	md_backend *backend;
	int8_t logits[MF_PIXELS];
} xsDecoder;

void xs_decoder_destructor(void *data) {
	xsDecoder *d = data;
	if (!d) return;
	if (d->backend) md_backend_close(d->backend);
	c_free(d);
}

void xs_decoder(xsMachine *the) {
	void *bytes;
	xsUnsignedValue length;
	int latent = 0;
	xsmcGetBufferReadable(xsArg(0), &bytes, &length);
	if (xsmcArgc > 1) latent = xsmcToInteger(xsArg(1));
	xsDecoder *d = c_calloc(1, sizeof(xsDecoder));
	if (!d) xsUnknownError("decoder: out of memory");
	char err[MD_ERR_BYTES];
	err[0] = 0;
	d->backend = md_backend_open(bytes, length, latent, err, sizeof(err));
	if (!d->backend) {
		c_free(d);
		xsUnknownError("decoder: %s", err[0] ? err : "out of memory");
	}
	xsmcSetHostData(xsThis, d);
}

void xs_decoder_get_latent_size(xsMachine *the) {
	xsDecoder *d = xsmcGetHostData(xsThis);
	xsmcSetInteger(xsResult, md_backend_latent_size(d->backend));
}

void xs_decoder_decode(xsMachine *the) {
	xsDecoder *d = xsmcGetHostData(xsThis);
	void *latent, *frame;
	xsUnsignedValue nl, nf;
	xsmcGetBufferReadable(xsArg(0), &latent, &nl);
	xsmcGetBufferWritable(xsArg(1), &frame, &nf);
	if (nl < (xsUnsignedValue)md_backend_latent_size(d->backend) || nf < MF_FRAME_BYTES) xsRangeError("decoder: latent or frame too short");
	if (md_backend_decode(d->backend, latent, d->logits)) {
		xsmcSetFalse(xsResult);
		return;
	}
	md_logits_to_frame(d->logits, md_backend_output_tiles(d->backend), md_backend_output_zero(d->backend), md_backend_output_scale(d->backend), 0, frame);
	xsmcSetTrue(xsResult);
}
