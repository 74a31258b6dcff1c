/*
 * Node-API binding of the firmware's frame work in C: the SSD1306 driver's (native/display/frame.c)
 * and the animator's (native/face/animator.c), so that the host can hold them to the portable
 * TypeScript (tests/display/native-frame.test.ts, tests/face/native-animator.test.ts): the same C the
 * firmware links, built by tools/display/native.ts with the system C compiler. The calls mirror the
 * XS ones (native/display/xs_ssd1306.c, native/face/xs_animator.c):
 *   plan(frame, last, known, pages, windows: ArrayBuffer) -> count
 *   pack(frame, data, c0, c1, p0, p1)    commit(frame, last, c0, c1, p0, p1)
 *   crossfade(from, to, masks, level, out)    lift(frame) -> boolean
 */
#include <node_api.h>
#include <stdint.h>

#include "../display/frame.h"
#include "../face/animator.h"

static void *bytes_arg(napi_env env, napi_value v, size_t need) {
	void *data = NULL;
	size_t length = 0;
	bool is;
	if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
		if (napi_get_arraybuffer_info(env, v, &data, &length) != napi_ok) return NULL;
	} else {
		napi_typedarray_type type;
		napi_value ab;
		size_t offset;
		if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset) != napi_ok || type != napi_uint8_array) return NULL;
	}
	return length >= need ? data : NULL;
}

static bool ints(napi_env env, napi_value *argv, int from, int n, int32_t *out) {
	for (int i = 0; i < n; i++)
		if (napi_get_value_int32(env, argv[from + i], &out[i]) != napi_ok) return false;
	return true;
}

static napi_value plan(napi_env env, napi_callback_info info) {
	size_t argc = 5;
	napi_value argv[5];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	bool known;
	int32_t pages;
	const uint8_t *frame = argc == 5 ? bytes_arg(env, argv[0], MF_FRAME_BYTES) : NULL;
	const uint8_t *last = argc == 5 ? bytes_arg(env, argv[1], MF_FRAME_BYTES) : NULL;
	int32_t *windows = argc == 5 ? bytes_arg(env, argv[4], MD_SSD1306_MAX_WINDOWS * 16) : NULL;
	if (!frame || !last || !windows || napi_get_value_bool(env, argv[2], &known) != napi_ok || napi_get_value_int32(env, argv[3], &pages) != napi_ok || pages < 1 || pages > MF_PAGES) {
		napi_throw_type_error(env, NULL, "plan(frame: Uint8Array(1024), last: Uint8Array(1024), known: boolean, pages: 1..8, windows: ArrayBuffer(8192))");
		return NULL;
	}
	napi_value result;
	napi_create_int32(env, md_ssd1306_plan(frame, last, known, pages, windows), &result);
	return result;
}

static napi_value copy(napi_env env, napi_callback_info info, int packing) {
	size_t argc = 6;
	napi_value argv[6];
	int32_t w[4];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	bool ok = argc == 6 && ints(env, argv, 2, 4, w) && w[0] >= 0 && w[1] >= w[0] && w[1] < MF_WIDTH && w[2] >= 0 && w[3] >= w[2] && w[3] < MF_PAGES;
	const uint8_t *frame = ok ? bytes_arg(env, argv[0], MF_FRAME_BYTES) : NULL;
	uint8_t *to = ok ? bytes_arg(env, argv[1], packing ? 1 + (size_t)md_ssd1306_window_bytes(w[0], w[1], w[2], w[3]) : MF_FRAME_BYTES) : NULL;
	if (!frame || !to) {
		napi_throw_type_error(env, NULL, packing ? "pack(frame, data, c0, c1, p0, p1): bad arguments" : "commit(frame, last, c0, c1, p0, p1): bad arguments");
		return NULL;
	}
	if (packing) md_ssd1306_pack(frame, to + 1, w[0], w[1], w[2], w[3]);
	else md_ssd1306_commit(frame, to, w[0], w[1], w[2], w[3]);
	return NULL;
}

static napi_value pack(napi_env env, napi_callback_info info) {
	return copy(env, info, 1);
}

static napi_value commit(napi_env env, napi_callback_info info) {
	return copy(env, info, 0);
}

static napi_value crossfade(napi_env env, napi_callback_info info) {
	size_t argc = 5;
	napi_value argv[5];
	int32_t level;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	bool ok = argc == 5 && napi_get_value_int32(env, argv[3], &level) == napi_ok && level >= 0 && level <= 16;
	const uint8_t *from = ok ? bytes_arg(env, argv[0], MF_FRAME_BYTES) : NULL;
	const uint8_t *to = ok ? bytes_arg(env, argv[1], MF_FRAME_BYTES) : NULL;
	const uint8_t *masks = ok ? bytes_arg(env, argv[2], 17 * 4) : NULL;
	uint8_t *out = ok ? bytes_arg(env, argv[4], MF_FRAME_BYTES) : NULL;
	if (!from || !to || !masks || !out) {
		napi_throw_type_error(env, NULL, "crossfade(from, to, masks: Uint8Array(68), level: 0..16, out): bad arguments");
		return NULL;
	}
	md_crossfade(from, to, masks, level, out);
	return NULL;
}

static napi_value lift(napi_env env, napi_callback_info info) {
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	uint8_t *frame = argc == 1 ? bytes_arg(env, argv[0], MF_FRAME_BYTES) : NULL;
	if (!frame) {
		napi_throw_type_error(env, NULL, "lift(frame: Uint8Array(1024))");
		return NULL;
	}
	napi_value result;
	napi_get_boolean(env, md_lift(frame), &result);
	return result;
}

NAPI_MODULE_INIT() {
	napi_property_descriptor p[] = {
		{ "plan", NULL, plan, NULL, NULL, NULL, napi_default, NULL },
		{ "pack", NULL, pack, NULL, NULL, NULL, napi_default, NULL },
		{ "commit", NULL, commit, NULL, NULL, NULL, napi_default, NULL },
		{ "crossfade", NULL, crossfade, NULL, NULL, NULL, napi_default, NULL },
		{ "lift", NULL, lift, NULL, NULL, NULL, napi_default, NULL },
	};
	napi_define_properties(env, exports, sizeof(p) / sizeof(p[0]), p);
	return exports;
}
