/* What the TFLM test double does, set by tests/native/host_main.c's --stub-* flags. */
#ifndef STUB_TFLM_CONFIG_H
#define STUB_TFLM_CONFIG_H

#ifdef __cplusplus
extern "C" {
#endif

struct stub_tflm_config {
	int verifier_fails;  /* VerifyModelBuffer says no */
	int add_fails;       /* this builtin code's Add*() returns kTfLiteError */
	int arena_needed;    /* AllocateTensors needs this many bytes (TFLM's message when short) */
	int prepare_fails;   /* AllocateTensors fails as a kernel's Prepare would */
	int input_bytes;     /* the input tensor TFLM reports */
};
extern struct stub_tflm_config stub_tflm;

#ifdef __cplusplus
}
#endif

#endif
