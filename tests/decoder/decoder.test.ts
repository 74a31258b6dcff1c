/*
 * The latent decoder: its model stays within the device budget and uses only cheap ops, the C
 * reference backend agrees bit for bit with the real TFLM interpreter (PyPI tflite-micro), bad model
 * bytes give clear errors, the default model reconstructs its keyframes and morphs better than a
 * crossfade, and training works end to end (a smoke model).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildDecoderCli, modelInfo } from "../../tools/decoder/native.js";
import { evaluate } from "../../tools/decoder/evaluate.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { python } from "../../tools/lib/python.js";
import { Random } from "../../modules/common/random.js";
import { moodfaceAsync, tempDir } from "../helpers/cli.js";
import { hostDecoder } from "../../tools/decoder/native.js";
import { ReferenceModel } from "../../tools/decoder/reference.js";
import { openPack, latentSize } from "../../modules/pack/pack.js";
import { PackFaces, chooseKeyframe } from "../../modules/face/faces.js";
import { Animator, TRANSITION_MS } from "../../modules/face/animator.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { Robot } from "../../modules/app/robot.js";
import { createSimHost } from "../../tools/sim/host.js";
import { latentsSection, writePack } from "../../tools/faces/pack-writer.js";
import { writeDataset } from "../../tools/decoder/dataset.js";
import { overBudget } from "../../tools/decoder/budget.js";
import { QUIET_ENV } from "../../tools/lib/python.js";
import { expression } from "../../tools/faces/face.js";
import { renderFace, unpack } from "../../tools/faces/render.js";

const MODEL = join(REPO_ROOT, "frames", "decoder.tflite");
const LATENTS = join(REPO_ROOT, "frames", "latents.json");
const ALLOWED = ["FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D", "RESHAPE", "RESIZE_NEAREST_NEIGHBOR", "DEPTH_TO_SPACE", "LOGISTIC", "RELU"];

/** Decodes with the C backend and with TFLM; returns both outputs. */
function bothBackends(model: string, latents: Int8Array): { c: Buffer; tflm: Buffer } {
  const dir = tempDir();
  const lat = join(dir, "latents.bin");
  const out = join(dir, "tflm.bin");
  writeFileSync(lat, latents);
  const oracle = spawnSync(python(), [join(REPO_ROOT, "tools", "decoder", "oracle.py"), "--model", model, "--latents", lat, "--out", out], { encoding: "utf8" });
  if (oracle.status !== 0) throw new Error(`TFLM oracle failed (node tools/decoder/setup-python.js installs it into .venv):\n${oracle.stderr}`);
  const c = spawnSync(buildDecoderCli(), [model], { input: latents, maxBuffer: 1 << 28 });
  if (c.status !== 0) throw new Error(String(c.stderr));
  return { c: c.stdout, tflm: readFileSync(out) };
}

/** Byte position of element k of tensor t's shape vector. */
function tensorShapePosition(bytes: Buffer, t: number, k: number): number {
  const ref = new ReferenceModel(new Uint8Array(bytes));
  return ref.tensorShapeAt(t) + 4 * k;
}

/** A simulator robot on `framesFile`, two frames into a transition to joy; its trace text. */
function robotAfterGift(framesFile: string): { robot: Robot; traces: string } {
  const lines: string[] = [];
  const robot = new Robot(createSimHost({ framesFile, config: {}, now: () => 0, trace: (m) => lines.push(m) }));
  robot.frame(0);
  robot.engine.stimulate(robot.engine.stimulusIndex("gift"), 1 << 24);
  robot.frame(33);
  robot.frame(66);
  return { robot, traces: lines.join("") };
}

function seededLatents(n: number, size: number, seed: number): Int8Array {
  const r = new Random(seed);
  return Int8Array.from({ length: n * size }, () => r.range(-128, 127));
}

