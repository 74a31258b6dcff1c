/*
 * Builds the decoder's C reference backend as a command line (build/native/decoder-cli) with the
 * machine's C compiler, when it is missing or older than its sources. Used by tests, the bench and
 * the simulator; the firmware compiles the same sources through mcconfig.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LatentDecoder } from "../../modules/face/decoder.js";
import { REPO_ROOT } from "../lib/data.js";
import { buildNodeAddon, loadNodeAddon } from "../lib/node-addon.js";

export const NATIVE_DIR = join(REPO_ROOT, "native", "decoder");
export const DECODER_CLI = join(REPO_ROOT, "build", "native", "decoder-cli");
/** The reference backend: its kernels (decoder.c) and the structural check both backends share (model.c). */
export const REFERENCE_SOURCES = ["decoder.c", "model.c"].map((f) => join(NATIVE_DIR, f));
const HEADERS = [join(NATIVE_DIR, "decoder.h"), join(NATIVE_DIR, "model.h"), join(REPO_ROOT, "native", "common", "geometry.h")];
const CLI_SOURCES = [join(NATIVE_DIR, "cli.c"), ...REFERENCE_SOURCES];

function newest(files: string[]): number {
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

export function buildDecoderCli(): string {
  if (existsSync(DECODER_CLI) && statSync(DECODER_CLI).mtimeMs >= newest([...CLI_SOURCES, ...HEADERS])) return DECODER_CLI;
  mkdirSync(join(REPO_ROOT, "build", "native"), { recursive: true });
  const r = spawnSync("cc", ["-O2", "-std=c99", "-Wall", "-Wextra", "-Werror", "-o", DECODER_CLI, ...CLI_SOURCES, "-lm"], { encoding: "utf8" });
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

/**
 * Loads a model in the reference backend and reports its figures, or throws the structural check's
 * verdict as "MODEL: verdict". `latent`: the latent size the pack holds (0: any).
 */
export function modelInfo(model: string, latent = 0): ModelInfo {
  const cli = buildDecoderCli();
  // One zero latent (the check bounds the input to 16 values).
  const first = spawnSync(cli, [model, "--info", "--latent", String(latent)], { input: Buffer.alloc(16) });
  const text = String(first.stderr);
  if (first.signal) throw new Error(`${model}: decoder-cli died with ${first.signal}`);
  if (first.status !== 0) throw new Error(text.trim());
  const m = /latent=(\d+) arena=(\d+) macs=(\d+) decodes=\d+ ops=(\S+) weights=(\d+)/.exec(text);
  if (!m) throw new Error(`unexpected decoder-cli output: ${text}`);
  return { latent: Number(m[1]), arena: Number(m[2]), macs: Number(m[3]), ops: m[4].split(","), weights: Number(m[5]) };
}

export const DECODER_ADDON = join(REPO_ROOT, "build", "native", "decoder.node");
const ADDON_SOURCES = [join(REPO_ROOT, "native", "node", "addon.c"), ...REFERENCE_SOURCES];

/** Builds the Node-API addon from the same C sources (Node's headers ship with Node: no download). */
export function buildDecoderAddon(): string {
  return buildNodeAddon({ output: DECODER_ADDON, name: "moodface_decoder", sources: ADDON_SOURCES, headers: HEADERS, flags: ["-lm"] });
}

interface Addon {
  load(model: Uint8Array, latentSize?: number): unknown;
  decode(handle: unknown, latent: Int8Array, frame: Uint8Array, dither?: boolean): boolean;
  latentSize(handle: unknown): number;
}

function addon(): Addon {
  return loadNodeAddon<Addon>(buildDecoderAddon());
}

/**
 * The structural check of native/decoder/model.c (the one both backends run first) on model bytes:
 * its one-line verdict, or undefined when the model is fine. `latentSize`: the pack's (0: any).
 */
export function checkModel(model: Uint8Array, latentSize = 0): string | undefined {
  try {
    addon().load(model, latentSize);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The C reference backend as the animator's LatentDecoder, for the host simulator and tests. Throws
 * the check's verdict for a bad model, or one whose input differs from the pack's latentSize.
 */
export function hostDecoder(model: Uint8Array, latentSize: number): LatentDecoder {
  const a = addon();
  const handle = a.load(model, latentSize);
  const size = a.latentSize(handle);
  // The animator keeps latents in 16-value buffers; the model reads the first `size`.
  return { latentSize: size, decode: (latent, frame) => a.decode(handle, latent.length === size ? latent : latent.subarray(0, size), frame) };
}
