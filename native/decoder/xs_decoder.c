/*
 * XS host module of the latent decoder (modules/face/native-decoder.ts):
 *   new NativeDecoder(model)            the .tflite bytes, kept in place: pass a Resource (flash)
 *   decoder.latentSize
 *   decoder.decode(latent, frame)       Int8Array in, 1024-byte page-packed Uint8Array out
 * Inference, thresholding and page packing all happen here in C. Errors in the model bytes throw
 * with the backend's message; the firmware then crossfades.
 */
#include "xsmc.h"
#include "backend.h"

typedef struct {
	md_backend *backend;
	int8_t logits[64 * 128];
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
	xsmcGetBufferReadable(xsArg(0), &bytes, &length);
	xsDecoder *d = c_calloc(1, sizeof(xsDecoder));
	if (!d) xsUnknownError("decoder: out of memory");
	char err[160];
	err[0] = 0;
	d->backend = md_backend_open(bytes, length, err, sizeof(err));
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
	if ((int)nl < md_backend_latent_size(d->backend) || nf < 1024) xsRangeError("decoder: latent or frame too short");
	if (md_backend_decode(d->backend, latent, d->logits)) {
		xsmcSetFalse(xsResult);
		return;
	}
	md_logits_to_frame(d->logits, md_backend_output_zero(d->backend), md_backend_output_scale(d->backend), 0, frame);
	xsmcSetTrue(xsResult);
}
