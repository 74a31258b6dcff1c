/*
 * The latent decoder on the emulated ESP32-S3 (issue 18 item 2, docs/device.md): a guest image per
 * path (tools/s3/decoder/main.c + one backend), the model and the latents put into the image as
 * data (.incbin), per-latent FNV-1a hashes of the logits and frames back on the console, compared
 * with the host's C reference (decoder-cli: the same code the Node addon runs). On a mismatch the
 * image is rebuilt to dump that latent's bytes, and the first differing byte is named.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/data.js";
import { buildDecoderCli } from "../decoder/native.js";
import { FRAME_BYTES as MF_FRAME_BYTES, PIXELS as MF_PIXELS } from "../../modules/common/geometry.js";
import { buildImage, FLAGS, findKit, incbin, INSNS_PER_TICK, runImage, S3_BUILD_DIR, S3_DIR, type Image, type Kit, type Source } from "./kit.js";

export const DECODER_DIR = join(REPO_ROOT, "native", "decoder");
export const MODEL = join(REPO_ROOT, "frames", "decoder.tflite");

/** What one decoder path needs to put into a guest image besides main.c, the model and the latents. */
export interface DecoderBackend {
  /** Short id (build folder, test names): "reference", "reference-espnn", "tflm". */
  id: string;
  /** One line for reports. */
  title: string;
  /** The backend's sources (behind native/decoder/backend.h), with their flags. `defines` go to main.c too. */
  sources(kit: Kit): Source[];
  /** Extra -D/-I for main.c (e.g. MD_PROFILE). */
  mainFlags?: string[];
  /** The path's budget (tests/device fails above it), when it has one. */
  budget?: { instructionsPerInference?: number; arenaBytes?: number };
}

/** The project's C as the board compiles it, with the decoder's include folder. */
export function projectFlags(...extra: string[]): string[] {
  return [...FLAGS.project, `-I${DECODER_DIR}`, `-I${S3_DIR}`, ...extra];
}

/** The reference backend's sources (what lin builds), with the per-operator profile hook. */
export function referenceSources(...defines: string[]): Source[] {
  return ["model.c", "decoder.c", "backend_reference.c"].map((f) => ({ path: join(DECODER_DIR, f), flags: projectFlags("-DMD_PROFILE", ...defines) }));
}

