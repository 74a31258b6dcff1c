// The TFLM test double's settings (tflm_stub_config.h).
#include "tflm_stub_config.h"

struct stub_tflm_config stub_tflm = {0, -1, 0, 0, 8};
