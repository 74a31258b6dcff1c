/*
 * The board's own decoder path on the emulated ESP32-S3 (issue 18, docs/device.md): the project's
 * native/decoder/backend_tflm.cc with esp-tflite-micro 1.4.0 (TFLM and its ESP-NN glue kernels) and
 * ESP-NN 1.2.3's esp32s3 kernels, all from the kit, compiled with the kit's C++ driver (or ESP-IDF's
 * xtensa-esp32s3-elf-g++ when it is on PATH) and run by the shared decoder guest
 * (tools/s3/decoder/main.c) on the model the committed pack carries.
 *
 * What is compiled, and where each setting comes from:
 * - TFLM: only what the interpreter and the decoder's operators need (TFLM_SOURCES below; the rest
 *   of esp-tflite-micro's CMakeLists.txt GLOBs, other kernels, signal, microfrontend, would only be
 *   dropped by --gc-sections). CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED come from
 *   kernels/esp_nn/ (the CMakeLists.txt removes the reference conv.cc, depthwise_conv.cc,
 *   fully_connected.cc and adds esp_nn/*.cc), RESHAPE, DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR are
 *   the reference kernels. Flags: kit.ts FLAGS.tflmCxx (the CMakeLists.txt's common_flags and C++
 *   options, -DESP_NN from its "enable ESP-NN optimizations" line, -DTF_LITE_STATIC_MEMORY from its
 *   common_flags and INTERFACE options) plus its warning set (TFLM_WARNINGS), and
 *   esp_nn/depthwise_conv.cc at -O2 as its set_source_files_properties says. One difference from
 *   the board: esp_nn/conv.cc at -O2 too (tflmSources() says why: kit.ts's -ffreestanding).
 * - ESP-NN: decoder.ts espNnSources() (its CMakeLists.txt c_srcs + s3_srcs, its component flags,
 *   CONFIG_NN_OPTIMIZED from its Kconfig default, CONFIG_IDF_TARGET_ESP32S3 from IDF's target).
 * - backend_tflm.cc (through glue.cc) and model.c: the project's flags as mcconfig compiles them
 *   (decoder.ts projectFlags(); for C++ mcconfig's CPP_FLAGS are its C_COMMON_FLAGS without -std,
 *   so GCC's default gnu++17), with -fno-exceptions -fno-rtti because the S3 has no libstdc++ here.
 * - The C++ standard headers: the kit's compiler has none for the S3. libstdc++'s headers from the
 *   host's libstdc++-dev (g++ is on every machine that runs the tests: tests/native compiles C++)
 *   are used for their templates only, with libstdcxx/bits/ replacing the host's OS, locale and
 *   thread configuration (bare metal, one thread) and renaming two names GCC 13 made built-ins;
 *   nothing of libstdc++ is linked (cxxrt.cc has operator new/delete, which stop the run: the path
 *   must not allocate, and the ABI hooks). With ESP-IDF's compiler its own headers are used.
 * - include/: what ESP-IDF's headers give the board's build: stdio.h (a `stderr` that can be
 *   assigned, as in newlib), assert.h and esp_timer.h that include sdkconfig.h (with the two
 *   settings that make esp_nn.h pick the esp32s3 kernels: without them the glue silently runs
 *   ESP-NN's plain C kernels), implemented in stdio.c.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../lib/data.js";
import { latentSize, openPack, readLatent } from "../../../modules/pack/pack.js";
import { buildDecoderImage, compareWithHost, DECODER_BUDGET, DECODER_DIR, FRESH_LATENTS, freshLatents, latentsFile, espNnSources, projectFlags, runDecoder, type DecoderBackend, type DecoderRun } from "../decoder.js";
import { BOARD_HZ, FLAGS, findKit, FRAME_MS, findToolchain, S3_BUILD_DIR, S3_DIR, type Kit, type Source } from "../kit.js";

export const TFLM_DIR = join(S3_DIR, "tflm");
export const PACK = join(REPO_ROOT, "frames", "frames.bin");

/** Issue 18's budget for the board's path: instructions per inference and arena with ESP-NN scratch. */
export const TFLM_BUDGET = DECODER_BUDGET;

