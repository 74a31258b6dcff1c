/*
 * The project's C on the ESP32-S3's own CPU (issue 18, docs/device.md): finds the emulator kit
 * (MOODFACE_S3_KIT, a folder laid out like ../shared/s3-emulator) and a compiler for the S3, compiles
 * with the board's flags, links with this folder's start-up code (crt0.S), linker script (s3.ld) and
 * runtime (runtime.c), and runs the image on the kit's QEMU (-M esp32s3) under a timeout, returning
 * the console output, the exit code and the exact instruction count.
 *
 * Every device path (tools/s3/<path>.ts: the reference decoder, reference + ESP-NN, TFLM + ESP-NN,
 * XS) builds its image with buildImage() and runs it with runImage(); tests/device and
 * `npm run bench -- device` enumerate them through tools/s3/paths.ts.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { REPO_ROOT } from "../lib/data.js";

export const S3_DIR = join(REPO_ROOT, "tools", "s3");
export const S3_BUILD_DIR = join(REPO_ROOT, "build", "s3");
/** crt0.S, s3.ld and runtime.c: every image's start-up, memory map and C runtime. */
export const CRT0 = join(S3_DIR, "crt0.S");
export const LINKER_SCRIPT = join(S3_DIR, "s3.ld");
export const RUNTIME = join(S3_DIR, "runtime.c");

/** The ESP32-S3's clock on the board (CONFIG_ESP_DEFAULT_CPU_FREQ_MHZ_240) and a 30 frames/s frame. */
export const BOARD_HZ = 240e6;
export const FRAME_MS = 33;
/** Under -icount shift=0 CCOUNT advances once per 25 instructions (kit README). */
export const INSNS_PER_TICK = 25;

export interface Kit {
  dir: string;
  qemu: string;
  insnPlugin: string;
  libcrt: string;
  espNn: string;
  tflm: string;
}

/** The kit from MOODFACE_S3_KIT; throws one line when it is not set or not a kit. */
export function findKit(): Kit {
  const env = process.env.MOODFACE_S3_KIT;
  if (!env) throw new Error("MOODFACE_S3_KIT is not set: point it at the ESP32-S3 emulator kit (a folder laid out like ../shared/s3-emulator; .ci/run sets it)");
  const dir = resolve(env);
  // The emulator, its counting plugin and the sources; the compiler's pieces (libcrt-esp32s3.a,
  // xtensa_esp32s3.so, install-toolchain.sh) only when no ESP-IDF compiler is on PATH (findToolchain).
  const need = ["qemu-system-xtensa", "libinsn.so", "esp-nn", "esp-tflite-micro"];
  const missing = need.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new Error(`MOODFACE_S3_KIT=${env}: not an ESP32-S3 emulator kit (missing ${missing.join(", ")})`);
  return { dir, qemu: join(dir, "qemu-system-xtensa"), insnPlugin: join(dir, "libinsn.so"), libcrt: join(dir, "libcrt-esp32s3.a"), espNn: join(dir, "esp-nn"), tflm: join(dir, "esp-tflite-micro") };
}

export interface Toolchain {
  /** "esp-idf": Espressif's xtensa-esp32s3-elf-gcc found on PATH; "kit": the kit's GCC 13.3 wrappers. */
  origin: "esp-idf" | "kit";
  gcc: string;
  gxx: string;
  /** Environment for the compiler (the kit's wrappers need XTENSA_GNU_CONFIG). */
  env: NodeJS.ProcessEnv;
  /** -isystem folders for a C library's declarations (the kit: picolibc's headers; ESP-IDF: its own newlib). */
  systemIncludes: string[];
  /** What the link needs last for double/64-bit helpers. */
  runtimeLibs: string[];
}

