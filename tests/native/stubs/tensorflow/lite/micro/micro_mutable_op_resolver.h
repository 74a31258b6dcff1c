// Test double of TFLM's MicroMutableOpResolver: records what was added. Not TFLM.
#ifndef STUB_TFLM_MICRO_MUTABLE_OP_RESOLVER_H
#define STUB_TFLM_MICRO_MUTABLE_OP_RESOLVER_H

#include "micro_interpreter.h"

namespace tflite {
struct TFLMRegistration {
  int code;
};

template <unsigned int N>
class MicroMutableOpResolver : public MicroOpResolver {
 public:
  const TFLMRegistration *FindOp(BuiltinOperator op) const {
    for (unsigned int i = 0; i < count_; i++)
      if (ops_[i].code == static_cast<int>(op)) return &ops_[i];
    return nullptr;
  }
  TfLiteStatus AddConv2D() { return Add(3); }
  TfLiteStatus AddDepthwiseConv2D() { return Add(4); }
  TfLiteStatus AddDepthToSpace() { return Add(5); }
  TfLiteStatus AddFullyConnected() { return Add(9); }
  TfLiteStatus AddReshape() { return Add(22); }
  TfLiteStatus AddResizeNearestNeighbor() { return Add(97); }

 private:
  TfLiteStatus Add(int code) {
    if (stub_tflm.add_fails == code || count_ >= N) return kTfLiteError;
    ops_[count_++].code = code;
    return kTfLiteOk;
  }
  TFLMRegistration ops_[N] = {};
  unsigned int count_ = 0;
};
}  // namespace tflite

#endif
