/*
 * Builds and runs the XS engine on the emulated ESP32-S3 (issue 18, item 4):
 *
 * 1. picolibc (C library and libm) for the S3: Debian's picolibc source package (`apt-get source`
 *    through a private apt configuration with a deb-src line for trixie, as the kit's installer does
 *    for binaries), built with meson and the kit's compiler, with picolibc/xtensa/config/core-isa.h
 *    so that its Xtensa assembly uses the windowed ABI. Built once into build/s3-xs/picolibc.
 * 2. The XS core from npm @agoric/xsnap's sources (the same XS the parity suite runs), compiled
 *    with the "s3bare" platform (s3bare_xs.h, s3bare_platform.c) and runner.c.
 * 3. app.ts and the firmware modules it imports, compiled by tsc and embedded as source text
 *    (modules.c, generated), parsed by XS at run time; the JSON data and the frame pack embedded too.
 * 4. Linked with the start-up code and run on the kit's QEMU with -icount shift=0.
 *
 * The kit, the compiler, the start-up code (crt0.S), the linker script (s3.ld) and the QEMU run are
 * tools/s3/kit.ts's (MOODFACE_S3_KIT); tools/s3/runtime.c is not linked: picolibc is the C library
 * here. xs_extras.S adds what picolibc needs beyond them (the malloc region, the window spill that
 * its setjmp calls). Every failure is one error naming the step and its log.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { REPO_ROOT } from "../../lib/data.js";
import { CRT0, LINKER_SCRIPT, FLAGS, findKit, findToolchain, runImage as runKitImage, type Kit, type Toolchain } from "../kit.js";

const HERE = join(REPO_ROOT, "tools", "s3", "xs");
export const OUT = join(REPO_ROOT, "build", "s3-xs");
const XSNAP = join(REPO_ROOT, "node_modules", "@agoric", "xsnap");
const XS_SOURCES = join(XSNAP, "moddable", "xs", "sources");
const XS_INCLUDES = join(XSNAP, "moddable", "xs", "includes");
const XS_PLATFORMS = join(XSNAP, "moddable", "xs", "platforms");
const PICOLIBC_VERSION = "1.8.10";

/** The ESP32 build's fixed XS sizes (issue 18): chunk 78,848 bytes, heap 6,016 slots, stack 512. */
export const ESP32_XS_SIZES = { chunkBytes: 78848, heapSlots: 6016, stackSlots: 512 };
/** Here the realm's built-ins live in the same heap (about 3,800 slots and 10.5 KB of chunks that the
 *  ESP32 build preloads into flash with xsl), so the image gets the ESP32 sizes plus that much and a
 *  margin; the figures report the app's use above the realm, to compare with ESP32_XS_SIZES. */
export const XS_SIZES = { chunkBytes: 78848 + 49152, heapSlots: 6016 + 4096, stackSlots: 512 };

export class S3XsError extends Error {}

function run(step: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number; log?: string } = {}): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env, encoding: "utf8", maxBuffer: 1 << 28, timeout: opts.timeout ?? 600000 });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (opts.log) {
    mkdirSync(dirname(opts.log), { recursive: true });
    writeFileSync(opts.log, `$ ${cmd} ${args.join(" ")}\n${out}`);
  }
  if (r.error || r.status !== 0) {
    const where = opts.log ? ` (log: ${opts.log})` : "";
    throw new S3XsError(`${step} failed${r.error ? `: ${r.error.message}` : ` with status ${r.status}`}${where}\n${out.slice(-3000)}`);
  }
  return out;
}

