// Test double of TFLite's schema_generated.h: what native/decoder/backend_tflm.cc uses. Not TFLM.
#ifndef STUB_TFLITE_SCHEMA_GENERATED_H
#define STUB_TFLITE_SCHEMA_GENERATED_H

#include <stddef.h>
#include <stdint.h>

#include "../../../tflm_stub_config.h"

namespace flatbuffers {
class Verifier {
 public:
  Verifier(const uint8_t *buf, size_t length) : buf_(buf), length_(length) {}
  const uint8_t *buf_;
  size_t length_;
};
}  // namespace flatbuffers

namespace tflite {
enum BuiltinOperator : int32_t { BuiltinOperator_ADD = 0 };
struct Model {};
inline const Model *GetModel(const void *buf) { return static_cast<const Model *>(buf); }
inline bool VerifyModelBuffer(flatbuffers::Verifier &v) { return !stub_tflm.verifier_fails && v.length_ >= 8; }
}  // namespace tflite

#endif
