/*
 * The decoder's native code per platform and against hostile models:
 * - each platform's native set, read from manifest.json (lin: reference backend, esp32: TFLM backend),
 *   is compiled with the host's compiler and linked into an executable with the XS test double
 *   (stubs/xsmc.h) and, where the platform depends on esp-tflite-micro, the TFLM test double
 *   (stubs/tensorflow/...): an undefined symbol fails the link and this suite;
 * - both sets refuse truncated and corrupt models with the same verdict (model.c's check runs first in
 *   both backends), and the TFLM backend's own failures read distinctly;
 * - a fuzz suite mutates the shipped model 100,000 times through the C loader under AddressSanitizer
 *   and UBSan (zero reports: any report aborts the driver), and packs mutated models with valid CRCs
 *   into the simulator's robot (its load path: the Node addon).
 * backend_tflm.cc against the real TFLM headers is a by-hand check (no registry ships them, and CI
 * skips nothing): docs/decoder.md says what ran.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { buildDecoderCli, checkModel } from "../../tools/decoder/native.js";
import { ReferenceModel } from "../../tools/decoder/reference.js";
import { MAX_LATENT, openPack } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { Robot } from "../../modules/app/robot.js";
import { createSimHost } from "../../tools/sim/host.js";
import { latentsSection, writePack } from "../../tools/faces/pack-writer.js";
import { Random } from "../../modules/common/random.js";
import { moodface, tempDir } from "../helpers/cli.js";
import { modelSpots } from "./spots.js";

const HERE = join(REPO_ROOT, "tests", "native");
const STUBS = join(HERE, "stubs");
const MODEL = join(REPO_ROOT, "frames", "decoder.tflite");
const LATENTS = join(REPO_ROOT, "frames", "latents.json");
const GOOD = readFileSync(MODEL);

interface Manifest {
  modules: Record<string, string | string[]>;
  platforms: Record<string, { modules?: Record<string, string | string[]>; dependency?: { name: string }[] }>;
}
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "manifest.json"), "utf8")) as Manifest;

/** The C/C++ sources manifest.json compiles for a platform (top-level "*" modules plus the platform's). */
function nativeSet(platform: string): string[] {
  const list = (m?: Record<string, string | string[]>) => {
    const v = m?.["*"] ?? [];
    return Array.isArray(v) ? v : [v];
  };
  return [...list(manifest.modules), ...list(manifest.platforms[platform].modules)]
    .filter((m) => m.startsWith("./native/"))
    .map((m) => {
      const file = [".c", ".cc", ".cpp"].map((e) => join(REPO_ROOT, m + e)).find((f) => existsSync(f));
      if (!file) throw new Error(`${m}: listed in manifest.json for ${platform}, but no .c/.cc/.cpp file`);
      return file;
    });
}

function run(cmd: string, args: string[], cwd?: string) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd, maxBuffer: 1 << 26 });
  return { ok: r.status === 0 && !r.signal, out: `${r.stdout}${r.stderr}`, stdout: r.stdout, signal: r.signal };
}

/** Compiles and links a platform's set (or the given sources) with host_main.c; the executable, or the linker's complaint. */
function link(platform: string, sources = nativeSet(platform)): { exe?: string; log: string } {
  const dir = tempDir(`native-${platform}-`);
  const tflm = (manifest.platforms[platform].dependency ?? []).some((d) => d.name === "esp-tflite-micro");
  // NimBLE comes with the SDK's ECMA-419 BLE manifest on esp32: its store is doubled too.
  const nimble = sources.some((f) => f.endsWith(join("native", "link", "bonds.c")));
  const all = [join(HERE, "host_main.c"), ...sources, ...(tflm ? [join(STUBS, "tflm_stub.cc")] : []), ...(nimble ? [join(STUBS, "nimble_stub.c")] : [])];
  const objects: string[] = [];
  let cxx = false;
  for (const [i, src] of all.entries()) {
    const isCxx = !src.endsWith(".c");
    cxx ||= isCxx;
    const obj = join(dir, `${i}.o`);
    const flags = isCxx ? ["c++", "-std=c++17"] : ["cc", "-std=c99"];
    const r = run(flags[0], [flags[1], "-O1", "-Wall", "-Wextra", "-Werror", `-I${STUBS}`, "-c", src, "-o", obj]);
    if (!r.ok) throw new Error(`compiling ${src} for ${platform} failed:\n${r.out}`);
    objects.push(obj);
  }
  const exe = join(dir, "host-main");
  const r = run(cxx ? "c++" : "cc", ["-o", exe, ...objects, "-lm"]);
  return r.ok ? { exe, log: r.out } : { log: r.out };
}

