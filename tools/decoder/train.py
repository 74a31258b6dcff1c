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

from decoder_model import LATENT, H, W, Progress, decoder_layers, decoder_model, export_int8, ink_loss, quantize, np, tf


def load(data_dir):
    meta = json.load(open(os.path.join(data_dir, "meta.json")))
    n, p = meta["count"], len(meta["params"])
    params = np.fromfile(os.path.join(data_dir, "params.f32"), dtype="<f4").reshape(n, p)
    images = np.fromfile(os.path.join(data_dir, "images.u8"), dtype=np.uint8).reshape(n, H, W, 1).astype(np.float32)
    return meta, params, images


class EpochProgress(tf.keras.callbacks.Callback):
    def __init__(self, epochs, steps):
        super().__init__()
        self.steps, self.epoch, self.progress = steps, 0, Progress(epochs * steps)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.progress.step(self.epoch * self.steps + batch + 1, self.epoch + 1)


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
    model.compile(optimizer=tf.keras.optimizers.Adam(2e-3), loss=ink_loss(float(images.mean())))
    start = time.time()
    k = meta["keyframes"]
    xt = np.concatenate([x] + [x[:k]] * a.keyframe_repeat)
    yt = np.concatenate([images] + [images[:k]] * a.keyframe_repeat)
    steps = (len(xt) + a.batch - 1) // a.batch
    model.fit(xt, yt, batch_size=a.batch, epochs=a.epochs, shuffle=True, verbose=0, callbacks=[EpochProgress(a.epochs, steps)])
    print(f"trained in {time.time() - start:.0f} s", flush=True)

    encoder = tf.keras.Model(p_in, latent)
    lat = encoder.predict(x, verbose=0)
    tflite, scale, zero = export_int8(decoder_model(layers), lat[:500])
    keyframes = meta["keyframes"]
    q = quantize(lat[:keyframes], scale, zero)
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
