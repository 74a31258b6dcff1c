/*
 * The two settings of the board's sdkconfig.h that the decoder's path depends on. On the board
 * ESP-IDF's headers bring sdkconfig.h into every source (its newlib assert.h and esp_timer.h include
 * it; assert.h and esp_timer.h here do the same), so esp_nn.h sees CONFIG_NN_OPTIMIZED (esp-nn's
 * Kconfig default) and CONFIG_IDF_TARGET_ESP32S3 and maps esp_nn_conv_s8() & co. to the esp32s3
 * kernels. Without them the glue kernels silently call ESP-NN's plain C (ansi) kernels.
 */
#ifndef MOODFACE_S3_SDKCONFIG_H
#define MOODFACE_S3_SDKCONFIG_H
#define CONFIG_IDF_TARGET_ESP32S3 1
#define CONFIG_NN_OPTIMIZED 1
#endif