function truncatedAndCorrupt(): [string, Buffer][] {
  const ref = new ReferenceModel(new Uint8Array(GOOD));
  // CONV_2D's code (3): an entry's effective code is the larger of its two code fields, so 14 takes.
  const conv = ref.ops.find((o) => o.code === 3)!;
  const unsupported = Buffer.from(GOOD);
  unsupported.writeInt32LE(14, conv.codeTable);
  const shape = Buffer.from(GOOD);
  shape.writeInt32LE(64, ref.tensorShapeAt(ref.output) + 8);
  const huge = Buffer.from(GOOD);
  huge.writeInt32LE(0x7fffffff, ref.tensorShapeAt(ref.output) + 4);
  return [
    ...[3, 40, 1000, 20000].map((n) => [`truncated to ${n} bytes`, GOOD.subarray(0, n)] as [string, Buffer]),
    ["not a model", Buffer.from("not a model at all, just text")],
    ["an unsupported operator", unsupported],
    ["an output of the wrong shape", shape],
    ["a dimension of 2^31-1", huge],
    ["the good model", Buffer.from(GOOD)],
  ];
}

describe("native sets per platform (manifest.json)", () => {
  const sets = ["lin", "esp32"];

  test.each(sets)("the %s set compiles and links on the host against the XS (and TFLM) test doubles", (platform) => {
    const set = nativeSet(platform);
    expect(set.map((f) => f.slice(REPO_ROOT.length + 1))).toContain("native/decoder/xs_decoder.c");
    expect(set.map((f) => f.slice(REPO_ROOT.length + 1))).toContain("native/decoder/model.c");
    const { exe, log } = link(platform);
    expect(log).not.toMatch(/undefined reference/);
    expect(exe).toBeDefined();
    expect(run(exe!, [MODEL]).stdout).toBe("ok latent=8\n");
  });

  test("a set without the shared source does not link: the test catches a missing definition", () => {
    const without = nativeSet("esp32").filter((f) => !f.endsWith("model.c"));
    const { exe, log } = link("esp32", without);
    expect(exe).toBeUndefined();
    expect(log).toMatch(/undefined reference to `md_logits_to_frame'/);
    expect(log).toMatch(/undefined reference to `md_graph_check'/);
  });

  test("both backends refuse truncated and corrupt models with the same one-line verdict", () => {
    const lin = link("lin").exe!;
    const esp32 = link("esp32").exe!;
    const dir = tempDir();
    const cases = truncatedAndCorrupt();
    const files = cases.map(([, bytes], i) => {
      const f = join(dir, `${i}.tflite`);
      writeFileSync(f, bytes);
      return f;
    });
    const a = run(lin, files).stdout.trim().split("\n");
    const b = run(esp32, files).stdout.trim().split("\n");
    expect(a).toHaveLength(cases.length);
    expect(b).toEqual(a);
    const verdicts = Object.fromEntries(cases.map(([name], i) => [name, a[i]]));
    expect(verdicts["truncated to 3 bytes"]).toBe("Error: decoder: not a TFLite model (no TFL3 identifier)");
    for (const n of [40, 1000, 20000]) expect(verdicts[`truncated to ${n} bytes`]).toMatch(/^Error: decoder: .*malformed FlatBuffer at byte \d+ of \d+/);
    expect(verdicts["an unsupported operator"]).toMatch(/^Error: decoder: operator \d+: unsupported operator \(builtin code 14\)$/);
    expect(verdicts["an output of the wrong shape"]).toMatch(/output tensor \d+ is 1x8x64x64 \(32768 values\), expected 64x128 int8 logits \(8192\) or their 8x8 tiles/);
    expect(verdicts["a dimension of 2^31-1"]).toMatch(/tensor \d+: more than 1048576 elements/);
    expect(verdicts["the good model"]).toBe("ok latent=8");
    // The pack's latent size is part of the check: the same verdict from both.
    const l16 = run(lin, ["--latent", "16", MODEL]).stdout;
    expect(l16).toMatch(/^Error: decoder: input tensor \d+ takes 8 values but the pack's latents have 16\n$/);
    expect(run(esp32, ["--latent", "16", MODEL]).stdout).toBe(l16);
    // The Node addon (simulator, pack, preview) and decoder-cli give the same verdict text.
    const addon = checkModel(new Uint8Array(GOOD.subarray(0, 1000)));
    expect(`Error: decoder: ${addon}`).toBe(verdicts["truncated to 1000 bytes"]);
    const cli = spawnSync(buildDecoderCli(), [files[2]], { input: Buffer.alloc(8), encoding: "utf8" });
    expect(cli.stderr.trim()).toBe(`${files[2]}: ${addon}`);
  });

  test("the TFLM backend says which of its own steps failed: verifier, registration, arena, prepare", () => {
    const esp32 = link("esp32").exe!;
    const said = (flags: string[]) => run(esp32, [...flags, MODEL]).stdout.trim();
    const verifier = said(["--stub-verifier-fails"]);
    const add = said(["--stub-add-fails", "3"]);
    const arena = said(["--stub-arena", "45000"]);
    const prepare = said(["--stub-prepare-fails"]);
    expect(verifier).toBe(`Error: decoder: the FlatBuffer verifier refused the model's ${GOOD.length} bytes`);
    expect(add).toBe("Error: decoder: TFLM could not register its CONV_2D kernel");
    expect(arena).toBe("Error: decoder: TFLM's 40960-byte arena is too small for the model: Failed to resize buffer. Requested: 45000, available 40960, missing: 4040 Failed starting model allocation.");
    expect(prepare).toBe("Error: decoder: TFLM could not prepare the model: Node CONV_2D (number 2f) failed to prepare with status 1");
  });

  test("the lin set decodes through the XS host module exactly what decoder-cli decodes", () => {
    const lin = link("lin").exe!;
    const dir = tempDir();
    const r = new Random(5);
    const latents = Int8Array.from({ length: 8 * 20 }, () => r.range(-128, 127));
    writeFileSync(join(dir, "latents.bin"), latents);
    expect(run(lin, ["--decode", join(dir, "latents.bin"), join(dir, "frames.bin"), MODEL]).stdout).toBe("ok latent=8\n");
    const cli = spawnSync(buildDecoderCli(), [MODEL, "--frames"], { input: latents, maxBuffer: 1 << 26 });
    expect(readFileSync(join(dir, "frames.bin")).equals(cli.stdout)).toBe(true);
  });


  test("the shared check's latent bound is the pack format's", () => {
    const header = readFileSync(join(REPO_ROOT, "native", "decoder", "model.h"), "utf8");
    expect(Number(/#define MD_MAX_LATENT (\d+)/.exec(header)![1])).toBe(MAX_LATENT);
  });
});

describe("fuzzing the decoder's loader", () => {
  test("100,000 mutated models (random and structure-aware) through the C loader under ASan and UBSan: no report, no crash", () => {
    const dir = tempDir();
    const exe = join(dir, "fuzz");
    const build = run("cc", ["-std=c99", "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-Wall", "-Wextra", "-Werror", "-o", exe, join(HERE, "fuzz.c"), join(REPO_ROOT, "native", "decoder", "decoder.c"), join(REPO_ROOT, "native", "decoder", "model.c"), "-lm"]);
    if (!build.ok) throw new Error(build.out);
    const spots = join(dir, "spots.txt");
    writeFileSync(spots, modelSpots(new Uint8Array(GOOD)));
    // Counted: iterations (mutated models offered to md_model_init), accepted, refused (each with a
    // one-line verdict), decoded (accepted models run through md_decode_logits + md_to_frame: every
    // structurally mutated one, 1 in 16 of the others).
    const r = spawnSync(exe, [MODEL, spots, "100000", "20261129"], { encoding: "utf8", env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0:abort_on_error=0", UBSAN_OPTIONS: "print_stacktrace=1" } });
    process.stdout.write(`fuzz: ${r.stdout}`);
    expect(r.stderr).toBe("");
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const m = /iterations=(\d+) accepted=(\d+) refused=(\d+) decoded=(\d+) spots=(\d+)/.exec(r.stdout)!;
    expect(Number(m[1])).toBe(100000);
    expect(Number(m[2]) + Number(m[3])).toBe(100000);
    expect(Number(m[4])).toBeGreaterThan(500);
    expect(Number(m[5])).toBeGreaterThan(200);
  });

  test("CRC-valid packs of mutated models through the simulator's load path: refused or morphing, never a crash", () => {
    const dir = tempDir();
    const exe = join(dir, "fuzz");
    const build = run("cc", ["-std=c99", "-O1", "-o", exe, join(HERE, "fuzz.c"), join(REPO_ROOT, "native", "decoder", "decoder.c"), join(REPO_ROOT, "native", "decoder", "model.c"), "-lm"]);
    if (!build.ok) throw new Error(build.out);
    const spots = join(dir, "spots.txt");
    writeFileSync(spots, modelSpots(new Uint8Array(GOOD)));
    const models = join(dir, "models");
    mkdirSync(models);
    expect(run(exe, [MODEL, spots, "2100", "7", models, "300"]).ok).toBe(true);
    const shipped = new Uint8Array(readFileSync(join(REPO_ROOT, "frames", "frames.bin")));
    const opened = openPack(shipped.buffer, "frames.bin");
    if (!opened.ok) throw new Error(opened.error);
    const faces = new PackFaces(opened.pack);
    const keys = JSON.parse(readFileSync(LATENTS, "utf8")).keyframes as number[][];
    const entries = Array.from({ length: faces.count }, (_, i) => {
      const frame = new Uint8Array(1024);
      faces.copyFrame(i, frame);
      return { emotion: faces.emotion(i), band: faces.band(i), frame };
    });
    const latents = latentsSection(8, entries.map((e) => keys[e.emotion * 3 + e.band]));
    let morphing = 0;
    let refused = 0;
    const files = readdirSync(models).sort();
    for (const f of files) {
      const pack = join(dir, "frames.bin");
      writeFileSync(pack, writePack({ entries, model: new Uint8Array(readFileSync(join(models, f))), latents }));
      const traces: string[] = [];
      const robot = new Robot(createSimHost({ framesFile: pack, config: {}, now: () => 0, trace: (t) => traces.push(t) }));
      robot.frame(0);
      robot.engine.stimulate(robot.engine.stimulusIndex("gift"), 1 << 24);
      for (let t = 33; t < 800; t += 33) robot.frame(t);
      if (robot.decoder) morphing++;
      else {
        refused++;
        expect(traces.join("")).toMatch(/decoder model rejected: [^\n]+; transitions crossfade\n/);
      }
    }
    process.stdout.write(`simulator load path: ${files.length} packs, ${morphing} morphing, ${refused} refused\n`);
    expect(files.length).toBe(300);
    expect(morphing).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

describe("the check's verdict from the command line", () => {
  test("pack --decoder with latents of the wrong size, decoder info and preview of a bad model: one line naming the tensor", () => {
    const dir = tempDir();
    const dec = join(dir, "dec");
    mkdirSync(dec);
    writeFileSync(join(dec, "decoder.tflite"), GOOD);
    const doc = JSON.parse(readFileSync(LATENTS, "utf8"));
    doc.dims = 16;
    doc.keyframes = (doc.keyframes as number[][]).map((k) => [...k, ...k]);
    writeFileSync(join(dec, "latents.json"), JSON.stringify(doc));
    const packed = moodface(["pack", "frames/defaults", "-o", join(dir, "x.bin"), "--decoder", dec]);
    expect(packed.status).not.toBe(0);
    expect(packed.stderr).toBe(`moodface: ${join(dec, "decoder.tflite")}: input tensor 0 takes 8 values but the pack's latents have 16\n`);
    expect(existsSync(join(dir, "x.bin"))).toBe(false);

    const bad = join(dir, "bad.tflite");
    writeFileSync(bad, GOOD.subarray(0, 20000));
    const verdict = checkModel(new Uint8Array(GOOD.subarray(0, 20000)))!;
    const info = moodface(["decoder", "info", bad]);
    expect(info.status).not.toBe(0);
    expect(info.stderr).toBe(`moodface: ${bad}: ${verdict}\n`);

    const shipped = new Uint8Array(readFileSync(join(REPO_ROOT, "frames", "frames.bin")));
    const opened = openPack(shipped.buffer, "frames.bin");
    if (!opened.ok) throw new Error(opened.error);
    const faces = new PackFaces(opened.pack);
    const entries = Array.from({ length: faces.count }, (_, i) => {
      const frame = new Uint8Array(1024);
      faces.copyFrame(i, frame);
      return { emotion: faces.emotion(i), band: faces.band(i), frame };
    });
    const keys = JSON.parse(readFileSync(LATENTS, "utf8")).keyframes as number[][];
    const pack = join(dir, "bad.bin");
    writeFileSync(pack, writePack({ entries, model: new Uint8Array(GOOD.subarray(0, 20000)), latents: latentsSection(8, entries.map((e) => keys[e.emotion * 3 + e.band])) }));
    const preview = moodface(["preview", pack, "-o", join(dir, "preview")]);
    expect(preview.status).not.toBe(0);
    expect(preview.stderr).toBe(`moodface: ${pack}: section MODL: ${verdict}\n`);
  });
});
