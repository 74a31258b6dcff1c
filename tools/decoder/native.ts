/*
 * Builds the decoder's C reference backend as a command line (build/native/decoder-cli) with the
 * machine's C compiler, when it is missing or older than its sources. Used by tests, the bench and
 * the simulator; the firmware compiles the same sources through mcconfig.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/data.js";

export const NATIVE_DIR = join(REPO_ROOT, "native", "decoder");
export const DECODER_CLI = join(REPO_ROOT, "build", "native", "decoder-cli");
const SOURCES = ["decoder.c", "cli.c", "decoder.h"].map((f) => join(NATIVE_DIR, f));

export function buildDecoderCli(): string {
  const newest = Math.max(...SOURCES.map((f) => statSync(f).mtimeMs));
  if (existsSync(DECODER_CLI) && statSync(DECODER_CLI).mtimeMs >= newest) return DECODER_CLI;
  mkdirSync(join(REPO_ROOT, "build", "native"), { recursive: true });
  const r = spawnSync("cc", ["-O2", "-std=c99", "-Wall", "-Wextra", "-Werror", "-o", DECODER_CLI, SOURCES[0], SOURCES[1], "-lm"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`building the decoder backend failed:\n${r.stderr}`);
  return DECODER_CLI;
}

export interface ModelInfo {
  latent: number;
  arena: number;
  macs: number;
  ops: string[];
  weights: number;
}

/** Loads a model in the reference backend and reports its figures, or throws its error. */
export function modelInfo(model: string): ModelInfo {
  const cli = buildDecoderCli();
  // Zero latents (as many as any model takes) so that at least one decode counts the MACs.
  const first = spawnSync(cli, [model, "--info"], { input: Buffer.alloc(256) });
  const text = String(first.stderr);
  if (first.status !== 0) throw new Error(text.trim());
  const m = /latent=(\d+) arena=(\d+) macs=(\d+) decodes=\d+ ops=(\S+) weights=(\d+)/.exec(text);
  if (!m) throw new Error(`unexpected decoder-cli output: ${text}`);
  return { latent: Number(m[1]), arena: Number(m[2]), macs: Number(m[3]), ops: m[4].split(","), weights: Number(m[5]) };
}
