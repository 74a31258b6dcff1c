/*
 * ESP-IDF's esp_timer, as far as esp-tflite-micro uses it (esp/micro_time.cc, the ESP-NN glue
 * kernels' timing): microseconds since start. On the emulated S3 it is CCOUNT at QEMU's 40 MHz
 * (tools/s3/tflm/stdio.c); nothing in the decoder's results depends on it. Like ESP-IDF's, it
 * includes sdkconfig.h, which is how the ESP-NN glue kernels see the target (sdkconfig.h here).
 */
#ifndef MOODFACE_S3_ESP_TIMER_H
#define MOODFACE_S3_ESP_TIMER_H
#include <stdint.h>

#include "sdkconfig.h"
#ifdef __cplusplus
extern "C" {
#endif
int64_t esp_timer_get_time(void);
#ifdef __cplusplus
}
#endif
#endif