describe("latent decoder", () => {
  test("the default model uses only cheap ops and fits the budget (500k MACs, 32 KB weights, 64 KB arena)", () => {
    const info = modelInfo(MODEL);
    for (const op of info.ops) expect(ALLOWED).toContain(op);
    expect(info.ops).not.toContain("TRANSPOSE_CONV");
    expect(info.latent).toBeLessThanOrEqual(16);
    expect(info.macs).toBeLessThanOrEqual(500_000);
    expect(info.weights).toBeLessThanOrEqual(32 * 1024);
    expect(info.arena).toBeLessThanOrEqual(40 * 1024);
  });

  test("the C reference backend is bit-identical to TFLM on 100 latents and every keyframe", () => {
    const info = modelInfo(MODEL);
    const keys = Int8Array.from((JSON.parse(readFileSync(LATENTS, "utf8")).keyframes as number[][]).flat());
    const all = new Int8Array(100 * info.latent + keys.length);
    all.set(seededLatents(100, info.latent, 7));
    all.set(keys, 100 * info.latent);
    const { c, tflm } = bothBackends(MODEL, all);
    expect(c.length).toBe((all.length / info.latent) * 8192);
    expect(c.equals(tflm)).toBe(true);
  });

  test("the TypeScript reference inference agrees with the C backend (and so with TFLM)", () => {
    const ref = new ReferenceModel(new Uint8Array(readFileSync(MODEL)));
    expect(ref.opNames).toEqual(modelInfo(MODEL).ops);
    const lat = seededLatents(30, 8, 11);
    const c = spawnSync(buildDecoderCli(), [MODEL], { input: lat, maxBuffer: 1 << 28 }).stdout;
    for (let i = 0; i < 30; i++) {
      const ts = ref.run(lat.subarray(i * 8, (i + 1) * 8));
      expect(Buffer.from(ts.buffer, ts.byteOffset, ts.byteLength).equals(c.subarray(i * 8192, (i + 1) * 8192))).toBe(true);
    }
    expect(() => new ReferenceModel(new TextEncoder().encode("nope, not a model"))).toThrow("no TFL3 identifier");
  });

  test("bad model bytes give a clear error, never a crash: magic, truncation, unsupported op, arena, shapes", () => {
    const good = readFileSync(MODEL);
    const dir = tempDir();
    const ref = new ReferenceModel(new Uint8Array(good));
    // CONV_2D's code (3): an entry's effective code is the larger of its two code fields, so 14 takes.
    const conv = ref.ops.find((o) => o.code === 3)!;
    // An operator code patched to LOGISTIC (14), which the decoder does not use.
    const unsupported = Buffer.from(good);
    unsupported.writeInt32LE(14, conv.codeTable);
    // The output tensor's shape (the 1x8x16x64 tiles) patched to 1x8x64x64.
    const shapes = Buffer.from(good);
    shapes.writeInt32LE(64, tensorShapePosition(shapes, ref.output, 2));
    const cases: [Buffer, RegExp, string[]][] = [
      [Buffer.from("not a model at all"), /no TFL3 identifier/, []],
      [unsupported, /unsupported operator \(builtin code 14\)/, []],
      [shapes, /output tensor \d+ is 1x8x64x64 \(32768 values\), expected 64x128 int8 logits \(8192\) or their 8x8 tiles \(1x8x16x64\)/, []],
      [good, /arena too small: the model needs \d+ bytes/, ["--arena", "4096"]],
      ...[40, 1000, 20000, good.length - 9].map((n) => [good.subarray(0, n), /./, []] as [Buffer, RegExp, string[]]),
    ];
    for (const [bytes, message, args] of cases) {
      const f = join(dir, "bad.tflite");
      writeFileSync(f, bytes);
      const r = spawnSync(buildDecoderCli(), [f, ...args], { input: Buffer.alloc(8), encoding: "utf8" });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  });

  test("the default model reconstructs every keyframe (98% of pixels) and morphs closer to the generator than a crossfade", async () => {
    const q = await evaluate(buildDecoderCli(), MODEL, LATENTS);
    expect(q.keyframeAgreement.worst).toBeGreaterThanOrEqual(0.98);
    expect(q.midpointIoU.decoder).toBeGreaterThan(q.midpointIoU.crossfade);
  });

  test("the animator morphs through the decoder: in-between frames are decoded latents, not a crossfade", () => {
    const bytes = new Uint8Array(readFileSync(join(REPO_ROOT, "frames", "frames.bin")));
    const r = openPack(bytes.buffer, "frames.bin");
    if (!r.ok) throw new Error(r.error);
    const faces = new PackFaces(r.pack);
    const decoder = hostDecoder(bytes.subarray(r.pack.modelOffset, r.pack.modelOffset + r.pack.modelLength), latentSize(r.pack));
    const morph = new Animator(faces, { decoder, blink: false, saccades: false, breathing: false });
    const fade = new Animator(faces, { blink: false, saccades: false, breathing: false });
    const calm = { dominant: EMOTIONS.indexOf("calm"), band: 0, nuance: 255 };
    const joy = { dominant: EMOTIONS.indexOf("joy"), band: 2, nuance: 255 };
    morph.update(0, calm);
    fade.update(0, calm);
    const from = new Int8Array(8);
    const to = new Int8Array(8);
    faces.latent(chooseKeyframe(faces, calm.dominant, 0, 255), from);
    faces.latent(chooseKeyframe(faces, joy.dominant, 2, 255), to);
    let differs = 0;
    for (let t = 33; t < 33 + TRANSITION_MS; t += 33) {
      const m = morph.update(t, joy);
      const f = fade.update(t, joy);
      expect(morph.morphing).toBe(true);
      const level = Math.min(16, Math.floor(((t - 33) * 16) / TRANSITION_MS));
      const z = Int8Array.from(from, (v, k) => v + ((Math.imul(to[k] - v, level) + 8) >> 4));
      const want = new Uint8Array(1024);
      decoder.decode(z, want);
      expect(Buffer.from(m).equals(Buffer.from(want))).toBe(true);
      if (!Buffer.from(m).equals(Buffer.from(f))) differs++;
    }
    expect(differs).toBeGreaterThan(5);
    const end = morph.update(33 + TRANSITION_MS, joy);
    const key = new Uint8Array(1024);
    faces.copyFrame(chooseKeyframe(faces, joy.dominant, 2, 255), key);
    expect(Buffer.from(end).equals(Buffer.from(key))).toBe(true);
  });

  test("the simulator's robot loads the pack's model and morphs; bad model bytes fall back to crossfades", () => {
    const shipped = new Uint8Array(readFileSync(join(REPO_ROOT, "frames", "frames.bin")));
    const opened = openPack(shipped.buffer, "frames.bin");
    if (!opened.ok) throw new Error(opened.error);
    const faces = new PackFaces(opened.pack);
    const { robot, traces } = robotAfterGift(join(REPO_ROOT, "frames", "frames.bin"));
    expect(robot.decoder).toBeDefined();
    expect(traces).toContain("morph through the latent decoder");
    expect(robot.animator.morphing).toBe(true);
    expect(() => hostDecoder(new Uint8Array(64), 8)).toThrow("no TFL3 identifier");

    // A pack whose model section holds garbage: the robot says why and crossfades.
    const dir = tempDir();
    const bad = join(dir, "frames.bin");
    const keys = JSON.parse(readFileSync(LATENTS, "utf8")).keyframes as number[][];
    const entries = Array.from({ length: 24 }, (_, i) => {
      const frame = new Uint8Array(1024);
      faces.copyFrame(i, frame);
      return { emotion: faces.emotion(i), band: faces.band(i), frame };
    });
    writeFileSync(bad, writePack({ entries, model: new Uint8Array(5000).fill(7), latents: latentsSection(8, keys) }));
    const { robot: badRobot, traces: badTraces } = robotAfterGift(bad);
    expect(badRobot.decoder).toBeUndefined();
    expect(badTraces).toContain("decoder model rejected: not a TFLite model");
    expect(badRobot.animator.transitioning).toBe(true);
    expect(badRobot.animator.morphing).toBe(false);
  });

  test("training end to end: a smoke model trains, exports, agrees with TFLM, and is deterministic", async () => {
    const out = tempDir();
    const r = await moodfaceAsync(["decoder", "train", "--samples", "200", "--epochs", "1", "-o", out]);
    expect(r.stderr).not.toMatch(/failed|missing/);
    expect(r.status).toBe(0);
    // Off a terminal: progress lines with an ETA, no TensorFlow chatter, and the next step.
    expect(r.stderr).toMatch(/^training +\[.*\] 100% \| epoch 1\/1 .*ETA/m);
    expect(r.stderr).not.toMatch(/tensorflow|oneDNN|cuda|W0000|I0000|WARNING/i);
    expect(r.stdout).toContain(`next: moodface pack --defaults --decoder ${out} -o frames/frames.bin`);
    const model = join(out, "decoder.tflite");
    const info = modelInfo(model);
    for (const op of info.ops) expect(ALLOWED).toContain(op);
    const { c, tflm } = bothBackends(model, seededLatents(20, info.latent, 3));
    expect(c.equals(tflm)).toBe(true);
    // Deterministic: the same seed trains the same model, byte for byte.
    const again = tempDir();
    expect((await moodfaceAsync(["decoder", "train", "--samples", "200", "--epochs", "1", "-o", again])).status).toBe(0);
    expect(readFileSync(join(again, "decoder.tflite")).equals(readFileSync(model))).toBe(true);
    expect(readFileSync(join(again, "latents.json"), "utf8")).toBe(readFileSync(join(out, "latents.json"), "utf8"));
  });

  test("fine-tuning is reproducible (same inputs and seed, same bytes, geometric in-betweens included), keeps the architecture, and another seed differs", async () => {
    const dir = tempDir();
    await writeDataset(join(dir, "family"), 3, 100);
    // Targets: four keyframes shifted by 3 px (faces the decoder never saw), from their trained latents.
    const doc = JSON.parse(readFileSync(LATENTS, "utf8")) as { keyframes: number[][] };
    const targets = new Uint8Array(4 * 8192);
    for (let i = 0; i < 4; i++) {
      const bits = unpack(await renderFace(expression(EMOTIONS[i], 1)));
      for (let y = 0; y < 64; y++) for (let x = 3; x < 128; x++) targets[i * 8192 + y * 128 + x] = bits[y * 128 + x - 3];
    }
    writeFileSync(join(dir, "targets.u8"), targets);
    writeFileSync(join(dir, "init.i8"), Int8Array.from(doc.keyframes.slice(0, 4).flat()));
    const run = (out: string, seed: number) => {
      const r = spawnSync(python(), [join(REPO_ROOT, "tools", "decoder", "finetune.py"), "--model", MODEL, "--latents", LATENTS, "--targets", join(dir, "targets.u8"), "--init", join(dir, "init.i8"), "--family", join(dir, "family"), "--out", join(dir, out), "--steps", "40", "--in-betweens", "transport", "--unseen", "0,1,2,3", "--seed", String(seed)], { encoding: "utf8", env: { ...process.env, ...QUIET_ENV } });
      if (r.status !== 0) throw new Error(r.stderr);
      return { model: readFileSync(join(dir, out, "decoder.tflite")), latents: readFileSync(join(dir, out, "latents.json"), "utf8") };
    };
    const a = run("a", 1);
    const b = run("b", 1);
    expect(a.model.equals(b.model)).toBe(true);
    expect(a.latents).toBe(b.latents);
    expect(run("c", 2).model.equals(a.model)).toBe(false);
    const info = modelInfo(join(dir, "a", "decoder.tflite"));
    expect(overBudget(info)).toEqual([]);
    expect([info.macs, info.weights]).toEqual([modelInfo(MODEL).macs, modelInfo(MODEL).weights]);
  });

  test("budgets: what is over is named, and pack refuses to ship such a decoder", () => {
    expect(overBudget({ macs: 442368, weights: 28240, ops: ["FULLY_CONNECTED", "RESHAPE", "CONV_2D", "CONV_2D", "DEPTH_TO_SPACE"] })).toEqual([]);
    expect(overBudget({ macs: 655360, weights: 40000, ops: ["FULLY_CONNECTED", "LOGISTIC"] })).toEqual(["655360 MACs (budget 500000)", "40000 bytes of weights (budget 32768)", "op LOGISTIC (allowed: FULLY_CONNECTED, RESHAPE, CONV_2D, DEPTH_TO_SPACE)"]);
    // A real model over the MAC budget: the decoder with 24 filters in its 3x3 convolution.
    const dir = tempDir();
    const big = spawnSync(
      python(),
      [
        "-c",
        [
          "import sys, json, numpy as np",
          `sys.path.insert(0, ${JSON.stringify(join(REPO_ROOT, "tools", "decoder"))})`,
          "from decoder_model import decoder_layers, decoder_model, export_int8, tf",
          "layers = decoder_layers()",
          "layers[2] = tf.keras.layers.Conv2D(24, 3, padding='same', activation='relu', name='conv')",
          "tflite, scale, zero = export_int8(decoder_model(layers), np.random.RandomState(1).randn(50, 8).astype(np.float32))",
          `open(${JSON.stringify(join(dir, "decoder.tflite"))}, 'wb').write(tflite)`,
        ].join("\n"),
      ],
      { encoding: "utf8", env: { ...process.env, ...QUIET_ENV } },
    );
    expect([big.status, big.status === 0 ? "" : big.stderr]).toEqual([0, ""]);
    writeFileSync(join(dir, "latents.json"), readFileSync(LATENTS));
    const drawn = tempDir();
    for (const e of EMOTIONS) writeFileSync(join(drawn, `${e}-mild.png`), readFileSync(join(REPO_ROOT, "frames", "defaults", `${e}-strong.png`)));
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "moodface.js"), "pack", drawn, "--decoder", dir, "-o", join(drawn, "x.bin")], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/decoder\.tflite: the decoder is over the decoder budgets: \d+ MACs \(budget 500000\); refusing to ship it\n$/);
  });
});
