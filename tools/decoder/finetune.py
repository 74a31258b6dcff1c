#!/usr/bin/env python3
"""Fine-tunes a trained int8 decoder on a pack's own keyframes (docs/decoder.md, "Fine-tuning").

For keyframes the decoder has never seen (photo sketches, a person's drawings) whose best inverted
latent still misses more than 2% of pixels. Starts from the int8 model's weights (dequantized: the
float ones are not kept) and the keyframes' latents (trained or inverted), then trains decoder and
keyframe latents together (a latent table, as in GLO) on:
  - the pack's keyframes (targets.u8), which must decode best, and
  - the generator's face family (a dataset as train.py reads, encoded by latents.json's linear
    encoder), so the latent space keeps drawing faces in between and the defaults stay right, and
  - with --in-betweens transport (drawings and photo sketches), geometric in-betweens (inbetween.py: ink
    moved along the optimal transport, per face part) of every pair of keyframes the decoder never saw, at the latent points 1/4, 1/2 and 3/4 of
    the way between the two, so a morph between a person's drawings bends their lines instead of
    fading one into the other; with the default, --in-betweens prior, a prior on
    every pair's midpoint: keep the ink both share, draw nothing far from either.
Exports the same architecture to full-integer int8 (same four ops, same sizes: the budgets hold by
construction; the Node side checks them again) and writes decoder.tflite and latents.json with the
keyframes' int8 latents in the order of targets.u8. Deterministic for the same inputs and seed.
"""
import argparse
import json
import os
import sys
import time

from decoder_model import LATENT, H, W, Progress, decoder_layers, decoder_model, export_int8, ink_loss, quantize, np, tf
from inbetween import inbetween