/** Step 1: picolibc for the S3 (libc.a with libm), built once. Returns the install prefix. */
export function buildPicolibc(tc: Toolchain): string {
  const dir = join(OUT, "picolibc");
  const prefix = join(dir, "install");
  if (existsSync(join(prefix, "lib", "libc.a"))) return prefix;
  for (const tool of ["meson", "ninja"]) {
    if (spawnSync(tool, ["--version"], { stdio: "ignore" }).status !== 0) throw new S3XsError(`${tool} is needed to build picolibc for the S3: apt-get install meson ninja-build`);
  }
  const src = join(dir, `picolibc-${PICOLIBC_VERSION}`);
  if (!existsSync(join(src, "meson.build"))) {
    // Debian's source package through apt: a private configuration (the system's is not touched).
    const apt = join(dir, "apt");
    for (const d of ["etc/sources.list.d", "etc/preferences.d", "lists/partial", "cache/archives/partial"]) mkdirSync(join(apt, d), { recursive: true });
    writeFileSync(join(apt, "status"), "");
    const mirror = process.env.S3_DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
    writeFileSync(join(apt, "etc", "trixie.sources"), `Types: deb-src\nURIs: ${mirror}\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`);
    const o = (k: string, v: string) => ["-o", `${k}=${v}`];
    const aptArgs = [
      ...o("Dir::Etc::SourceList", join(apt, "etc", "trixie.sources")), ...o("Dir::Etc::SourceParts", join(apt, "etc", "sources.list.d")),
      ...o("Dir::Etc::Preferences", join(apt, "etc", "preferences")), ...o("Dir::Etc::PreferencesParts", join(apt, "etc", "preferences.d")),
      ...o("Dir::State::Lists", join(apt, "lists")), ...o("Dir::State::status", join(apt, "status")), ...o("Dir::Cache", join(apt, "cache")),
      ...o("Acquire::Languages", "none"), ...o("APT::Sandbox::User", "root"),
    ];
    run("apt-get update (deb-src trixie)", "apt-get", [...aptArgs, "update"], { log: join(dir, "logs", "apt-update.log") });
    // --download-only: the trixie .dsc is not always on the mirror; the orig tarball is what we build.
    try {
      run("apt-get source picolibc", "apt-get", [...aptArgs, "source", "--download-only", `picolibc=${PICOLIBC_VERSION}-2`], { cwd: dir, log: join(dir, "logs", "apt-source.log") });
    } catch (e) {
      if (!existsSync(join(dir, `picolibc_${PICOLIBC_VERSION}.orig.tar.gz`))) throw e;
    }
    run("unpack picolibc", "tar", ["xzf", `picolibc_${PICOLIBC_VERSION}.orig.tar.gz`], { cwd: dir });
  }
  const cross = join(dir, "cross-esp32s3.txt");
  const flags = ["-isystem", join(HERE, "picolibc"), "-mlongcalls", "-ffunction-sections", "-fdata-sections", "-nostdlib"];
  const bin = dirname(tc.gcc);
  writeFileSync(
    cross,
    `[binaries]\nc = ${JSON.stringify([tc.gcc, ...flags]).replaceAll('"', "'")}\n` +
      `ar = '${join(bin, "xtensa-esp32s3-elf-ar")}'\nas = '${join(bin, "xtensa-esp32s3-elf-as")}'\n` +
      `nm = '${join(bin, "xtensa-esp32s3-elf-nm")}'\nstrip = '${join(bin, "xtensa-esp32s3-elf-strip")}'\n\n` +
      `[host_machine]\nsystem = 'none'\ncpu_family = 'xtensa'\ncpu = 'esp32s3'\nendian = 'little'\n\n[properties]\nskip_sanity_check = true\n`,
  );
  const build = join(dir, "build");
  rmSync(build, { recursive: true, force: true });
  // One C library for one program: no multilib, no tests, no start files (tools/s3 has its own),
  // single thread, tinystdio (snprintf/printf with doubles for XS's reports).
  run("meson setup picolibc", "meson", ["setup", build, src, "--cross-file", cross, `--prefix=${prefix}`,
    "-Dmultilib=false", "-Dtests=false", "-Dpicocrt=false", "-Dsemihost=false", "-Dpicolib=true", "-Dtinystdio=true",
    "-Dposix-console=false", "-Dsingle-thread=true", "-Dthread-local-storage=false", "-Dnewlib-global-errno=true",
    "-Dbuildtype=release", "-Doptimization=2", "-Dspecsdir=none", "-Dinitfini=false"], { env: tc.env, log: join(dir, "logs", "meson-setup.log") });
  run("ninja picolibc", "ninja", ["-C", build, "install"], { env: tc.env, log: join(dir, "logs", "ninja.log"), timeout: 1800000 });
  return prefix;
}

const CFLAGS = ["-O2", "-mlongcalls", "-ffunction-sections", "-fdata-sections", "-fno-tree-loop-distribute-patterns", "-fno-common"];

function xsDefines(sizes = XS_SIZES): string[] {
  return [
    "-DINCLUDE_XSPLATFORM", '-DXSPLATFORM="s3bare_xs.h"', "-DmxParse=1", "-DmxRun=1",
    `-DS3_XS_CHUNK_BYTES=${sizes.chunkBytes}`, `-DS3_XS_HEAP_SLOTS=${sizes.heapSlots}`, `-DS3_XS_STACK_SLOTS=${sizes.stackSlots}`,
  ];
}

