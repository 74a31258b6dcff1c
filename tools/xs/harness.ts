/*
 * Runs compiled ES modules on the real XS engine (the `xsnap` command line built from npm
 * @agoric/xsnap's sources) and on Node.js, for the parity suite and the benchmarks.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { REPO_ROOT, DATA_DIR, readJson, shippedProfileNames, PROFILES_DIR } from "../lib/data.js";
// @ts-expect-error plain JavaScript module without declarations
import { XSNAP_BIN } from "./build-xsnap.js";

export const XSNAP: string = XSNAP_BIN;
export const PARITY_OUT = join(REPO_ROOT, "build", "parity");

/** tsc-compiles a TypeScript project (tsconfig path) to plain ES modules. */
export function compile(tsconfig: string): void {
  const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", tsconfig], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tsc -p ${tsconfig} failed:\n${r.stdout}${r.stderr}`);
}

/** Writes an ES module whose default export is `value` (XS has no file system to read JSON from). */
export function writeDataModule(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `export default ${JSON.stringify(value)};\n`);
}

/** The shipped engine data as one object, for the parity driver and the bench. */
export function shippedData(): Record<string, unknown> {
  const profiles: Record<string, unknown> = {};
  for (const n of shippedProfileNames()) profiles[n] = readJson(join(PROFILES_DIR, `${n}.json`));
  const pack = Array.from(readFileSync(join(REPO_ROOT, "frames", "frames.bin")));
  return { profiles, stimuli: readJson(join(DATA_DIR, "stimuli.json")), wheel: readJson(join(DATA_DIR, "wheel.json")), pack };
}

export interface RunResult {
  lines: string[];
  stderr: string;
}

const SENTINEL_HELP = "the module printed no completion line: an exception inside XS ends xsnap silently";

/** Runs an ES module on XS; fails unless it exits 0 and prints `sentinel` last. */
export function runXs(entry: string, sentinel: string): RunResult {
  if (!existsSync(XSNAP)) throw new Error(`${XSNAP} is missing: run npm ci (its postinstall builds xsnap)`);
  const r = spawnSync(XSNAP, ["-m", entry], { encoding: "utf8", maxBuffer: 1 << 28 });
  return checked("xsnap", r.status, r.stdout, r.stderr, sentinel);
}

/** Runs the same ES module on Node.js. */
export function runNode(entry: string, sentinel: string): RunResult {
  const r = spawnSync(process.execPath, [entry], { encoding: "utf8", maxBuffer: 1 << 28 });
  return checked("node", r.status, r.stdout, r.stderr, sentinel);
}

function checked(engine: string, status: number | null, stdout: string, stderr: string, sentinel: string): RunResult {
  const lines = stdout.split("\n").filter((l) => l !== "");
  if (status !== 0) throw new Error(`${engine} exited ${status}:\n${stderr}`);
  if (lines[lines.length - 1] !== sentinel) throw new Error(`${engine}: ${SENTINEL_HELP}\n${stdout.slice(-2000)}${stderr}`);
  return { lines, stderr };
}

/** Builds the parity driver: compiled modules plus the data module. Returns the entry path. */
export function buildParity(): string {
  compile(join(REPO_ROOT, "tests", "parity", "tsconfig.json"));
  writeDataModule(join(PARITY_OUT, "tests", "parity", "data.js"), shippedData());
  return join(PARITY_OUT, "tests", "parity", "driver.js");
}

/**
 * Bundles a TypeScript entry into one script for tools/xs/heap-probe.js (xsnap runs a script, so
 * the modules and their generated data must be one file); `module` replaces imports matching
 * `filter` with that source. Returns the bundle's path.
 */
export async function bundleForProbe(entry: string, outfile: string, filter: RegExp, module: string): Promise<string> {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    target: "es2022",
    outfile,
    logLevel: "error",
    plugins: [
      {
        name: "generated-module",
        setup(b) {
          b.onResolve({ filter }, () => ({ path: "generated", namespace: "probe" }));
          b.onLoad({ filter: /.*/, namespace: "probe" }, () => ({ contents: module, loader: "js" }));
        },
      },
    ],
  });
  return outfile;
}

/** Runs heap-probe.js on a bundle: calls `fn(count)` for each count and reads the XS heap after each. */
export function probeHeap<T>(bundle: string, fn: string, counts: readonly string[]): T {
  const probe = spawnSync(process.execPath, [join(REPO_ROOT, "tools", "xs", "heap-probe.js"), bundle, fn, ...counts], { encoding: "utf8" });
  if (probe.status !== 0) throw new Error(`heap probe failed: ${probe.stderr}`);
  return JSON.parse(probe.stdout) as T;
}
