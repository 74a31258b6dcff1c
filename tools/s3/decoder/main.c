/*
 * The decoder on the emulated ESP32-S3 (tools/s3/decoder.ts builds this with one backend behind
 * native/decoder/backend.h): opens the model the host put into the image (.incbin), decodes every
 * latent of the image's latent file exactly as xs_decoder.c does on the board (md_backend_decode,
 * then md_logits_to_frame with the threshold), and reports on the console:
 *   S3 open ticks=T model_at=ADDRESS arena=BYTES
 *   S3 latent I logits=HASH frame=HASH ticks=T frame_ticks=T ops=T,T,...
 *                                               (FNV-1a 64 of the MF_PIXELS logits and the frame; this
 *                                               latent's decode, frame conversion and operator ticks)
 *   S3 op I NAME ticks=T                         (summed over all latents; md_profile_op)
 *   S3 decode ticks=T frame ticks=T count=N scratch=BYTES (summed; x25 = instructions)
 * With -DMD_S3_DUMP=I it also prints latent I's logits and frame in hex (to find a first differing byte).
 * CCOUNT ticks x 25 are instructions under QEMU's -icount shift=0 (runtime.h).
 */
#include "backend.h"
#include "runtime.h"

#include <string.h>

extern const uint8_t md_s3_model[], md_s3_model_end[];
extern const int8_t md_s3_latents[], md_s3_latents_end[];

/* Operator profile, filled by md_profile_op (the reference backend's MD_PROFILE hook). */
#define MAX_OPS 17
static uint32_t op_ticks[MAX_OPS];     /* summed over all latents */
static uint32_t latent_ops[MAX_OPS];   /* this latent's */
static int profiled_ops;
static uint32_t last_tick;
static int last_op = -1;

/* Called before operator i, with op_count after the last one (what follows is the logits copy), and
 * with -1 by main when the decode returned. */
void md_profile_op(int i) {
	uint32_t now = s3_ccount();
	if (last_op >= 0 && last_op < MAX_OPS) {
		op_ticks[last_op] += now - last_tick;
		latent_ops[last_op] = now - last_tick;
	}
	last_op = i;
	if (i + 1 > profiled_ops) profiled_ops = i + 1;
	last_tick = s3_ccount();
}

/* Scratch the path's kernels use outside the backend's arena (ESP-NN's conv scratch in the
 * reference+ESP-NN path); a weak 0 for the others. */
__attribute__((weak)) int md_s3_scratch_bytes(void) { return 0; }

static md_graph graph; /* the model's operators, for the profile's names */

static int8_t logits[MF_PIXELS] __attribute__((aligned(16)));
static uint8_t frame[MF_FRAME_BYTES] __attribute__((aligned(16)));

int main(void) {
	char err[MD_ERR_BYTES];
	err[0] = 0;
	uint32_t t0 = s3_ccount();
	md_backend *b = md_backend_open(md_s3_model, (size_t)(md_s3_model_end - md_s3_model), 0, err, sizeof(err));
	uint32_t t1 = s3_ccount();
	if (!b) {
		s3_printf("S3 error %s\n", err);
		return 2;
	}
	s3_printf("S3 open ticks=%u model_at=%x arena=%u\n", (unsigned)(t1 - t0), (unsigned)(uintptr_t)md_s3_model, (unsigned)md_backend_arena_used(b));
	int size = md_backend_latent_size(b);
	int count = (int)((md_s3_latents_end - md_s3_latents) / size);
	int32_t zero = md_backend_output_zero(b);
	float scale = md_backend_output_scale(b);
	int tiles = md_backend_output_tiles(b);
	uint32_t decode_ticks = 0, frame_ticks = 0;
	for (int i = 0; i < count; i++) {
		const int8_t *latent = md_s3_latents + i * size;
		last_op = -1;
		uint32_t a = s3_ccount();
		int rc = md_backend_decode(b, latent, logits);
		md_profile_op(-1);
		uint32_t c = s3_ccount();
		md_logits_to_frame(logits, tiles, zero, scale, 0, frame);
		uint32_t d = s3_ccount();
		if (rc) {
			s3_printf("S3 error decode of latent %d failed\n", i);
			return 3;
		}
		decode_ticks += c - a;
		frame_ticks += d - c;
		uint64_t hl = s3_fnv1a64(S3_FNV_OFFSET, logits, sizeof(logits));
		uint64_t hf = s3_fnv1a64(S3_FNV_OFFSET, frame, sizeof(frame));
		s3_printf("S3 latent %d logits=%08x%08x frame=%08x%08x ticks=%u frame_ticks=%u ops=", i, (unsigned)(hl >> 32), (unsigned)hl, (unsigned)(hf >> 32), (unsigned)hf, (unsigned)(c - a), (unsigned)(d - c));
		for (int k = 0; k < profiled_ops && k < MAX_OPS; k++) s3_printf("%s%u", k ? "," : "", (unsigned)latent_ops[k]);
		s3_putc('\n');
#ifdef MD_S3_DUMP
		if (i == MD_S3_DUMP) {
			s3_puts("S3 dump logits ");
			s3_put_bytes_hex(logits, sizeof(logits));
			s3_puts("\nS3 dump frame ");
			s3_put_bytes_hex(frame, sizeof(frame));
			s3_puts("\n");
		}
#endif
	}
	md_graph_check(&graph, md_s3_model, (size_t)(md_s3_model_end - md_s3_model), 0, err, sizeof(err));
	for (int i = 0; i < profiled_ops && i < MAX_OPS; i++) {
		const char *name = i < graph.op_count ? md_op_name(graph.ops[i].code) : "OUTPUT_COPY";
		s3_printf("S3 op %d %s ticks=%u\n", i, name, (unsigned)op_ticks[i]);
	}
	s3_printf("S3 decode ticks=%u frame ticks=%u count=%d scratch=%d\n", (unsigned)decode_ticks, (unsigned)frame_ticks, count, md_s3_scratch_bytes());
	md_backend_close(b);
	return 0;
}
