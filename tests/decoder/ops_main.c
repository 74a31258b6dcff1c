/*
 * The C reader's operator list (native/decoder/model.h, through md_op_name and md_op_supported in
 * model.c), for tests/decoder/ops.test.ts: one line "code NAME" per builtin code it supports.
 */
#include <stdio.h>
#include "../../native/decoder/model.h"

int main(void) {
	for (int code = 0; code < 256; code++)
		if (md_op_supported(code)) printf("%d %s\n", code, md_op_name(code));
	return 0;
}
