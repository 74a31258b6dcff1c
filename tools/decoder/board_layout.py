"""The decoder's .tflite laid out for the board's kernels (issue 18, docs/decoder.md "Board layout").

Two changes that keep every weight, scale and zero point bit for bit (no retraining, no requantizing):

1. A trailing DEPTH_TO_SPACE is dropped: the model then outputs the 1x8x16x64 tiles (channel
   dy*8+dx of cell (row, col) is pixel (8*row+dy, 8*col+dx)), which native/decoder/model.c's
   md_logits_to_frame reads directly: the reorder costs nothing there, and on the S3 it was 173,500
   instructions per inference in TFLM's reference DEPTH_TO_SPACE.
2. Every buffer's data is 16-byte aligned in the file (the converter leaves them 4-byte aligned):
   ESP-NN's esp32s3 kernels take their fast paths only on 16-byte aligned filters (the 3x3 conv
   otherwise copies its 2,304-byte filter to scratch on every call).

Used by decoder_model.export_int8 (training and fine-tuning) and, for a model already trained, as
    .venv/bin/python tools/decoder/board_layout.py IN.tflite OUT.tflite
Writes atomically; prints what it changed.
"""

import os
import sys
import tempfile

import flatbuffers
import numpy as np
from tensorflow.lite.python import schema_py_generated as schema

DEPTH_TO_SPACE = 5
ALIGN = 16
_IDENTIFIER = b"TFL3"


def _aligned_buffer_pack(self, builder):
    """BufferT.Pack with the data vector aligned to ALIGN bytes (flatbuffers' force_align)."""
    data = None
    if self.data is not None and len(self.data):
        raw = np.asarray(self.data, dtype=np.uint8).tobytes()
        builder.StartVector(1, len(raw), ALIGN)
        builder.head = builder.head - len(raw)
        builder.Bytes[builder.head : builder.head + len(raw)] = raw
        builder.vectorNumElems = len(raw)
        data = builder.EndVector()
    schema.BufferStart(builder)
    if data is not None:
        schema.BufferAddData(builder, data)
    schema.BufferAddOffset(builder, self.offset)
    schema.BufferAddSize(builder, self.size)
    return schema.BufferEnd(builder)


def _builtin_code(model, op):
    code = model.operatorCodes[op.opcodeIndex]
    return max(code.builtinCode, code.deprecatedBuiltinCode)


def _drop_trailing_depth_to_space(model):
    """Removes a last DEPTH_TO_SPACE whose output is the subgraph's output. True when it did."""
    sg = model.subgraphs[0]
    if not sg.operators or _builtin_code(model, sg.operators[-1]) != DEPTH_TO_SPACE:
        return False
    op = sg.operators[-1]
    old_out, new_out = int(op.outputs[0]), int(op.inputs[0])
    if list(sg.outputs) != [old_out]:
        return False
    sg.operators = sg.operators[:-1]
    sg.outputs = np.array([new_out], dtype=np.int32)
    # The tiles tensor becomes the output under the old output's name (signatures and tools see the same name).
    sg.tensors[new_out].name = sg.tensors[old_out].name
    # Drop the old output tensor and renumber the tensors behind it.
    del sg.tensors[old_out]

    def renumber(ix):
        return np.array([i - 1 if i > old_out else i for i in ix], dtype=np.int32)

    for o in sg.operators:
        o.inputs = renumber(o.inputs)
        o.outputs = renumber(o.outputs)
    sg.inputs = renumber(sg.inputs)
    sg.outputs = renumber(sg.outputs)
    for sig in model.signatureDefs or []:
        for t in list(sig.inputs or []) + list(sig.outputs or []):
            if t.tensorIndex == old_out:
                t.tensorIndex = new_out
            elif t.tensorIndex > old_out:
                t.tensorIndex -= 1
    # The operator code goes too when nothing else uses it (the op list is what TFLM registers).
    used = {o.opcodeIndex for s in model.subgraphs for o in s.operators}
    if op.opcodeIndex not in used:
        gone = op.opcodeIndex
        del model.operatorCodes[gone]
        for s in model.subgraphs:
            for o in s.operators:
                if o.opcodeIndex > gone:
                    o.opcodeIndex -= 1
    return True


def board_layout(tflite_bytes):
    """The model's bytes with a trailing DEPTH_TO_SPACE dropped and every buffer 16-byte aligned."""
    model = schema.ModelT.InitFromPackedBuf(bytearray(tflite_bytes), 0)
    if len(model.subgraphs) != 1:
        raise SystemExit("board_layout: expected one subgraph")
    dropped = _drop_trailing_depth_to_space(model)
    builder = flatbuffers.Builder(len(tflite_bytes) + 4096)
    saved = schema.BufferT.Pack
    schema.BufferT.Pack = _aligned_buffer_pack
    try:
        root = model.Pack(builder)
    finally:
        schema.BufferT.Pack = saved
    builder.Finish(root, file_identifier=_IDENTIFIER)
    out = bytes(builder.Output())
    # Check the promise: every non-empty buffer starts 16-byte aligned in the file.
    check = schema.Model.GetRootAs(out, 0)
    for i in range(check.BuffersLength()):
        b = check.Buffers(i)
        if b.DataLength():
            start = b._tab.Vector(b._tab.Offset(4))
            if start % ALIGN:
                raise SystemExit(f"board_layout: buffer {i} starts at byte {start}, not {ALIGN}-byte aligned")
    return out, dropped


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: board_layout.py IN.tflite OUT.tflite")
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        data = f.read()
    out, dropped = board_layout(data)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(dst)), suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(out)
    os.replace(tmp, dst)
    print(f"{dst}: {len(out)} bytes ({len(data)} before); buffers {ALIGN}-byte aligned; " + ("trailing DEPTH_TO_SPACE dropped" if dropped else "no trailing DEPTH_TO_SPACE"))


if __name__ == "__main__":
    main()
