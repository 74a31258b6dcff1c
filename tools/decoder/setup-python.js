#!/usr/bin/env node
/*
 * Part of `npm ci` (postinstall): makes sure the Python side of the latent decoder is installed,
 * so the README's two commands set up everything the tests need. TensorFlow (CPU) trains the
 * decoder; PyPI tflite-micro is the real TFLM interpreter the C backend is checked against, installed
 * with --no-deps because its runtime import needs numpy only. Skips what is already there.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const TFLITE_MICRO = "tflite-micro==0.dev20261023182759";

function has(module) {
  return spawnSync("python3", ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

function pip(args) {
  const r = spawnSync("python3", ["-m", "pip", "install", "-q", "--disable-pip-version-check", ...args], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`setup-python: pip install ${args.join(" ")} failed; the decoder tests need it`);
    process.exit(1);
  }
}

if (process.env.MOODFACE_SKIP_PYTHON === "1") process.exit(0);
if (spawnSync("python3", ["--version"], { stdio: "ignore" }).status !== 0) {
  console.error("setup-python: python3 is missing; the latent decoder's training and oracle tests need Python 3 with pip");
  process.exit(1);
}
if (!["tensorflow", "numpy", "flatbuffers", "yaml"].every(has)) {
  console.log("setup-python: installing TensorFlow (CPU) and the oracle's needs for the decoder (a few minutes)");
  pip(["-r", join(here, "requirements.txt")]);
}
if (!has("tflite_micro")) {
  console.log("setup-python: installing tflite-micro (the TFLM oracle)");
  pip(["--no-deps", TFLITE_MICRO]);
}