/** esp-tflite-micro's sources the decoder needs (paths inside the kit's esp-tflite-micro/). */
export const TFLM_SOURCES = [
  // The interpreter, its allocator and planner, the flatbuffer reading and logging.
  ...["debug_log", "flatbuffer_utils", "memory_helpers", "micro_allocation_info", "micro_allocator", "micro_context", "micro_interpreter_context", "micro_interpreter_graph", "micro_interpreter", "micro_log", "micro_op_resolver", "micro_resource_variable", "micro_utils", "system_setup"].map((f) => `tensorflow/lite/micro/${f}.cc`),
  // esp-tflite-micro's CMakeLists.txt swaps micro_time.cc for this one (esp_timer).
  "tensorflow/lite/micro/esp/micro_time.cc",
  "tensorflow/lite/micro/memory_planner/greedy_memory_planner.cc",
  "tensorflow/lite/micro/memory_planner/linear_memory_planner.cc",
  ...["non_persistent_arena_buffer_allocator", "persistent_arena_buffer_allocator", "single_arena_buffer_allocator"].map((f) => `tensorflow/lite/micro/arena_allocator/${f}.cc`),
  "tensorflow/lite/micro/tflite_bridge/flatbuffer_conversions_bridge.cc",
  "tensorflow/lite/micro/tflite_bridge/micro_error_reporter.cc",
  "tensorflow/lite/core/c/common.cc",
  "tensorflow/lite/core/api/flatbuffer_conversions.cc",
  "tensorflow/lite/core/api/tensor_utils.cc",
  "tensorflow/lite/kernels/kernel_util.cc",
  "tensorflow/lite/kernels/internal/common.cc",
  "tensorflow/lite/kernels/internal/quantization_util.cc",
  "tensorflow/lite/kernels/internal/tensor_ctypes.cc",
  // UnpackDenseInt4IntoInt8, referenced by the ESP-NN glue kernels' int4-weights branch.
  "tensorflow/lite/kernels/internal/portable_tensor_utils.cc",
  "tensorflow/compiler/mlir/lite/core/api/error_reporter.cc",
  "tensorflow/compiler/mlir/lite/schema/schema_utils.cc",
  // The decoder's operators (native/decoder/model.h MD_OPERATORS): ESP-NN glue for the three it
  // accelerates, with their shared Prepare code, and the reference kernels for the rest.
  "tensorflow/lite/micro/kernels/esp_nn/conv.cc",
  "tensorflow/lite/micro/kernels/esp_nn/depthwise_conv.cc",
  "tensorflow/lite/micro/kernels/esp_nn/fully_connected.cc",
  "tensorflow/lite/micro/kernels/conv_common.cc",
  "tensorflow/lite/micro/kernels/depthwise_conv_common.cc",
  "tensorflow/lite/micro/kernels/fully_connected_common.cc",
  "tensorflow/lite/micro/kernels/reshape.cc",
  "tensorflow/lite/micro/kernels/reshape_common.cc",
  "tensorflow/lite/micro/kernels/depth_to_space.cc",
  "tensorflow/lite/micro/kernels/resize_nearest_neighbor.cc",
  "tensorflow/lite/micro/kernels/kernel_util.cc",
];

/** esp-tflite-micro's CMakeLists.txt warnings (common_flags, its -Werror and its -Wno-error list). */
const TFLM_WARNINGS = ["-Wstrict-aliasing", "-Wno-unused-parameter", "-Wall", "-Wextra", "-Wvla", "-Wsign-compare", "-Wdouble-promotion", "-Wswitch", "-Wunused-function", "-Wmissing-field-initializers", "-Wshadow", "-Wunused-variable", "-fmessage-length=0", "-Werror", "-Wno-return-type", "-Wno-strict-aliasing", "-Wno-error=attributes", "-Wno-error=shadow", "-Wno-maybe-uninitialized", "-Wno-missing-field-initializers", "-Wno-error=sign-compare", "-Wno-error=double-promotion", "-Wno-type-limits", "-Wno-error=stringop-overread", "-Wno-nonnull"];