/** ESP-NN's sources for the S3 exactly as its CMakeLists.txt lists them (c_srcs + s3_srcs), with its component flags. */
export function espNnSources(kit: Kit): Source[] {
  const cmake = readFileSync(join(kit.espNn, "CMakeLists.txt"), "utf8");
  const list = (name: string) => {
    const m = new RegExp(`set\\(${name}([^)]*)\\)`).exec(cmake);
    if (!m) throw new Error(`${join(kit.espNn, "CMakeLists.txt")}: no set(${name} ...)`);
    return [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
  };
  // The board's sdkconfig: esp-nn's Kconfig defaults to the optimised kernels; IDF defines the target.
  const flags = [...FLAGS.espNn, "-DCONFIG_NN_OPTIMIZED=1", "-DCONFIG_IDF_TARGET_ESP32S3=1", `-I${join(kit.espNn, "include")}`, `-I${join(kit.espNn, "src", "common")}`];
  return [...list("c_srcs"), ...list("s3_srcs")].map((f) => ({ path: join(kit.espNn, f), flags }));
}

export const REFERENCE: DecoderBackend = {
  id: "reference",
  title: "C reference backend (native/decoder/decoder.c), as lin builds it",
  sources: () => referenceSources(),
};

export const REFERENCE_ESPNN: DecoderBackend = {
  id: "reference-espnn",
  title: "C reference backend with ESP-NN's esp32s3 kernels for FULLY_CONNECTED and CONV_2D",
  sources: (kit) => [
    ...referenceSources("-DMD_EXTERNAL_KERNELS", "-DMD_ACTIVATION_ALIGN=16"),
    { path: join(S3_DIR, "decoder", "espnn_kernels.c"), flags: projectFlags("-DCONFIG_NN_OPTIMIZED=1", "-DCONFIG_IDF_TARGET_ESP32S3=1", `-I${join(kit.espNn, "include")}`) },
    ...espNnSources(kit),
  ],
};

export interface DecoderRun {
  backend: string;
  count: number;
  /** Per latent: FNV-1a 64 (hex) of the logits and of the frame. */
  hashes: { logits: string; frame: string }[];
  /** Instructions per inference (md_backend_decode, CCOUNT x 25, the median over the latents) and per frame conversion. */
  perInference: number;
  perFrameConversion: number;
  /** The most instructions one inference took, and each latent's. */
  worstInference: number;
  perLatent: number[];
  /** md_backend_open, instructions. */
  open: number;
  /** Instructions per inference per operator, medians (the last entry: the logits copy after the last operator). */
  ops: { name: string; instructions: number }[];
  /** The whole run (QEMU's count, start-up and console output included). */
  totalInstructions: number;
  /** Where the model sat in the guest's memory. */
  modelAddress: number;
  /** The backend's arena use (md_backend_arena_used) and kernel scratch outside it, bytes. */
  arena: number;
  scratch: number;
  console: string;
}

/** FNV-1a 64, as runtime.c's s3_fnv1a64. */
export function fnv1a64(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

/** `count` latents from a seeded generator (xorshift32), every int8 value possible: fresh, not the keyframes. */
export function freshLatents(count: number, size: number, seed = 0x5eed): Int8Array {
  const out = new Int8Array(count * size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s & 0xff) - 128;
  }
  return out;
}

/** The host's outputs for the same latents: decoder-cli (the C reference the Node addon also compiles). */
export function hostOutputs(model: string, latents: Int8Array): { logits: Buffer; frames: Buffer } {
  const cli = buildDecoderCli();
  const input = Buffer.from(latents.buffer, latents.byteOffset, latents.byteLength);
  const logits = spawnSync(cli, [model], { input, maxBuffer: 1 << 28 });
  const frames = spawnSync(cli, [model, "--frames"], { input, maxBuffer: 1 << 28 });
  if (logits.status !== 0 || frames.status !== 0) throw new Error(`decoder-cli on ${model}: ${String(logits.stderr)}${String(frames.stderr)}`);
  return { logits: logits.stdout, frames: frames.stdout };
}

export function hostHashes(model: string, latents: Int8Array, size: number): { logits: string; frame: string }[] {
  const { logits, frames } = hostOutputs(model, latents);
  const n = latents.length / size;
  return Array.from({ length: n }, (_, i) => ({
    logits: fnv1a64(logits.subarray(i * MF_PIXELS, (i + 1) * MF_PIXELS)),
    frame: fnv1a64(frames.subarray(i * MF_FRAME_BYTES, (i + 1) * MF_FRAME_BYTES)),
  }));
}

export interface BuildOptions {
  kit?: Kit;
  /** Model placement: `offset` bytes past a 16-byte boundary (the board's flash resources are only 4-byte aligned). */
  modelOffset?: number;
  /** Dump latent i's logits and frame (MD_S3_DUMP). */
  dump?: number;
}

/** Builds the guest image of a path for a model and a latent file. */
export function buildDecoderImage(backend: DecoderBackend, model: string, latentsFile: string, opts: BuildOptions = {}): Image {
  const kit = opts.kit ?? findKit();
  const name = `decoder-${backend.id}${opts.dump !== undefined ? "-dump" : ""}`;
  const gen = join(S3_BUILD_DIR, name, "gen");
  const main: Source = { path: join(S3_DIR, "decoder", "main.c"), flags: projectFlags(...(backend.mainFlags ?? []), ...(opts.dump !== undefined ? [`-DMD_S3_DUMP=${opts.dump}`] : [])) };
  return buildImage(name, [main, ...backend.sources(kit), incbin(gen, "md_s3_model", model, 16, opts.modelOffset ?? 0), incbin(gen, "md_s3_latents", latentsFile, 16)], { kit });
}

/**
 * The median: the figure per inference. The decoder runs the same instructions for every latent (the
 * counts agree to within a tick), but CCOUNT under QEMU's icount also takes in the virtual clock's jumps
 * to a timer deadline (seen: exactly 500,000 and 1,000,000 ticks inside one latent's decode, on 2 of
 * 64 latents): the median over many latents leaves them out, the mean would not. docs/device.md.
 */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function parseRun(backend: string, console: string, totalInstructions: number): DecoderRun {
  const err = /^S3 error (.*)$/m.exec(console);
  if (err) throw new Error(`decoder path ${backend} on the emulated S3: ${err[1]}`);
  const open = /^S3 open ticks=(\d+) model_at=([0-9a-f]+) arena=(\d+)$/m.exec(console);
  const total = /^S3 decode ticks=(\d+) frame ticks=(\d+) count=(\d+) scratch=(\d+)$/m.exec(console);
  if (!open || !total) throw new Error(`decoder path ${backend}: unexpected console output:\n${console.slice(-2000)}`);
  const count = Number(total[3]);
  const hashes: DecoderRun["hashes"] = [];
  const perLatent: number[] = [];
  const frameTicks: number[] = [];
  const opTicks: number[][] = [];
  for (const m of console.matchAll(/^S3 latent (\d+) logits=([0-9a-f]{16}) frame=([0-9a-f]{16}) ticks=(\d+) frame_ticks=(\d+) ops=([\d,]*)$/gm)) {
    const i = Number(m[1]);
    hashes[i] = { logits: m[2], frame: m[3] };
    perLatent[i] = Number(m[4]) * INSNS_PER_TICK;
    frameTicks[i] = Number(m[5]) * INSNS_PER_TICK;
    m[6].split(",").filter(Boolean).forEach((t, k) => (opTicks[k] ??= []).push(Number(t) * INSNS_PER_TICK));
  }
  const names = [...console.matchAll(/^S3 op \d+ (\S+) ticks=\d+$/gm)].map((m) => m[1]);
  const ops = opTicks.map((t, k) => ({ name: names[k] ?? `op ${k}`, instructions: median(t) }));
  return {
    backend,
    count,
    hashes,
    perInference: median(perLatent),
    worstInference: Math.max(...perLatent),
    perLatent,
    perFrameConversion: median(frameTicks),
    open: Number(open[1]) * INSNS_PER_TICK,
    ops,
    totalInstructions,
    modelAddress: parseInt(open[2], 16),
    arena: Number(open[3]),
    scratch: Number(total[4]),
    console,
  };
}

/** Writes latents where an image can .incbin them. */
export function latentsFile(name: string, latents: Int8Array): string {
  const dir = join(S3_BUILD_DIR, "data");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.bin`);
  writeFileSync(path, latents);
  return path;
}

/** Builds and runs a path on the emulator. */
export function runDecoder(backend: DecoderBackend, model: string, latents: Int8Array, opts: BuildOptions = {}): DecoderRun {
  const kit = opts.kit ?? findKit();
  const file = latentsFile(`latents-${backend.id}`, latents);
  const image = buildDecoderImage(backend, model, file, { ...opts, kit });
  const run = runImage(image, { kit, timeoutMs: 300_000 });
  if (run.exitCode !== 0) throw new Error(`decoder path ${backend.id} on the emulated S3 exited with ${run.exitCode}:\n${run.console.slice(-2000)}`);
  return parseRun(backend.id, run.console, run.instructions);
}

export interface Mismatch {
  latent: number;
  what: "logits" | "frame";
  /** The first differing byte and both values (from a dump build). */
  byte?: number;
  device?: number;
  host?: number;
}

/**
 * Compares a run with the host. Undefined when every latent's logits and frame hash agree; else the
 * first differing latent, with its first differing byte found through a dump build.
 */
export function compareWithHost(backend: DecoderBackend, model: string, latents: Int8Array, size: number, run: DecoderRun, opts: BuildOptions = {}): Mismatch | undefined {
  const host = hashes(model, latents, size);
  if (run.hashes.length !== host.length) return { latent: Math.min(run.hashes.length, host.length), what: "logits" };
  const i = host.findIndex((h, k) => h.logits !== run.hashes[k]?.logits || h.frame !== run.hashes[k]?.frame);
  if (i < 0) return undefined;
  const what = host[i].logits !== run.hashes[i].logits ? "logits" : "frame";
  const kit = opts.kit ?? findKit();
  const file = latentsFile(`latents-${backend.id}`, latents);
  const dump = runImage(buildDecoderImage(backend, model, file, { ...opts, kit, dump: i }), { kit, timeoutMs: 300_000 });
  const m = new RegExp(`^S3 dump ${what} ([0-9a-f]+)$`, "m").exec(dump.console);
  if (!m) return { latent: i, what };
  const device = Buffer.from(m[1], "hex");
  const { logits, frames } = hostOutputs(model, latents.subarray(i * size, (i + 1) * size));
  const expected = what === "logits" ? logits : frames;
  const byte = device.findIndex((b, k) => b !== expected[k]);
  if (byte < 0) return { latent: i, what }; // the dump agreed: the guest's hash line was wrong, not its bytes
  return { latent: i, what, byte, device: what === "logits" ? (device[byte] << 24) >> 24 : device[byte], host: what === "logits" ? (expected[byte] << 24) >> 24 : expected[byte] };
}

function hashes(model: string, latents: Int8Array, size: number) {
  return hostHashes(model, latents, size);
}
