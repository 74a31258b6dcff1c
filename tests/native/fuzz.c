/*
 * Fuzz driver of the decoder's C loader (native/decoder/model.c + decoder.c), built by
 * tests/native/native.test.ts with -fsanitize=address,undefined -fno-sanitize-recover=all, so any
 * sanitizer report aborts the run. Deterministic (xorshift32 from the seed).
 *   fuzz MODEL POSITIONS ITERATIONS SEED [DUMP_DIR DUMP_COUNT]
 * POSITIONS: lines "kind position" for structure-aware mutations, kinds i32 (shapes, indices,
 * opcodes, option fields), u32off (FlatBuffer offsets), len (vector lengths), u16 (vtable entries),
 * f32 (quantization scales), i64 (zero points), u8 (types, activations).
 * Each iteration mutates a copy of the model 1-3 times (random bit flips, interesting bytes, inserts,
 * deletions, truncations, or a structure-aware value at a listed position), copies it into a buffer
 * of exactly its length (ASan sees any read past it), runs md_model_init on an arena of exactly
 * MD_ARENA_BYTES, and decodes every accepted model whose structure was mutated plus 1 in 16 others.
 * A refused model must give a one-line verdict. Prints: iterations, accepted, refused, decoded.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../native/decoder/decoder.h"

static uint32_t state;
static uint32_t rnd(void) {
	state ^= state << 13;
	state ^= state >> 17;
	state ^= state << 5;
	return state;
}
static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

enum { K_I32, K_OFF, K_LEN, K_U16, K_F32, K_I64, K_U8, K_COUNT };
static const char *KIND[K_COUNT] = { "i32", "u32off", "len", "u16", "f32", "i64", "u8" };
typedef struct { int kind; size_t pos; } spot;

static void put32(uint8_t *b, size_t n, size_t p, uint32_t v) {
	for (int k = 0; k < 4 && p + k < n; k++) b[p + k] = (uint8_t)(v >> (8 * k));
}
static uint32_t get32(const uint8_t *b, size_t n, size_t p) {
	uint32_t v = 0;
	for (int k = 0; k < 4 && p + k < n; k++) v |= (uint32_t)b[p + k] << (8 * k);
	return v;
}

static const uint32_t INTERESTING[] = { 0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 63, 64, 65, 97, 127, 128, 129, 255, 256, 1023, 1024, 4096, 8191, 8192, 32767, 32768, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x40000000 };
#define NI (sizeof(INTERESTING) / sizeof(INTERESTING[0]))

static size_t mutate_structure(uint8_t *b, size_t n, const spot *s) {
	uint32_t old = get32(b, n, s->pos);
	switch (s->kind) {
	case K_I32:
	case K_LEN:
	case K_OFF: {
		uint32_t v;
		switch (below(4)) {
		case 0: v = INTERESTING[below(NI)]; break;
		case 1: v = old + (uint32_t)(int32_t)(below(17) - 8); break;
		case 2: v = s->kind == K_OFF ? (uint32_t)below((uint32_t)n + 64) : old * (1u << below(4)); break;
		default: v = rnd(); break;
		}
		put32(b, n, s->pos, v);
		break;
	}
	case K_U16: {
		uint32_t v = below(2) ? INTERESTING[below(NI)] : (old & 0xffff) + (uint32_t)(int32_t)(below(9) - 4);
		if (s->pos < n) b[s->pos] = (uint8_t)v;
		if (s->pos + 1 < n) b[s->pos + 1] = (uint8_t)(v >> 8);
		break;
	}
	case K_F32: {
		static const float F[] = { 0.0f, -1.0f, 1e-30f, 1e30f, 1e-45f, 3.4e38f, 1.0f, 65536.0f, 1e-10f };
		float f;
		uint32_t bits;
		switch (below(4)) {
		case 0: f = F[below(sizeof(F) / sizeof(F[0]))]; memcpy(&bits, &f, 4); break;
		case 1: bits = below(2) ? 0x7fc00000u : 0x7f800000u; break; /* NaN, inf */
		case 2: memcpy(&f, &old, 4); f = ldexpf(f, (int)below(80) - 40); memcpy(&bits, &f, 4); break;
		default: bits = rnd(); break;
		}
		put32(b, n, s->pos, bits);
		break;
	}
	case K_I64: {
		static const int64_t Z[] = { -129, 128, 127, -128, 0, 1, INT64_MAX, INT64_MIN, 0x100000000LL, -1 };
		int64_t z = Z[below(sizeof(Z) / sizeof(Z[0]))];
		put32(b, n, s->pos, (uint32_t)(uint64_t)z);
		put32(b, n, s->pos + 4, (uint32_t)((uint64_t)z >> 32));
		break;
	}
	default:
		if (s->pos < n) b[s->pos] = (uint8_t)(below(2) ? INTERESTING[below(NI)] : rnd());
		break;
	}
	return n;
}