/** The host's libstdc++ headers (newest version) and its target folder, for the kit's compiler. */
function hostLibstdcxx(): string[] {
  const root = "/usr/include/c++";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const triplets = existsSync("/usr/include") ? readdirSync("/usr/include").filter((d) => existsSync(join("/usr/include", d, "c++"))) : [];
  for (const v of versions) {
    const target = triplets.map((t) => join("/usr/include", t, "c++", v)).find((d) => existsSync(join(d, "bits", "c++config.h")));
    if (target) return [join(root, v), target];
  }
  throw new Error("the TFLM path needs libstdc++'s headers (the kit's S3 compiler has none): install g++ (Debian: apt-get install g++), which brings /usr/include/c++/<version>");
}

/**
 * A define naming the content of this folder's headers: -MMD leaves -isystem headers out of the
 * dependency files kit.ts checks, so a change to a shim changes the command line instead.
 */
function shimsStamp(): string {
  const h = createHash("sha1");
  for (const dir of ["include", join("libstdcxx", "bits")]) for (const f of readdirSync(join(TFLM_DIR, dir)).sort()) h.update(f).update(readFileSync(join(TFLM_DIR, dir, f)));
  return `-DMD_S3_TFLM_SHIMS=0x${h.digest("hex").slice(0, 8)}`;
}

/** Include folders for C++ compiled for the S3: the standard headers (see the file's comment), then the shims. */
function cxxIncludes(kit: Kit): string[] {
  const tc = findToolchain(kit);
  const std = tc.origin === "kit" ? ["-nostdinc++", "-isystem", join(TFLM_DIR, "libstdcxx"), ...hostLibstdcxx().flatMap((d) => ["-isystem", d])] : [];
  return [...std, "-isystem", join(TFLM_DIR, "include"), shimsStamp()];
}

/** esp-tflite-micro's include folders (its INCLUDE_DIRS, the manifest's "includes") and ESP-NN's; -isystem for the project's own code, whose -Wextra -Werror is not TFLM's. */
function tflmIncludes(kit: Kit, system = false): string[] {
  return [kit.tflm, ...["flatbuffers/include", "gemmlowp", "ruy", "kissfft"].map((d) => join(kit.tflm, "third_party", d)), join(kit.espNn, "include")].flatMap((d) => (system ? ["-isystem", d] : [`-I${d}`]));
}

/** The board's C++ flags for the project's .cc (mcconfig's CPP_FLAGS; see the file's comment). */
function projectCxxFlags(kit: Kit, ...extra: string[]): string[] {
  return [...projectFlags(...extra).filter((f) => f !== "-std=gnu99"), "-std=gnu++17", "-fno-exceptions", "-fno-rtti", ...cxxIncludes(kit), ...tflmIncludes(kit, true)];
}

