/*
 * Node-API binding of the decoder's C reference backend, for the host simulator: the same
 * native/decoder sources the firmware builds, loaded into Node. Built by tools/decoder/native.ts
 * with the system C compiler against Node's own headers (no download).
 *   const d = addon.load(modelBytes, latentSize?); addon.decode(d, latentInt8Array, frameUint8Array, dither)
 *   addon.latentSize(d)
 * load() throws the shared structural check's verdict (native/decoder/model.c) for a bad model, or
 * when latentSize (the pack's, 0 for any) differs from the model's input.
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

#include "../decoder/decoder.h"

typedef struct {
	md_model model;
	uint8_t *bytes;
	uint8_t arena[MD_ARENA_BYTES];
} handle;

static void finalize(napi_env env, void *data, void *hint) {
	(void)env;
	(void)hint;
	handle *h = data;
	free(h->bytes);
	free(h);
}

static napi_value load(napi_env env, napi_callback_info info) {
	size_t argc = 2;
	napi_value argv[2];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	int32_t latent = 0;
	if (argc > 1 && napi_get_value_int32(env, argv[1], &latent) != napi_ok) {
		napi_throw_type_error(env, NULL, "load(model: Uint8Array, latentSize?: number)");
		return NULL;
	}
	void *data;
	size_t length;
	napi_typedarray_type type;
	napi_value ab;
	size_t offset;
	if (argc < 1 || napi_get_typedarray_info(env, argv[0], &type, &length, &data, &ab, &offset) != napi_ok || type != napi_uint8_array) {
		napi_throw_type_error(env, NULL, "load(model: Uint8Array, latentSize?: number)");
		return NULL;
	}
	handle *h = calloc(1, sizeof(handle));
	if (h) h->bytes = malloc(length ? length : 1);
	if (!h || !h->bytes) {
		free(h);
		napi_throw_error(env, NULL, "out of memory");
		return NULL;
	}
	memcpy(h->bytes, data, length);
	char err[MD_ERR_BYTES];
	if (md_model_init(&h->model, h->bytes, length, latent, h->arena, sizeof(h->arena), err, sizeof(err))) {
		free(h->bytes);
		free(h);
		napi_throw_error(env, NULL, err);
		return NULL;
	}
	napi_value out;
	napi_create_external(env, h, finalize, NULL, &out);
	return out;
}

static napi_value decode(napi_env env, napi_callback_info info) {
	size_t argc = 4;
	napi_value argv[4];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	handle *h;
	void *lat, *frame;
	size_t nl, nf, offset;
	napi_typedarray_type tl, tf;
	napi_value ab;
	bool dither = false;
	if (argc < 3 || napi_get_value_external(env, argv[0], (void **)&h) != napi_ok ||
	    napi_get_typedarray_info(env, argv[1], &tl, &nl, &lat, &ab, &offset) != napi_ok || tl != napi_int8_array ||
	    napi_get_typedarray_info(env, argv[2], &tf, &nf, &frame, &ab, &offset) != napi_ok || tf != napi_uint8_array) {
		napi_throw_type_error(env, NULL, "decode(handle, latent: Int8Array, frame: Uint8Array, dither?)");
		return NULL;
	}
	if (argc > 3) napi_get_value_bool(env, argv[3], &dither);
	if ((int)nl != md_latent_size(&h->model) || nf != MF_FRAME_BYTES) {
		napi_throw_range_error(env, NULL, "latent or frame has the wrong length");
		return NULL;
	}
	napi_value ok;
	napi_get_boolean(env, md_decode(&h->model, lat, dither ? 1 : 0, frame) == 0, &ok);
	return ok;
}

static napi_value latent_size(napi_env env, napi_callback_info info) {
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	handle *h;
	if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&h) != napi_ok) {
		napi_throw_type_error(env, NULL, "latentSize(handle)");
		return NULL;
	}
	napi_value out;
	napi_create_int32(env, md_latent_size(&h->model), &out);
	return out;
}

static napi_value init(napi_env env, napi_value exports) {
	napi_value f;
	napi_create_function(env, "latentSize", NAPI_AUTO_LENGTH, latent_size, NULL, &f);
	napi_set_named_property(env, exports, "latentSize", f);
	napi_create_function(env, "load", NAPI_AUTO_LENGTH, load, NULL, &f);
	napi_set_named_property(env, exports, "load", f);
	napi_create_function(env, "decode", NAPI_AUTO_LENGTH, decode, NULL, &f);
	napi_set_named_property(env, exports, "decode", f);
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
