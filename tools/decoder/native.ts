/*
 * Builds the decoder's C reference backend as a command line (build/native/decoder-cli) with the
 * machine's C compiler, when it is missing or older than its sources. Used by tests, the bench and
 * the simulator; the firmware compiles the same sources through mcconfig.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { LatentDecoder } from "../../modules/face/decoder.js";
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

export const DECODER_ADDON = join(REPO_ROOT, "build", "native", "decoder.node");
const ADDON_SOURCES = [join(REPO_ROOT, "native", "node", "addon.c"), ...SOURCES.filter((f) => !f.endsWith("cli.c"))];

/** Builds the Node-API addon from the same C sources (Node's headers ship with Node: no download). */
export function buildDecoderAddon(): string {
  const newest = Math.max(...ADDON_SOURCES.map((f) => statSync(f).mtimeMs));
  if (existsSync(DECODER_ADDON) && statSync(DECODER_ADDON).mtimeMs >= newest) return DECODER_ADDON;
  mkdirSync(join(REPO_ROOT, "build", "native"), { recursive: true });
  const include = join(dirname(dirname(process.execPath)), "include", "node");
  const r = spawnSync("cc", ["-O2", "-std=c99", "-shared", "-fPIC", "-Wall", "-Werror", "-DNODE_GYP_MODULE_NAME=moodface_decoder", `-I${include}`, "-o", DECODER_ADDON, ADDON_SOURCES[0], ADDON_SOURCES[1], "-lm"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`building the decoder addon failed:\n${r.stderr}`);
  return DECODER_ADDON;
}

interface Addon {
  load(model: Uint8Array): unknown;
  decode(handle: unknown, latent: Int8Array, frame: Uint8Array, dither?: boolean): boolean;
}

/** The C reference backend as the animator's LatentDecoder, for the host simulator and tests. */
export function hostDecoder(model: Uint8Array, latentSize: number): LatentDecoder {
  const addon = createRequire(import.meta.url)(buildDecoderAddon()) as Addon;
  const handle = addon.load(model);
  // The animator keeps latents in 16-value buffers; the model reads the first latentSize.
  return { latentSize, decode: (latent, frame) => addon.decode(handle, latent.length === latentSize ? latent : latent.subarray(0, latentSize), frame) };
}
