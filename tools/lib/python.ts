/*
 * The project's Python: the interpreter of the virtual environment .venv/ that `npm ci` makes
 * (tools/decoder/setup-python.js). Everything that runs Python (the trainer, the TFLM oracle in the
 * tests) runs this one, never the system's.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, UsageError } from "./data.js";

export const VENV = join(REPO_ROOT, ".venv");
export const VENV_PYTHON = join(VENV, "bin", "python");

/** The venv's python, or a UsageError that says how to make it. */
export function python(): string {
  if (existsSync(VENV_PYTHON)) return VENV_PYTHON;
  const skipped = process.env.MOODFACE_SKIP_PYTHON === "1" ? " (npm ci skipped it: MOODFACE_SKIP_PYTHON=1)" : "";
  throw new UsageError(`the decoder's Python environment ${VENV} is missing${skipped}: run \`node tools/decoder/setup-python.js\``);
}