/** Compiles one C or assembly file unless its object is newer than it and the flags are the same. */
function compile(tc: Toolchain, source: string, object: string, flags: string[]): void {
  const stamp = `${object}.flags`;
  const key = flags.join(" ");
  if (existsSync(object) && statSync(object).mtimeMs > statSync(source).mtimeMs && existsSync(stamp) && readFileSync(stamp, "utf8") === key) return;
  mkdirSync(dirname(object), { recursive: true });
  run(`compile ${relative(REPO_ROOT, source)}`, tc.gcc, [...flags, "-c", source, "-o", object], { env: tc.env, log: `${object}.log` });
  writeFileSync(stamp, key);
}

/** C string literal of a text, split in lines so the generated file stays readable. */
function cString(text: string): string {
  const lines = text.split("\n");
  return lines.map((l, i) => JSON.stringify(i < lines.length - 1 ? l + "\n" : l)).join("\n\t");
}

/** Step 3: app.ts and the modules it imports as JS, the data and the pack, as modules.c. */
export function generateModules(phase = 0): { file: string; modules: string[]; sourceBytes: number } {
  const js = join(OUT, "js");
  rmSync(js, { recursive: true, force: true });
  run("tsc tools/s3/xs", process.execPath, [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(HERE, "tsconfig.json")]);
  const modules: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith(".js")) modules.push(p);
    }
  };
  walk(js);
  let sourceBytes = 0;
  const rows = modules.map((p) => {
    // `native("name")` is xsc's direct binding of a host function on the board; the run-time parser
    // here has no such form, so it becomes the global `name` the runner defines (runner.c).
    const text = readFileSync(p, "utf8").replace(/\bnative\("(xs_\w+)"\)/g, "$1");
    sourceBytes += Buffer.byteLength(text);
    return `\t{ ${JSON.stringify("/" + relative(js, p))},\n\t${cString(text)} },`;
  });
  const data = join(REPO_ROOT, "modules", "emotion", "data");
  const texts: [string, string][] = [
    ["default.json", join(data, "profiles", "default.json")],
    ["stimuli.json", join(data, "stimuli.json")],
    ["wheel.json", join(data, "wheel.json")],
  ];
  const pack = readFileSync(join(REPO_ROOT, "frames", "frames.bin"));
  const packRows: string[] = [];
  for (let i = 0; i < pack.length; i += 24) packRows.push("\t" + Array.from(pack.subarray(i, i + 24)).join(","));
  const c =
    `/* Generated by tools/s3/xs/build.ts: the program's modules (tsc output), data and frame pack. */\n` +
    `#include <string.h>\n\n` +
    `static const struct { const char* path; const char* source; } modules[] = {\n${rows.join("\n")}\n};\n\n` +
    `static const struct { const char* name; const char* text; } texts[] = {\n` +
    texts.map(([n, p]) => `\t{ ${JSON.stringify(n)},\n\t${cString(readFileSync(p, "utf8"))} },`).join("\n") +
    `\n\t{ "phase", "${phase}" },\n};\n\n` +
    `/* 4-byte aligned: the pack reader reads 32-bit fields through typed arrays. */\n` +
    `const unsigned char s3Pack[] __attribute__((aligned(16))) = {\n${packRows.join(",\n")}\n};\n` +
    `const unsigned int s3PackSize = ${pack.length};\n\n` +
    `const char* s3FindModuleSource(const char* path)\n{\n\tfor (unsigned i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)\n\t\tif (!strcmp(modules[i].path, path))\n\t\t\treturn modules[i].source;\n\treturn 0;\n}\n\n` +
    `const char* s3FindText(const char* name)\n{\n\tfor (unsigned i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)\n\t\tif (!strcmp(texts[i].name, name))\n\t\t\treturn texts[i].text;\n\treturn 0;\n}\n`;
  const file = join(OUT, "gen", "modules.c");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, c);
  renameSync(`${file}.tmp`, file);
  return { file, modules: modules.map((p) => "/" + relative(js, p)), sourceBytes };
}

export interface Image {
  elf: string;
  /** Bytes of code (IRAM) and of initialised plus zeroed data (DRAM), from the section headers. */
  text: number;
  data: number;
  modules: string[];
  sourceBytes: number;
}

