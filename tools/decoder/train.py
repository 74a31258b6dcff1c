#!/usr/bin/env python3
"""Trains the latent decoder on the face generator's family (docs/decoder.md).

Reads a dataset written by tools/decoder/dataset.ts (params.f32, images.u8, meta.json), trains a
linear parameter encoder and a small convolutional decoder with Keras, and exports the decoder as a
full-integer int8 TFLite model plus the int8 latents of the keyframes (the dataset's first samples).

Decoder: latent (8) -> FULLY_CONNECTED 2048 + ReLU -> RESHAPE 8x16x16 -> CONV_2D 3x3 16 + ReLU
-> CONV_2D 1x1 64 -> DEPTH_TO_SPACE 8 -> 64x128x1 logits (ink where the logit is above 0).
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")

import warnings  # noqa: E402

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")
try:
    import absl.logging  # noqa: E402

    absl.logging.set_verbosity(absl.logging.ERROR)
except ImportError:
    pass

LATENT = 8
H, W = 64, 128


def load(data_dir):
    meta = json.load(open(os.path.join(data_dir, "meta.json")))
    n, p = meta["count"], len(meta["params"])
    params = np.fromfile(os.path.join(data_dir, "params.f32"), dtype="<f4").reshape(n, p)
    images = np.fromfile(os.path.join(data_dir, "images.u8"), dtype=np.uint8).reshape(n, H, W, 1).astype(np.float32)
    return meta, params, images


def decoder_layers():
    return [
        tf.keras.layers.Dense(8 * 16 * 16, activation="relu", name="fc"),
        tf.keras.layers.Reshape((8, 16, 16), name="grid"),
        tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv"),
        tf.keras.layers.Conv2D(64, 1, name="tiles"),
        tf.keras.layers.Lambda(lambda x: tf.nn.depth_to_space(x, 8), name="depth_to_space"),
    ]


class Progress(tf.keras.callbacks.Callback):
    """Prints `progress <batches done> <batches in all> <epoch>` at most 4 times a second, for the
    Node side's progress bar (moodface decoder train); Keras' own output is off."""

    def __init__(self, epochs, steps):
        super().__init__()
        self.epochs, self.steps, self.epoch, self.last = epochs, steps, 0, 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        now = time.time()
        done = self.epoch * self.steps + batch + 1
        if now - self.last >= 0.25 or done == self.epochs * self.steps:
            self.last = now
            print(f"progress {done} {self.epochs * self.steps} {self.epoch + 1}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True, help="folder for decoder.tflite and latents.json")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--keyframe-repeat", type=int, default=40, help="how often each keyframe appears per epoch (they must decode best)")
    a = ap.parse_args()

    tf.keras.utils.set_random_seed(a.seed)
    tf.config.experimental.enable_op_determinism()
    meta, params, images = load(a.data)
    mean, std = params.mean(0), params.std(0) + 1e-6
    x = (params - mean) / std

    p_in = tf.keras.Input((params.shape[1],), name="params")
    latent = tf.keras.layers.Dense(LATENT, name="encoder")(p_in)
    layers = decoder_layers()
    y = latent
    for layer in layers:
        y = layer(y)
    model = tf.keras.Model(p_in, y)
    ink = float(images.mean())
    # Ink is sparse (a few % of pixels): weigh it up so thin lines are not given up for black.
    pos_weight = min(8.0, (1 - ink) / max(ink, 1e-3) / 3)

    def loss(t, logits):
        return tf.reduce_mean(tf.nn.weighted_cross_entropy_with_logits(t, logits, pos_weight))

    model.compile(optimizer=tf.keras.optimizers.Adam(2e-3), loss=loss)
    start = time.time()
    k = meta["keyframes"]
    xt = np.concatenate([x] + [x[:k]] * a.keyframe_repeat)
    yt = np.concatenate([images] + [images[:k]] * a.keyframe_repeat)
    steps = (len(xt) + a.batch - 1) // a.batch
    model.fit(xt, yt, batch_size=a.batch, epochs=a.epochs, shuffle=True, verbose=0, callbacks=[Progress(a.epochs, steps)])
    print(f"trained in {time.time() - start:.0f} s", flush=True)

    encoder = tf.keras.Model(p_in, latent)
    lat = encoder.predict(x, verbose=0)
    z_in = tf.keras.Input((LATENT,), batch_size=1, name="latent")
    y = z_in
    for layer in layers:
        y = layer(y)
    decoder = tf.keras.Model(z_in, y)

    def representative():
        for i in range(0, min(len(lat), 500)):
            yield [lat[i : i + 1].astype(np.float32)]

    conv = tf.lite.TFLiteConverter.from_keras_model(decoder)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    tflite = conv.convert()

    interp = tf.lite.Interpreter(model_content=tflite)
    inp = interp.get_input_details()[0]
    scale, zero = inp["quantization"]
    keyframes = meta["keyframes"]
    q = np.clip(np.round(lat[:keyframes] / scale + zero), -128, 127).astype(np.int8)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "decoder.tflite"), "wb") as f:
        f.write(tflite)
    json.dump(
        {
            "format": "moodface-latents",
            "version": 1,
            "dims": LATENT,
            "scale": float(scale),
            "zeroPoint": int(zero),
            "paramMean": mean.tolist(),
            "paramStd": std.tolist(),
            "encoder": {"kernel": encoder.get_layer("encoder").kernel.numpy().tolist(), "bias": encoder.get_layer("encoder").bias.numpy().tolist()},
            "keyframes": q.tolist(),
        },
        open(os.path.join(a.out, "latents.json"), "w"),
    )
    print(f"wrote {len(tflite)} bytes of model and {keyframes} latents to {a.out}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
