/* `moodface decoder ...`: train the latent decoder, and inspect a model. */
import { copyFileSync, mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { Command } from "commander";
import { REPO_ROOT, UsageError } from "../lib/data.js";
import { checkOutputFolder, reason } from "../lib/files.js";
import { bar, python, runPythonTool } from "../lib/python.js";
import { whole } from "../lib/options.js";
import { writeDataset } from "../decoder/dataset.js";
import { modelInfo } from "../decoder/native.js";

export const DEFAULT_SAMPLES = 16000;
export const DEFAULT_EPOCHS = 40;
export const DEFAULT_OUTPUT = join(REPO_ROOT, "build", "decoder");

/** Runs the Python trainer (tools/decoder/train.py) with a progress bar of its batches. */
function train(data: string, out: string, epochs: number, seed: number): Promise<string[]> {
  const args = ["--data", data, "--out", out, "--epochs", String(epochs), "--seed", String(seed)];
  return runPythonTool("train.py", args, "training  [{bar}] {percentage}% | epoch {epoch}/{epochs} | {duration_formatted} elapsed | ETA {eta_formatted}", "training", { epochs });
}

export function addDecoderCommands(program: Command): void {
  const decoder = program.command("decoder").description("the latent decoder that morphs faces (docs/decoder.md)");
  decoder
    .command("train")
    .description("render the face family, train the decoder (Python, TensorFlow, in .venv), export the int8 model and keyframe latents (8-15 minutes on 2 cores)")
    .option("-o, --output <folder>", "where decoder.tflite and latents.json go (frames/ holds the shipped ones)", DEFAULT_OUTPUT)
    .option("--samples <n>", "faces to train on", whole("--samples", 100, 200000), DEFAULT_SAMPLES)
    .option("--epochs <n>", "passes over the faces", whole("--epochs", 1, 1000), DEFAULT_EPOCHS)
    .option("--seed <n>", "seed for the faces and the training", whole("--seed", 0, 0x7fffffff), 1)
    .action(async (o: { output: string; samples: number; epochs: number; seed: number }) => {
      checkOutputFolder(o.output);
      python(); // fail now, not after rendering, when the Python side is missing
      const data = join(REPO_ROOT, "build", "decoder-data");
      const staging = join(REPO_ROOT, "build", "decoder-model");
      const started = Date.now();
      const b = bar("rendering [{bar}] {percentage}% | {value}/{total} faces | ETA {eta_formatted}");
      b.start(o.samples, 0);
      try {
        await writeDataset(data, o.seed, o.samples, () => b.increment());
      } finally {
        b.stop();
      }
      const said = await train(data, staging, o.epochs, o.seed);
      const info = modelInfo(join(staging, "decoder.tflite"));
      try {
        mkdirSync(o.output, { recursive: true });
        for (const f of ["decoder.tflite", "latents.json"]) copyFileSync(join(staging, f), join(o.output, f));
      } catch (e) {
        throw new UsageError(`-o ${o.output}: cannot write: ${reason(e)}`);
      }
      const trained = said.find((l) => l.startsWith("trained in"));
      const rel = relative(process.cwd(), o.output);
      const out = rel === "" ? "." : rel.startsWith("..") ? o.output : rel;
      process.stdout.write(`${join(out, "decoder.tflite")}: ops ${info.ops.join(", ")}; ${info.macs} MACs, ${info.weights} bytes of weights, ${info.arena}-byte arena (${trained ?? "trained"}; ${Math.round((Date.now() - started) / 1000)} s in all)\n`);
      process.stdout.write(`next: moodface pack --defaults --decoder ${out} -o frames/frames.bin   (puts it into the pack the firmware and moodface sim load)\n`);
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
        // The decoder's verdict already names the file (decoder-cli prints "<file>: <reason>").
        const line = (e as Error).message.split("\n")[0];
        throw new UsageError(line.startsWith(`${model}: `) ? line : `${model}: ${line}`);
      }
      process.stdout.write(`${model}: latent ${info.latent} int8, ops ${info.ops.join(", ")}, ${info.macs} MACs per frame, ${info.weights} bytes of weights, ${info.arena}-byte arena\n`);
    });
}
