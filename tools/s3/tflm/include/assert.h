/*
 * <assert.h> as ESP-IDF's newlib port gives it (components/newlib/platform_include/assert.h):
 * the C library's assert after sdkconfig.h. On the board this is how every esp-tflite-micro source
 * sees the sdkconfig settings, e.g. kernels/esp_nn/fully_connected.cc, which includes esp_nn.h
 * before anything else that would bring sdkconfig.h (flatbuffers' base.h includes <assert.h> first).
 */
#include "sdkconfig.h"
#include_next <assert.h>