function onPath(name: string): string | undefined {
  for (const d of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(d, name);
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

/** The kit's wrappers say so in their second line (install-toolchain.sh writes them). */
function isKitWrapper(path: string): boolean {
  try {
    return readFileSync(path, "utf8").slice(0, 400).includes("install-toolchain.sh");
  } catch {
    return false; // a binary
  }
}

export const TOOLCHAIN_DIR = process.env.S3_TOOLCHAIN_DIR ?? join(homedir(), ".cache", "moodface-s3-toolchain");

/**
 * A compiler for the S3: Espressif's own xtensa-esp32s3-elf-gcc when it is on PATH (an ESP-IDF
 * install), otherwise the kit's, installed with the kit's install-toolchain.sh when absent.
 */
export function findToolchain(kit: Kit): Toolchain {
  const onpath = onPath("xtensa-esp32s3-elf-gcc");
  if (onpath && !isKitWrapper(onpath)) {
    const gxx = join(dirname(onpath), "xtensa-esp32s3-elf-g++");
    return { origin: "esp-idf", gcc: onpath, gxx, env: { ...process.env }, systemIncludes: [], runtimeLibs: ["-lgcc"] };
  }
  const missing = ["libcrt-esp32s3.a", "xtensa_esp32s3.so", "install-toolchain.sh"].filter((f) => !existsSync(join(kit.dir, f)));
  if (missing.length) throw new Error(`no xtensa-esp32s3-elf-gcc on PATH and the kit at ${kit.dir} has no compiler of its own (missing ${missing.join(", ")})`);
  const bin = join(TOOLCHAIN_DIR, "bin");
  if (!existsSync(join(bin, "xtensa-esp32s3-elf-gcc"))) {
    const r = spawnSync("bash", [join(kit.dir, "install-toolchain.sh"), TOOLCHAIN_DIR], { encoding: "utf8", timeout: 600_000 });
    if (r.status !== 0) {
      const line = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.split("\n").find((l) => l.includes("ERROR")) ?? `exit ${r.status ?? r.signal}`;
      throw new Error(`installing the kit's S3 toolchain into ${TOOLCHAIN_DIR} failed: ${line.trim()}`);
    }
  }
  const env = { ...process.env, XTENSA_GNU_CONFIG: join(kit.dir, "xtensa_esp32s3.so"), S3_KIT_DIR: kit.dir };
  return {
    origin: "kit",
    gcc: join(bin, "xtensa-esp32s3-elf-gcc"),
    gxx: join(bin, "xtensa-esp32s3-elf-g++"),
    env,
    systemIncludes: [join(TOOLCHAIN_DIR, "picolibc-include")],
    runtimeLibs: [kit.libcrt],
  };
}

/*
 * The board's flags, per kind of source, and where each comes from. The firmware is built by
 * Moddable's mcconfig for esp32 (Moddable 8.2, ESP-IDF 6.0, target esp32s3):
 *
 * - The project's C (native/decoder/*.c, compiled by mcconfig itself into xs_esp32s3.a):
 *   tools/mcconfig/make.esp32.mk C_COMMON_FLAGS and C_FLAGS: -Os -g -fno-inline-functions
 *   -falign-functions=4 -fdata-sections -ffunction-sections -fno-jump-tables
 *   -fstrict-volatile-bitfields -std=gnu99, plus -mlongcalls -mtext-section-literals for Xtensa
 *   targets. The project adds -Wall -Wextra -Werror (as its host builds do). The optimisation level
 *   is Moddable's (-Os); the project's sdkconfig/sdkconfig.defaults sets no CONFIG_COMPILER_OPTIMIZATION
 *   and would not reach these files anyway (mcconfig compiles them outside ESP-IDF's CMake).
 * - ESP-NN (the IDF component espressif/esp-nn, built by ESP-IDF's CMake): its CMakeLists.txt adds
 *   -mlongcalls -fno-unroll-loops -O2 -Wno-unused-function for esp32s3, after ESP-IDF's common
 *   flags (tools/cmake/build.cmake: -ffunction-sections -fdata-sections -fstrict-volatile-bitfields
 *   -fno-jump-tables -fno-tree-switch-conversion; -mlongcalls for Xtensa; C as -std=gnu17).
 * - esp-tflite-micro (the h-tflm path): its CMakeLists.txt common_flags (-DTF_LITE_STATIC_MEMORY -O3
 *   -ffunction-sections -fdata-sections ..., C++ -std=gnu++14 -fno-rtti -fno-exceptions
 *   -fno-threadsafe-statics), esp_nn/depthwise_conv.cc at -O2.
 *
 * Bare-metal additions (not on the board, needed without a C library): -ffreestanding (no libc to
 * link: runtime.c provides what is called) and, for runtime.c only,
 * -fno-tree-loop-distribute-patterns (keeps memcpy's own loop from becoming a call to memcpy).
 */
const IDF_COMMON = ["-mlongcalls", "-ffunction-sections", "-fdata-sections", "-fstrict-volatile-bitfields", "-fno-jump-tables", "-fno-tree-switch-conversion"];
export const FLAGS = {
  /** The project's C as mcconfig compiles it for esp32, with the project's warnings as errors. */
  project: ["-Os", "-g", "-fno-inline-functions", "-falign-functions=4", "-fdata-sections", "-ffunction-sections", "-fno-jump-tables", "-fstrict-volatile-bitfields", "-mlongcalls", "-mtext-section-literals", "-std=gnu99", "-Wall", "-Wextra", "-Werror"],
  /** ESP-NN's sources as its IDF component builds them for esp32s3. */
  espNn: [...IDF_COMMON, "-std=gnu17", "-mlongcalls", "-fno-unroll-loops", "-O2", "-Wno-unused-function"],
  /** esp-tflite-micro's C++ (for tools/s3/tflm). */
  tflmCxx: [...IDF_COMMON, "-DTF_LITE_STATIC_MEMORY", "-DTF_LITE_DISABLE_X86_NEON", "-DESP_NN", "-O3", "-fno-unwind-tables", "-std=gnu++14", "-fno-rtti", "-fno-exceptions", "-fno-threadsafe-statics"],
  /** This folder's start-up code and runtime (bare-metal only). */
  runtime: ["-O2", "-mlongcalls", "-ffunction-sections", "-fdata-sections", "-fno-tree-loop-distribute-patterns", "-Wall", "-Wextra", "-Werror"],
  /** Added to every compile: there is no C library to link. */
  bareMetal: ["-ffreestanding"],
};

export interface Source {
  path: string;
  flags: string[];
  /** Compile as C++ (g++). */
  cxx?: boolean;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, what: string): void {
  const r = spawnSync(cmd, args, { encoding: "utf8", env, maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.stderr}${r.stdout}`);
}

/** An object is current when it is newer than every file its .d lists and was built with the same command. */
function upToDate(obj: string, dep: string, stamp: string, key: string): boolean {
  if (!existsSync(obj) || !existsSync(dep) || !existsSync(stamp) || readFileSync(stamp, "utf8") !== key) return false;
  const t = statSync(obj).mtimeMs;
  const files = readFileSync(dep, "utf8").replace(/\\\n/g, " ").split(/\s+/).slice(1).filter((f) => f && !f.endsWith(":"));
  return files.every((f) => existsSync(f) && statSync(f).mtimeMs <= t);
}

/** Compiles one source into `dir`, skipping it when nothing changed. Returns the object's path. */
export function compile(tc: Toolchain, src: Source, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const id = createHash("sha1").update(resolve(src.path)).digest("hex").slice(0, 8);
  const obj = join(dir, `${basename(src.path)}.${id}.o`);
  const dep = `${obj}.d`;
  const stamp = `${obj}.cmd`;
  const args = [...src.flags, ...FLAGS.bareMetal, ...tc.systemIncludes.flatMap((i) => ["-isystem", i]), "-MMD", "-MF", dep, "-c", src.path, "-o", obj];
  const compiler = src.cxx ? tc.gxx : tc.gcc;
  const key = JSON.stringify([compiler, args]);
  if (upToDate(obj, dep, stamp, key)) return obj;
  run(compiler, args, tc.env, `compiling ${src.path} for the ESP32-S3`);
  writeFileSync(stamp, key);
  return obj;
}

export interface Image {
  name: string;
  elf: string;
  toolchain: Toolchain;
}

/**
 * Builds a bare-metal image: crt0.S + runtime.c + `sources`, linked with s3.ld (with
 * --gc-sections, as ESP-IDF links) and the runtime helpers last.
 */
export function buildImage(name: string, sources: Source[], opts: { kit?: Kit; extraLinkArgs?: string[] } = {}): Image {
  const kit = opts.kit ?? findKit();
  const tc = findToolchain(kit);
  const dir = join(S3_BUILD_DIR, name);
  const base: Source[] = [
    { path: CRT0, flags: FLAGS.runtime },
    { path: RUNTIME, flags: [...FLAGS.runtime, `-I${S3_DIR}`] },
  ];
  const objects = [...base, ...sources].map((s) => compile(tc, s, join(dir, "obj")));
  const elf = join(dir, `${name}.elf`);
  const anyCxx = sources.some((s) => s.cxx);
  run(anyCxx ? tc.gxx : tc.gcc, ["-nostdlib", "-T", LINKER_SCRIPT, "-Wl,--gc-sections", `-Wl,-Map=${elf}.map`, ...objects, ...(opts.extraLinkArgs ?? []), ...tc.runtimeLibs, "-o", elf], tc.env, `linking ${name} for the ESP32-S3`);
  return { name, elf, toolchain: tc };
}

/**
 * A generated assembly file that puts a host file into the image's .rodata with .incbin, as
 * `symbol` (and `symbol_end`), `align`-byte aligned plus `offset` bytes (offset 0..align-1 lets a
 * path model the board's 4-byte aligned flash resources). Written only when it changes.
 */
export function incbin(dir: string, symbol: string, file: string, align = 16, offset = 0): Source {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${symbol}.S`);
  // The data's hash in the text: a changed file changes this source, so the image is rebuilt
  // (gcc's dependency list does not name .incbin files).
  const digest = createHash("sha1").update(readFileSync(file)).digest("hex");
  const text = [
    `/* generated by tools/s3/kit.ts: ${file} (sha1 ${digest}) */`,
    `\t.section .rodata.${symbol}, "a"`,
    `\t.balign ${align}`,
    offset ? `\t.space ${offset}` : "",
    `\t.global ${symbol}`,
    `\t.global ${symbol}_end`,
    `${symbol}:`,
    `\t.incbin "${resolve(file)}"`,
    `${symbol}_end:`,
    "",
  ].join("\n");
  if (!existsSync(path) || readFileSync(path, "utf8") !== text) writeFileSync(path, text);
  return { path, flags: [] };
}

export interface Run {
  /** What the guest wrote to UART0. */
  console: string;
  /** The guest's semihosting exit code (99: an unhandled exception, see crt0.S). */
  exitCode: number | null;
  /** Every instruction the guest executed, start-up included (QEMU's libinsn plugin). */
  instructions: number;
}

/** Runs an image on the kit's QEMU (-M esp32s3, -icount shift=0: deterministic), always under a timeout. */
export function runImage(image: Image | string, opts: { kit?: Kit; timeoutMs?: number } = {}): Run {
  const kit = opts.kit ?? findKit();
  const elf = typeof image === "string" ? image : image.elf;
  const r = spawnSync(
    kit.qemu,
    ["-L", kit.dir, "-M", "esp32s3", "-nographic", "-semihosting", "-no-reboot", "-icount", "shift=0,sleep=off", "-kernel", elf, "-plugin", kit.insnPlugin, "-d", "plugin"],
    { encoding: "utf8", timeout: opts.timeoutMs ?? 120_000, killSignal: "SIGKILL", maxBuffer: 64 << 20 },
  );
  if (r.error && (r.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") throw new Error(`running ${elf} on QEMU: ${r.error.message}`);
  if (r.signal) throw new Error(`${basename(elf)} on the emulated ESP32-S3 did not exit within ${(opts.timeoutMs ?? 120_000) / 1000} s (killed with ${r.signal}); console:\n${r.stdout.slice(-2000)}`);
  const m = /total insns: (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`${basename(elf)}: QEMU reported no instruction count (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  return { console: r.stdout, exitCode: r.status, instructions: Number(m[1]) };
}
