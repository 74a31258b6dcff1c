"""The decoder's layers, its int8 export and the progress lines, shared by train.py and finetune.py
(docs/decoder.md). Importing this sets TensorFlow up quiet and deterministic."""
import os
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from board_layout import board_layout  # noqa: E402

tf.get_logger().setLevel("ERROR")
try:
    import absl.logging  # noqa: E402

    absl.logging.set_verbosity(absl.logging.ERROR)
except ImportError:
    pass

LATENT = 8
H, W = 64, 128


def decoder_layers():
    return [
        tf.keras.layers.Dense(8 * 16 * 16, activation="relu", name="fc"),
        tf.keras.layers.Reshape((8, 16, 16), name="grid"),
        tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv"),
        tf.keras.layers.Conv2D(64, 1, name="tiles"),
        tf.keras.layers.Lambda(lambda x: tf.nn.depth_to_space(x, 8), name="depth_to_space"),
    ]


def decoder_model(layers):
    """The decoder alone, batch fixed at 1 (so the converter adds no SHAPE/PACK ops)."""
    z_in = tf.keras.Input((LATENT,), batch_size=1, name="latent")
    y = z_in
    for layer in layers:
        y = layer(y)
    return tf.keras.Model(z_in, y)


def ink_loss(ink):
    """Weighted cross-entropy: ink is sparse (a few % of pixels), weighed up so thin lines are not
    given up for black."""
    pos_weight = min(8.0, (1 - ink) / max(ink, 1e-3) / 3)

    def loss(t, logits):
        return tf.reduce_mean(tf.nn.weighted_cross_entropy_with_logits(t, logits, pos_weight))

    return loss


def export_int8(decoder, representative_latents):
    """Full-integer int8 TFLite bytes, and the input's (scale, zero point)."""

    def representative():
        for i in range(len(representative_latents)):
            yield [representative_latents[i : i + 1].astype(np.float32)]

    conv = tf.lite.TFLiteConverter.from_keras_model(decoder)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    tflite = conv.convert()
    # The board's layout (board_layout.py): no trailing DEPTH_TO_SPACE (the frame conversion reads
    # the tiles), every buffer 16-byte aligned for ESP-NN's fast paths. Same weights, same frames.
    tflite, _ = board_layout(tflite)
    interp = tf.lite.Interpreter(model_content=tflite)
    scale, zero = interp.get_input_details()[0]["quantization"]
    return tflite, float(scale), int(zero)


def quantize(latents, scale, zero):
    return np.clip(np.round(latents / scale + zero), -128, 127).astype(np.int8)


class Progress:
    """Prints `progress <done> <total> <epoch>` at most 4 times a second, for the Node side's progress
    bar (moodface decoder train, moodface pack); Keras' own output is off."""

    def __init__(self, total):
        self.total, self.last = total, 0.0

    def step(self, done, epoch):
        now = time.time()
        if now - self.last >= 0.25 or done == self.total:
            self.last = now
            print(f"progress {done} {self.total} {epoch}", flush=True)