export function tflmSources(kit: Kit): Source[] {
  const tflm = TFLM_SOURCES.map((f): Source => {
    const flags = [...FLAGS.tflmCxx, ...TFLM_WARNINGS, ...cxxIncludes(kit), ...tflmIncludes(kit)];
    // esp-tflite-micro's CMakeLists.txt: esp_nn/depthwise_conv.cc at -O2 (an internal compiler error
    // at -O3 with Espressif's GCC). esp_nn/conv.cc at -O2 too, here only: kit.ts compiles every
    // source with -ffreestanding, whose -fno-builtin makes the kit's GCC 13.3 fail at -O3 on it
    // ("internal compiler error: in extract_constrain_insn", a float constant in the reference
    // conv.h's float path, which the decoder never runs); without -ffreestanding it builds at -O3.
    const o2 = f.endsWith("esp_nn/depthwise_conv.cc") || f.endsWith("esp_nn/conv.cc");
    return { path: join(kit.tflm, f), flags: o2 ? [...flags, "-O2"] : flags, cxx: true };
  });
  return [
    ...tflm,
    ...espNnSources(kit),
    { path: join(DECODER_DIR, "model.c"), flags: projectFlags() },
    // backend_tflm.cc itself, as the same translation unit as its profiling wrapper.
    { path: join(TFLM_DIR, "glue.cc"), flags: projectCxxFlags(kit), cxx: true },
    { path: join(TFLM_DIR, "cxxrt.cc"), flags: [...FLAGS.runtime, "-fno-exceptions", "-fno-rtti", `-I${S3_DIR}`], cxx: true },
    { path: join(TFLM_DIR, "stdio.c"), flags: [...FLAGS.runtime, `-I${S3_DIR}`, "-isystem", join(TFLM_DIR, "include"), shimsStamp()] },
  ];
}

/** Where buildImage() (through decoder.ts buildDecoderImage) keeps this path's objects. */
export const TFLM_OBJ_DIR = join(S3_BUILD_DIR, "decoder-tflm", "obj");

/**
 * Compiles the path's ~90 sources in `jobs` processes before the image is built (kit.ts compiles
 * one at a time: about 10 minutes from cold on two busy cores). Only an accelerator: what fails or
 * is missing is compiled again by buildImage(), which reports the error.
 */
export function prebuild(jobs = Math.max(1, Math.min(4, availableParallelism()))): void {
  if (jobs < 2) return;
  const worker = join(TFLM_DIR, "prebuild.ts");
  const script = Array.from({ length: jobs }, (_, k) => `"${process.execPath}" --import tsx "${worker}" ${k} ${jobs} & p${k}=$!`).join("\n");
  spawnSync("bash", ["-c", `${script}\nwait`], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"], env: process.env, timeout: 1_800_000 });
}

export const TFLM: DecoderBackend = {
  id: "tflm",
  title: "TFLM + ESP-NN (native/decoder/backend_tflm.cc with esp-tflite-micro 1.4.0 and ESP-NN 1.2.3's esp32s3 kernels): the board's path",
  sources: (kit) => tflmSources(kit),
  budget: TFLM_BUDGET,
};

/** The model the committed pack carries (its MODL section), written where the guest image can .incbin it, and the keyframes' latents (LATN). */
export function packModel(pack = PACK): { file: string; packOffset: number; length: number; latentSize: number; keyframeLatents: Int8Array } {
  const bytes = readFileSync(pack);
  const r = openPack(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), pack);
  if (!r.ok) throw new Error(r.error);
  const { modelOffset, modelLength } = r.pack;
  if (modelLength === 0) throw new Error(`${pack}: no MODL section (the pack carries no decoder)`);
  const dir = join(S3_BUILD_DIR, "data");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "pack-model.tflite");
  const model = bytes.subarray(modelOffset, modelOffset + modelLength);
  if (!existsSync(file) || !readFileSync(file).equals(model)) writeFileSync(file, model);
  const size = latentSize(r.pack);
  const keyframes: number[] = [];
  const one = new Int8Array(size);
  for (let i = 0; i < r.pack.count; i++) if (size && readLatent(r.pack, i, one)) keyframes.push(...one);
  return { file, packOffset: modelOffset, length: modelLength, latentSize: size, keyframeLatents: Int8Array.from(keyframes) };
}

