#!/usr/bin/env node
/*
 * Part of `npm ci` (postinstall): the Python side of the latent decoder in a project virtual
 * environment, .venv/ (git-ignored), never the system's site-packages. TensorFlow (CPU) trains the
 * decoder; PyPI tflite-micro is the real TFLM interpreter the C backend is checked against, installed
 * with --no-deps because its runtime import needs numpy only. Skips what is already there.
 *
 * MOODFACE_SKIP_PYTHON=1 skips all of it (a maker who only packs faces and flashes needs none of it;
 * `moodface decoder train` and the decoder's oracle tests then say how to install it later:
 * `node tools/decoder/setup-python.js`).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
export const VENV = join(root, ".venv");
export const VENV_PYTHON = join(VENV, "bin", "python");
export const TFLITE_MICRO = "tflite-micro==0.dev20261023182759";

function fail(message) {
  console.error(`setup-python: ${message}`);
  process.exit(1);
}

function has(module) {
  return spawnSync(VENV_PYTHON, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

function pip(args) {
  const r = spawnSync(VENV_PYTHON, ["-m", "pip", "install", "-q", "--disable-pip-version-check", ...args], { stdio: "inherit" });
  if (r.status !== 0) fail(`pip install ${args.join(" ")} failed (into ${VENV}); the decoder's training and tests need it`);
}

function main() {
  if (process.env.MOODFACE_SKIP_PYTHON === "1") {
    console.log("setup-python: skipped (MOODFACE_SKIP_PYTHON=1); `node tools/decoder/setup-python.js` installs it later");
    return;
  }
  const python = process.env.PYTHON ?? "python3";
  if (spawnSync(python, ["--version"], { stdio: "ignore" }).status !== 0) {
    fail("python3 is missing: install Python 3 (apt-get install python3 python3-venv), or set MOODFACE_SKIP_PYTHON=1 to skip the decoder's Python side");
  }
  if (!existsSync(VENV_PYTHON)) {
    console.log(`setup-python: creating the virtual environment ${VENV}`);
    const r = spawnSync(python, ["-m", "venv", VENV], { stdio: ["ignore", "inherit", "pipe"], encoding: "utf8" });
    if (r.status !== 0) fail(`${python} -m venv ${VENV} failed${/ensurepip|venv/.test(r.stderr ?? "") ? ": install python3-venv (apt-get install python3-venv)" : `: ${(r.stderr ?? "").trim().split("\n").pop()}`}`);
  }
  if (!["tensorflow", "numpy", "flatbuffers", "yaml", "ot", "scipy"].every(has)) {
    console.log("setup-python: installing TensorFlow (CPU), POT and the oracle's needs into .venv (a few minutes)");
    pip(["-r", join(here, "requirements.txt")]);
  }
  if (!has("tflite_micro")) {
    console.log("setup-python: installing tflite-micro (the TFLM oracle) into .venv");
    pip(["--no-deps", TFLITE_MICRO]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
