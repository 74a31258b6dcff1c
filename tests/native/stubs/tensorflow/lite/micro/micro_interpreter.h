// Test double of TFLM's MicroInterpreter: tensors in the caller's arena, messages on stderr the way
// TFLM's MicroPrintf/DebugLog writes them. Not TFLM: Invoke() writes a pattern, not inference.
#ifndef STUB_TFLM_MICRO_INTERPRETER_H
#define STUB_TFLM_MICRO_INTERPRETER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../../tflm_stub_config.h"
#include "../../../../../../native/common/geometry.h"
#include "../schema/schema_generated.h"

typedef enum { kTfLiteOk = 0, kTfLiteError = 1 } TfLiteStatus;
typedef enum { kTfLiteNoType = 0, kTfLiteInt8 = 9 } TfLiteType;
typedef struct {
  float scale;
  int32_t zero_point;
} TfLiteQuantizationParams;
typedef union {
  int8_t *int8;
} TfLitePtrUnion;
typedef struct {
  TfLiteType type;
  TfLitePtrUnion data;
  size_t bytes;
  TfLiteQuantizationParams params;
} TfLiteTensor;

namespace tflite {
class MicroOpResolver {};

class MicroInterpreter {
 public:
  MicroInterpreter(const Model *, const MicroOpResolver &, uint8_t *arena, size_t size) : arena_(arena), size_(size) {}
  ~MicroInterpreter() {}
  TfLiteStatus AllocateTensors() {
    if (stub_tflm.arena_needed > (int)size_) {
      fprintf(stderr, "Failed to resize buffer. Requested: %d, available %d, missing: %d\n", stub_tflm.arena_needed, (int)size_, stub_tflm.arena_needed - (int)size_);
      fprintf(stderr, "Failed starting model allocation.\n");
      return kTfLiteError;
    }
    if (stub_tflm.prepare_fails) {
      fprintf(stderr, "Node CONV_2D (number 2f) failed to prepare with status 1\n");
      return kTfLiteError;
    }
    in_ = {kTfLiteInt8, {reinterpret_cast<int8_t *>(arena_)}, (size_t)stub_tflm.input_bytes, {0.1f, 0}};
    out_ = {kTfLiteInt8, {reinterpret_cast<int8_t *>(arena_ + 64)}, MF_PIXELS, {0.1f, 0}};
    return kTfLiteOk;
  }
  TfLiteTensor *input(size_t) { return &in_; }
  size_t arena_used_bytes() const { return stub_tflm.arena_needed > 0 ? (size_t)stub_tflm.arena_needed : 64 + MF_PIXELS; }
  TfLiteTensor *output(size_t) { return &out_; }
  TfLiteStatus Invoke() {
    for (size_t i = 0; i < MF_PIXELS; i++) out_.data.int8[i] = (int8_t)(in_.data.int8[i % in_.bytes] + (int)(i % 7) - 3);
    return kTfLiteOk;
  }

 private:
  uint8_t *arena_;
  size_t size_;
  TfLiteTensor in_ = {}, out_ = {};
};
}  // namespace tflite

#endif