export interface TflmFigures {
  /** Latents decoded on the emulated S3: FRESH_LATENTS fresh ones, then the pack's keyframes'. */
  latents: number;
  /** What differs from the host (empty: logits and frames bit-identical for every latent). */
  mismatches: string[];
  /** Instructions per inference: md_backend_decode (input copy, Invoke, logits copy), median over the latents (decoder.ts says why). */
  instructionsPerInference: number;
  worstInference: number;
  /** Lower bound at 240 MHz (one instruction per cycle) and its share of a 33 ms frame. */
  msAt240MHz: number;
  frameShare: number;
  /** Per operator of the model (its kernel's invoke), then OUTPUT_COPY (TFLM's epilogue and the logits copy). */
  ops: { name: string; instructions: number }[];
  /** md_logits_to_frame, per frame. */
  frameConversionInstructions: number;
  /** Instructions of md_backend_open (checks, verifier, AllocateTensors with ESP-NN's Prepare). */
  openInstructions: number;
  /** md_backend_arena_used(): MicroInterpreter::arena_used_bytes() after AllocateTensors, ESP-NN's scratch included. */
  arenaUsed: number;
  /** Where the model sat in the guest (the pack's MODL offset in a 16-byte aligned copy of the pack). */
  modelAddress: number;
  budget: typeof TFLM_BUDGET;
  /** What exceeds the budget, one line each; empty when within it. */
  overBudget: string[];
  /** The guest image that ran. */
  elf: string;
  run: DecoderRun;
}

/**
 * Builds and runs the TFLM + ESP-NN path on the pack's model with FRESH_LATENTS fresh latents and the
 * pack's keyframe latents, and
 * compares every latent's logits and frame with the host's C reference (decoder-cli, the code the
 * Node addon runs; a mismatch is pinned to its first byte by a dump build). Throws when the kit or
 * the toolchain is missing, or when the build or the run fails.
 */
export function tflmFigures(opts: { pack?: string; kit?: Kit } = {}): TflmFigures {
  const kit = opts.kit ?? findKit();
  const model = packModel(opts.pack);
  const size = model.latentSize || 8;
  // 64 fresh latents (decoder.ts's seeded generator, as the other paths), then the pack's keyframes'.
  const fresh = freshLatents(FRESH_LATENTS, size);
  const latents = new Int8Array(fresh.length + model.keyframeLatents.length);
  latents.set(fresh, 0);
  latents.set(model.keyframeLatents, fresh.length);
  // The model keeps the alignment it has inside the pack (the pack itself 16-byte aligned).
  const buildOpts = { kit, modelOffset: model.packOffset % 16 };
  prebuild();
  const run = runDecoder(TFLM, model.file, latents, buildOpts);
  // The image runDecoder built (relinked, nothing recompiled), for tests that inspect it.
  const { elf } = buildDecoderImage(TFLM, model.file, latentsFile(`latents-${TFLM.id}`, latents), buildOpts);
  const mismatch = compareWithHost(TFLM, model.file, latents, size, run, buildOpts);
  const mismatches = mismatch
    ? [`latent ${mismatch.latent}: ${mismatch.what} differ from the host's` + (mismatch.byte !== undefined && mismatch.byte >= 0 ? ` first at byte ${mismatch.byte} (device ${mismatch.device}, host ${mismatch.host})` : "")]
    : [];
  const arenaUsed = run.arena + run.scratch;
  const overBudget = [
    ...(run.perInference > TFLM_BUDGET.instructionsPerInference ? [`${Math.round(run.perInference)} instructions per inference (budget ${TFLM_BUDGET.instructionsPerInference})`] : []),
    ...(arenaUsed > TFLM_BUDGET.arenaBytes ? [`arena ${arenaUsed} bytes with ESP-NN's scratch (budget ${TFLM_BUDGET.arenaBytes})`] : []),
  ];
  const ms = (run.perInference / BOARD_HZ) * 1000;
  const frameShare = ms / FRAME_MS;
  return {
    latents: run.count,
    mismatches,
    instructionsPerInference: run.perInference,
    worstInference: run.worstInference,
    msAt240MHz: ms,
    frameShare,
    ops: run.ops,
    frameConversionInstructions: run.perFrameConversion,
    openInstructions: run.open,
    arenaUsed,
    modelAddress: run.modelAddress,
    budget: TFLM_BUDGET,
    overBudget,
    elf,
    run,
  };
}
