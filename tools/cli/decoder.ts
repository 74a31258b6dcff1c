/* `moodface decoder ...`: train the latent decoder, and inspect a model. */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import cliProgress from "cli-progress";
import { REPO_ROOT, UsageError } from "../lib/data.js";
import { writeDataset } from "../decoder/dataset.js";
import { modelInfo } from "../decoder/native.js";

function whole(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

export const DEFAULT_SAMPLES = 16000;
export const DEFAULT_EPOCHS = 40;

/** Runs the Python trainer, streaming its output; rejects with a hint when TensorFlow is missing. */
function train(data: string, out: string, epochs: number, seed: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [join(REPO_ROOT, "tools", "decoder", "train.py"), "--data", data, "--out", out, "--epochs", String(epochs), "--seed", String(seed)], { stdio: ["ignore", "inherit", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", () => reject(new UsageError("python3 is needed to train the decoder")));
    child.on("close", (code) => {
      if (code === 0) return resolve();
      if (/No module named 'tensorflow'/.test(err)) return reject(new UsageError("TensorFlow is missing: pip install -r tools/decoder/requirements.txt"));
      reject(new UsageError(`training failed:\n${err.split("\n").slice(-12).join("\n")}`));
    });
  });
}

export function addDecoderCommands(program: Command): void {
  const decoder = program.command("decoder").description("the latent decoder that morphs faces (docs/decoder.md)");
  decoder
    .command("train")
    .description("render the face family, train the decoder (Python, TensorFlow), export the int8 model and keyframe latents")
    .option("-o, --output <folder>", "where decoder.tflite and latents.json go", join(REPO_ROOT, "frames"))
    .option("--samples <n>", "faces to train on", whole("--samples", 100, 200000), DEFAULT_SAMPLES)
    .option("--epochs <n>", "passes over the faces", whole("--epochs", 1, 1000), DEFAULT_EPOCHS)
    .option("--seed <n>", "seed for the faces and the training", whole("--seed", 0, 0x7fffffff), 1)
    .action(async (o: { output: string; samples: number; epochs: number; seed: number }) => {
      const data = join(REPO_ROOT, "build", "decoder-data");
      const staging = join(REPO_ROOT, "build", "decoder-model");
      const bar = new cliProgress.SingleBar({ format: "rendering faces [{bar}] {value}/{total}", stream: process.stderr }, cliProgress.Presets.shades_classic);
      bar.start(o.samples, 0);
      try {
        await writeDataset(data, o.seed, o.samples, () => bar.increment());
      } finally {
        bar.stop();
      }
      await train(data, staging, o.epochs, o.seed);
      const info = modelInfo(join(staging, "decoder.tflite"));
      mkdirSync(o.output, { recursive: true });
      for (const f of ["decoder.tflite", "latents.json"]) copyFileSync(join(staging, f), join(o.output, f));
      process.stdout.write(`${join(o.output, "decoder.tflite")}: ops ${info.ops.join(", ")}; ${info.macs} MACs, ${info.weights} bytes of weights, ${info.arena}-byte arena\n`);
    });

  decoder
    .command("info")
    .description("load a model in the C reference backend and print its figures")
    .argument("<model>", "a .tflite file")
    .action((model: string) => {
      let info;
      try {
        info = modelInfo(model);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      process.stdout.write(`${model}: latent ${info.latent} int8, ops ${info.ops.join(", ")}, ${info.macs} MACs per frame, ${info.weights} bytes of weights, ${info.arena}-byte arena\n`);
    });
}