def dequantized_weights(model_file):
    """The int8 model's FULLY_CONNECTED and CONV_2D weights and biases as float Keras arrays."""
    interp = tf.lite.Interpreter(model_path=model_file)
    interp.allocate_tensors()
    found = {}
    for t in interp.get_tensor_details():
        shape = tuple(t["shape"])
        q = t["quantization_parameters"]
        if len(q["scales"]) <= 1 or t["dtype"] not in (np.int8, np.int32):
            continue  # activations and the input: per-tensor quantized
        v = interp.get_tensor(t["index"]).astype(np.float64)
        axis = q["quantized_dimension"]
        bshape = [1] * v.ndim
        bshape[axis] = -1
        f = (v - q["zero_points"].reshape(bshape)) * q["scales"].reshape(bshape)
        found[(t["dtype"].__name__, shape)] = f.astype(np.float32)
    try:
        fc_k = found[("int8", (2048, LATENT))].T
        fc_b = found[("int32", (2048,))]
        conv_k = found[("int8", (16, 3, 3, 16))].transpose(1, 2, 3, 0)
        conv_b = found[("int32", (16,))]
        tiles_k = found[("int8", (64, 1, 1, 16))].transpose(1, 2, 3, 0)
        tiles_b = found[("int32", (64,))]
    except KeyError as e:
        raise SystemExit(f"{model_file}: not the moodface decoder architecture (no tensor {e.args[0]}); fine-tuning needs it")
    return [[fc_k, fc_b], [conv_k, conv_b], [tiles_k, tiles_b]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="the trained decoder.tflite")
    ap.add_argument("--latents", required=True, help="its latents.json (input quantization and the linear encoder)")
    ap.add_argument("--targets", required=True, help="the pack's keyframes: K x 64 x 128 bytes, 0 or 1")
    ap.add_argument("--init", required=True, help="their starting latents: K x 8 int8, in the model's input quantization")
    ap.add_argument("--family", help="a face family dataset folder (tools/decoder/dataset.ts) to keep the latent space drawing faces")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=2500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--family-batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--latent-lr", type=float, default=2e-3, help="learning rate of the keyframes' latents (0: they stay where inversion put them)")
    ap.add_argument("--family-weight", type=float, default=0.5)
    ap.add_argument("--in-betweens", choices=["transport", "prior"], default="prior", help="transport: geometric in-betweens of the pairs of --unseen keyframes (a person's drawings); prior: only keep the shared ink and draw nothing far from either end, for every pair (photo sketches)")
    ap.add_argument("--unseen", default="", help="comma-separated indexes of the keyframes the decoder never saw: with --in-betweens transport, pairs of two get geometric in-betweens")
    ap.add_argument("--between-weight", type=float, help="weight of the in-betweens (0: off; default 1 for transport, 0.5 for the prior)")
    ap.add_argument("--pairs", type=int, help="in-betweens per step (default 16 for transport, 8 for the prior)")
    ap.add_argument("--keys-first", type=float, default=0.99, help="transport: until every keyframe draws this share of its pixels (float), the in-betweens weigh a fifth")
    ap.add_argument("--min-steps", type=int, help="no early stop before this (default 1200 for transport: the in-betweens take longer than the keyframes; stopped at 700 steps, eight drawings' midpoints lost a third of their margin over the crossfade)")
    ap.add_argument("--target", type=float, help="stop early once every keyframe draws this share of its pixels (float, before int8; default 0.993 for transport, checked every 100 steps, 0.997 for the prior, every 250)")
    ap.add_argument("--wait", action="store_true", help="read a line on stdin first and go on only if it is `go` (the caller starts Python early, then writes the inputs)")
    a = ap.parse_args()
    transport = a.in_betweens == "transport"
    for name, moved, held in (("between_weight", 1.0, 0.5), ("pairs", 16, 8), ("min_steps", 1200, 0), ("target", 0.993, 0.997)):
        if getattr(a, name) is None:
            setattr(a, name, moved if transport else held)
    check_every = 100 if transport else 250
    if a.wait and sys.stdin.readline().strip() != "go":
        return 0

    tf.keras.utils.set_random_seed(a.seed)
    tf.config.experimental.enable_op_determinism()
    doc = json.load(open(a.latents))
    targets = np.fromfile(a.targets, dtype=np.uint8).reshape(-1, H, W, 1).astype(np.float32)
    k = len(targets)
    init = np.fromfile(a.init, dtype=np.int8).reshape(k, LATENT).astype(np.float32)
    z0 = (init - doc["zeroPoint"]) * doc["scale"]

    layers = decoder_layers()
    decoder = decoder_model(layers)
    dense, conv, tiles = layers[0], layers[2], layers[3]
    w = dequantized_weights(a.model)
    dense.set_weights(w[0])
    conv.set_weights(w[1])
    tiles.set_weights(w[2])

    fam_z = fam_y = None
    if a.family:
        meta = json.load(open(os.path.join(a.family, "meta.json")))
        n, p = meta["count"], len(meta["params"])
        params = np.fromfile(os.path.join(a.family, "params.f32"), dtype="<f4").reshape(n, p)
        x = (params - np.array(doc["paramMean"], np.float32)) / np.array(doc["paramStd"], np.float32)
        fam_z = (x @ np.array(doc["encoder"]["kernel"], np.float32) + np.array(doc["encoder"]["bias"], np.float32)).astype(np.float32)
        fam_y = np.fromfile(os.path.join(a.family, "images.u8"), dtype=np.uint8).reshape(n, H, W, 1).astype(np.float32)

    # Geometric in-betweens of each pair of keyframes the decoder never saw (a person's drawings, two
    # photos), the ink moved 1/4, 1/2 and 3/4 of the way, taught at the same points of the latent
    # segment, which is the path the animator decodes. Pairs of two generated faces have the family's
    # in-betweens; a drawing and a generated face are drawn in two hands, and transporting one's ink
    # onto the other's made targets that crowded out the keyframes (photo sketches: 16 of 24 at 98%).
    unseen = {int(i) for i in a.unseen.split(",") if i != ""}
    if transport:
        pairs = [(i, j) for i in range(k) for j in range(i + 1, k) if i in unseen and j in unseen]
    else:
        pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    between = a.between_weight > 0 and len(pairs) > 0
    if between and not transport:
        # The in-between prior (no geometric in-between: what the photo packs used until 2026-12-07,
        # docs/decoder.md): the decoded midpoint
        # of two keyframes' latents keeps the ink both share and draws nothing far (over 4 px) from
        # the ink of either; what lies near one or the other is left free (where lines move).
        ink = targets[..., 0] > 0.5
        near = tf.nn.max_pool2d(tf.constant(targets), 9, 1, "SAME").numpy()[..., 0] > 0.5
        i0 = np.array([p[0] for p in pairs])
        i1 = np.array([p[1] for p in pairs])
        shared = tf.constant((ink[i0] & ink[i1]).astype(np.float32)[..., None])
        far = tf.constant((~(near[i0] | near[i1])).astype(np.float32)[..., None])
        pi, pj = tf.constant(i0), tf.constant(i1)
    if between and transport:
        started = time.time()
        ts = (0.25, 0.5, 0.75)
        bi, bj, bt, by = [], [], [], []
        for i, j in pairs:
            for t, img in zip(ts, inbetween(targets[i, ..., 0], targets[j, ..., 0], ts)):
                bi.append(i), bj.append(j), bt.append(t), by.append(img)
        bi, bj = tf.constant(np.array(bi)), tf.constant(np.array(bj))
        bt = tf.constant(np.array(bt, np.float32)[:, None])
        by = tf.constant(np.array(by, np.float32)[..., None])
        print(f"in-betweens: {len(pairs)} pairs x {len(ts)} in {time.time() - started:.1f} s", flush=True)
    table = tf.Variable(z0, name="keyframe_latents")
    # Keyframes first: a keyframe under 98% does not morph at all, so while any is under --keys-first the
    # in-betweens weigh a fifth (checked every 100 steps). Photo sketches sit near the bar; at full
    # weight from the start their in-betweens left 3 of 24 keyframes under it.
    between_scale = tf.Variable(0.2 if transport else 1.0, trainable=False)
    key_loss = ink_loss(float(targets.mean()))
    fam_loss = ink_loss(float(fam_y.mean())) if fam_y is not None else None
    opt = tf.keras.optimizers.Adam(a.lr)
    opt_latents = tf.keras.optimizers.Adam(max(a.latent_lr, 1e-12))
    variables = decoder.trainable_variables + [table]
    tk = tf.constant(targets)
    rng = np.random.RandomState(a.seed)

    def run(z):
        y = z
        for layer in layers:
            y = layer(y)
        return y

    def prior(pick):
        za = tf.gather(table, tf.gather(pi, pick))
        zb = tf.gather(table, tf.gather(pj, pick))
        logits = run((za + zb) / 2)
        s, f = tf.gather(shared, pick), tf.gather(far, pick)
        ce1 = tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(logits), logits)
        ce0 = tf.nn.sigmoid_cross_entropy_with_logits(tf.zeros_like(logits), logits)
        return tf.reduce_sum(s * ce1 + f * ce0) / tf.maximum(1.0, tf.reduce_sum(s + f))

    def in_betweens(pick):
        za = tf.gather(table, tf.gather(bi, pick))
        zb = tf.gather(table, tf.gather(bj, pick))
        t = tf.gather(bt, pick)
        return key_loss(tf.gather(by, pick), run(za + (zb - za) * t))

    @tf.function
    def step(fz, fy, pick):
        with tf.GradientTape() as tape:
            loss = key_loss(tk, run(table))
            if fam_loss is not None:
                loss = loss + a.family_weight * fam_loss(fy, run(fz))
            if between:
                loss = loss + a.between_weight * between_scale * (in_betweens(pick) if transport else prior(pick))
        grads = tape.gradient(loss, variables)
        opt.apply_gradients(zip(grads[:-1], variables[:-1]))
        if a.latent_lr > 0:
            opt_latents.apply_gradients([(grads[-1], table)])
        return loss

    def worst_agreement():
        drawn = (run(table).numpy() > 0).astype(np.float32)
        return float((drawn == targets).reshape(k, -1).mean(1).min())

    start = time.time()
    progress = Progress(a.steps)
    empty = tf.zeros((0, LATENT))
    done = a.steps
    for s in range(a.steps):
        pick = rng.randint(0, max(1, (3 if transport else 1) * len(pairs)), a.pairs)
        if fam_z is not None:
            idx = rng.randint(0, len(fam_z), a.family_batch)
            step(tf.constant(fam_z[idx]), tf.constant(fam_y[idx]), pick)
        else:
            step(empty, tf.zeros((0, H, W, 1)), pick)
        progress.step(s + 1, 1)
        if (s + 1) % check_every == 0:
            worst = worst_agreement()
            if transport:
                between_scale.assign(1.0 if worst >= a.keys_first else 0.2)
            if worst >= a.target and s + 1 >= a.min_steps:
                done = s + 1
                progress.step(a.steps, 1)
                break
    print(f"fine-tuned in {time.time() - start:.0f} s ({done} steps)", flush=True)

    lat = table.numpy()
    rep = np.concatenate([lat] + ([fam_z[:300]] if fam_z is not None else []))
    tflite, scale, zero = export_int8(decoder, rep)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "decoder.tflite"), "wb") as f:
        f.write(tflite)
    out = dict(doc)
    out.update({"scale": scale, "zeroPoint": zero, "keyframes": quantize(lat, scale, zero).tolist()})
    json.dump(out, open(os.path.join(a.out, "latents.json"), "w"))
    print(f"wrote {len(tflite)} bytes of model and {k} latents to {a.out}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