/** Steps 2 and 3: the XS core, the platform, the runner and the program, linked into one ELF. */
/** `phase` (1..5) builds a variant of app.ts that stops after that phase (device-xs.ts's exact figures). */
export function buildImage(opts: { kit?: Kit; sizes?: typeof XS_SIZES; phase?: number } = {}): Image {
  const kit = opts.kit ?? findKit();
  const tc = findToolchain(kit);
  const pico = buildPicolibc(tc);
  const sizes = opts.sizes ?? XS_SIZES;
  const include = ["-isystem", join(pico, "include"), "-I", HERE, "-I", XS_INCLUDES, "-I", XS_PLATFORMS, "-I", XS_SOURCES];
  const xsFlags = [...CFLAGS, ...include, ...xsDefines(sizes), "-w"];
  const objects: string[] = [];
  const skip = new Set(["xsSnapshot.c", "xsProfile.c"]);
  for (const n of readdirSync(XS_SOURCES).sort()) {
    if (!n.endsWith(".c") || skip.has(n)) continue;
    const o = join(OUT, "obj", "xs", n.replace(/\.c$/, ".o"));
    compile(tc, join(XS_SOURCES, n), o, xsFlags);
    objects.push(o);
  }
  const decoderDir = join(REPO_ROOT, "native", "decoder");
  const ownFlags = [...CFLAGS, ...include, "-I", decoderDir, ...xsDefines(sizes), "-Wall", "-Wno-unused-parameter"];
  // The project's C reference decoder (what lin builds), with the board's flags as tools/s3 compiles it.
  for (const n of ["model.c", "decoder.c", "backend_reference.c"]) {
    const o = join(OUT, "obj", "decoder", n.replace(/\.c$/, ".o"));
    compile(tc, join(decoderDir, n), o, [...FLAGS.project, "-isystem", join(pico, "include"), "-I", decoderDir]);
    objects.push(o);
  }
  // The project's XS host modules as mcconfig builds them for esp32 (manifest.json): the board's
  // flags with -Wall -Wextra -Werror, against XS's xsmc.h (xsmc.c is linked for them).
  for (const n of ["display/frame.c", "display/xs_ssd1306.c", "face/animator.c", "face/xs_animator.c"]) {
    const o = join(OUT, "obj", n.replace(/\.c$/, ".o"));
    compile(tc, join(REPO_ROOT, "native", n), o, [...FLAGS.project, "-isystem", join(pico, "include"), ...include.slice(2), ...xsDefines(sizes)]);
    objects.push(o);
  }
  for (const n of ["s3bare_platform.c", "runner.c"]) {
    const o = join(OUT, "obj", n.replace(/\.c$/, ".o"));
    compile(tc, join(HERE, n), o, ownFlags);
    objects.push(o);
  }
  const gen = generateModules(opts.phase ?? 0);
  const genObject = join(OUT, "obj", `modules${opts.phase ? `-phase${opts.phase}` : ""}.o`);
  compile(tc, gen.file, genObject, [...CFLAGS, "-isystem", join(pico, "include")]);
  const crt0 = join(OUT, "obj", "crt0.o");
  compile(tc, CRT0, crt0, FLAGS.runtime);
  const extras = join(OUT, "obj", "xs_extras.o");
  compile(tc, join(HERE, "xs_extras.S"), extras, CFLAGS);
  const elf = join(OUT, opts.phase ? `moodface-xs-phase${opts.phase}.elf` : "moodface-xs.elf");
  run("link", tc.gcc, ["-nostdlib", "-T", LINKER_SCRIPT, "-Wl,--gc-sections", `-Wl,-Map=${join(OUT, "moodface-xs.map")}`, crt0, extras, ...objects, genObject,
    join(pico, "lib", "libc.a"), ...tc.runtimeLibs, join(pico, "lib", "libc.a"), "-o", elf], { env: tc.env, log: join(OUT, "link.log") });
  const size = run("size", join(dirname(tc.gcc), "xtensa-esp32s3-elf-size"), ["-A", elf], { env: tc.env });
  let text = 0;
  let data = 0;
  for (const line of size.split("\n")) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)/.exec(line);
    if (!m) continue;
    const addr = Number(m[3]);
    if (addr >= 0x40370000 && addr < 0x403f0000) text += Number(m[2]);
    else if (addr >= 0x3fc80000 && addr < 0x3fdf0000 && m[1] !== ".heap") data += Number(m[2]);
  }
  return { elf, text, data, modules: gen.modules, sourceBytes: gen.sourceBytes };
}

export interface RunOutput {
  status: number | null;
  stdout: string;
  /** Every guest instruction of the run, start-up included (the kit's libinsn.so). */
  totalInstructions: number;
}

/** Step 4: runs the image on the kit's QEMU (tools/s3/kit.ts), bounded by `timeoutMs`. */
export function runImage(elf: string, timeoutMs = 600000): RunOutput {
  const r = runKitImage(elf, { timeoutMs });
  return { status: r.exitCode, stdout: r.console, totalInstructions: r.instructions };
}