static size_t mutate_random(uint8_t *b, size_t n, size_t cap) {
	switch (below(6)) {
	case 0: if (n) b[below((uint32_t)n)] ^= (uint8_t)(1u << below(8)); return n;
	case 1: if (n) b[below((uint32_t)n)] = (uint8_t)INTERESTING[below(NI)]; return n;
	case 2: if (n >= 4) put32(b, n, below((uint32_t)n - 3) & ~3u, INTERESTING[below(NI)]); return n;
	case 3: { /* truncate: often short, sometimes near the end */
		uint32_t cut = below(2) ? below(64) : below((uint32_t)n + 1);
		return cut < n ? cut : n;
	}
	case 4: { /* insert 1-16 random bytes */
		size_t k = 1 + below(16), at = below((uint32_t)n + 1);
		if (n + k > cap) return n;
		memmove(b + at + k, b + at, n - at);
		for (size_t j = 0; j < k; j++) b[at + j] = (uint8_t)rnd();
		return n + k;
	}
	default: { /* delete a range */
		if (!n) return n;
		size_t at = below((uint32_t)n), k = 1 + below(64);
		if (k > n - at) k = n - at;
		memmove(b + at, b + at + k, n - at - k);
		return n - k;
	}
	}
}

int main(int argc, char **argv) {
	if (argc < 5) {
		fprintf(stderr, "usage: fuzz MODEL POSITIONS ITERATIONS SEED [DUMP_DIR DUMP_COUNT]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) return 2;
	fseek(f, 0, SEEK_END);
	size_t n0 = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *good = malloc(n0);
	if (!good || fread(good, 1, n0, f) != n0) return 2;
	fclose(f);
	spot *spots = malloc(sizeof(spot) * 100000);
	size_t ns = 0;
	FILE *pf = fopen(argv[2], "r");
	char kind[16];
	unsigned long pos;
	while (pf && ns < 100000 && fscanf(pf, "%15s %lu", kind, &pos) == 2) {
		for (int k = 0; k < K_COUNT; k++)
			if (!strcmp(kind, KIND[k])) { spots[ns].kind = k; spots[ns].pos = pos; ns++; }
	}
	if (pf) fclose(pf);
	long iterations = atol(argv[3]);
	state = (uint32_t)strtoul(argv[4], NULL, 10) * 2654435761u ^ 0x9e3779b9u;
	if (!state) state = 1;
	const char *dump = argc > 6 ? argv[5] : NULL;
	long dump_count = argc > 6 ? atol(argv[6]) : 0, dumped = 0;

	size_t cap = n0 + 64 * 16;
	uint8_t *work = malloc(cap);
	uint8_t *arena = malloc(MD_ARENA_BYTES);
	static int8_t logits[MF_PIXELS];
	static uint8_t frame[MF_FRAME_BYTES];
	int8_t latent[MD_MAX_LATENT];
	long accepted = 0, refused = 0, decoded = 0;
	for (long it = 0; it < iterations; it++) {
		memcpy(work, good, n0);
		size_t n = n0;
		int structural = 0;
		int count = 1 + (int)below(3);
		for (int m = 0; m < count; m++) {
			if (ns && below(2)) {
				n = mutate_structure(work, n, &spots[below((uint32_t)ns)]);
				structural = 1;
			} else {
				n = mutate_random(work, n, cap);
			}
		}
		uint8_t *model = malloc(n ? n : 1); /* exactly n bytes: ASan sees any read past the end */
		memcpy(model, work, n);
		md_model m;
		char err[MD_ERR_BYTES];
		err[0] = 0;
		if (md_model_init(&m, model, n, 0, arena, MD_ARENA_BYTES, err, sizeof(err)) == 0) {
			accepted++;
			if (structural || below(16) == 0) {
				for (int k = 0; k < MD_MAX_LATENT; k++) latent[k] = (int8_t)rnd();
				if (md_decode_logits(&m, latent, logits) != 0) { fprintf(stderr, "iteration %ld: accepted model failed to decode\n", it); return 1; }
				md_to_frame(&m, logits, (int)below(2), frame);
				decoded++;
			}
		} else {
			refused++;
			if (!err[0] || strchr(err, '\n')) { fprintf(stderr, "iteration %ld: refused without a one-line verdict\n", it); return 1; }
		}
		if (dump && dumped < dump_count && it % 7 == 0) {
			char path[512];
			snprintf(path, sizeof(path), "%s/m%05ld.tflite", dump, dumped++);
			FILE *o = fopen(path, "wb");
			if (o) { fwrite(model, 1, n, o); fclose(o); }
		}
		free(model);
	}
	printf("iterations=%ld accepted=%ld refused=%ld decoded=%ld spots=%lu\n", iterations, accepted, refused, decoded, (unsigned long)ns);
	free(work);
	free(arena);
	free(good);
	free(spots);
	return 0;
}
