#!/usr/bin/env python3
"""The TFLM oracle: runs a .tflite model in the real TFLM interpreter from PyPI tflite-micro.

Reads int8 latents (N x size) from --latents, writes the int8 outputs (N x 8192) to --out.
tflite-micro is installed with --no-deps: its runtime import does not need tensorflow.
"""
import argparse
import sys

import numpy as np
from tflite_micro.python.tflite_micro import runtime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--latents", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    interp = runtime.Interpreter.from_file(a.model)
    size = int(np.prod(interp.get_input_details(0)["shape"]))
    lat = np.fromfile(a.latents, dtype=np.int8).reshape(-1, size)
    outs = []
    for z in lat:
        # TFLM reuses the input's arena memory, so the input is written before every invoke.
        interp.set_input(z.reshape(interp.get_input_details(0)["shape"]), 0)
        interp.invoke()
        outs.append(interp.get_output(0).astype(np.int8).reshape(-1))
    np.stack(outs).tofile(a.out)
    print(f"{len(outs)} decodes", file=sys.stderr)


if __name__ == "__main__":
    main()
