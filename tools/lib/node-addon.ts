/*
 * Builds a Node-API addon from the firmware's own C with the machine's C compiler, when it is
 * missing or older than its sources: the host runs the same C the board links (the decoder's
 * reference backend, the driver's and the animator's frame work) and tests hold it to TypeScript.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export interface AddonBuild {
  /** The .node file to write. */
  output: string;
  /** NODE_GYP_MODULE_NAME, and the name the error names. */
  name: string;
  sources: readonly string[];
  /** Headers the sources include: a newer one rebuilds too. */
  headers: readonly string[];
  /** Warning flags beyond -Wall -Werror, and libraries (e.g. -lm). */
  flags: readonly string[];
}

export function buildNodeAddon(b: AddonBuild): string {
  const newest = Math.max(...[...b.sources, ...b.headers].map((f) => statSync(f).mtimeMs));
  if (existsSync(b.output) && statSync(b.output).mtimeMs >= newest) return b.output;
  mkdirSync(dirname(b.output), { recursive: true });
  // Node-API's headers from npm node-api-headers (Node-API is ABI-stable across Node versions), so
  // a Node installed without its headers (a bare binary, Debian's nodejs without libnode-dev) builds it.
  const include = join(dirname(createRequire(import.meta.url).resolve("node-api-headers/package.json")), "include");
  const tmp = `${b.output}.${process.pid}.tmp`;
  const r = spawnSync("cc", ["-O2", "-std=c99", "-shared", "-fPIC", "-Wall", "-Werror", `-DNODE_GYP_MODULE_NAME=${b.name}`, `-I${include}`, "-o", tmp, ...b.sources, ...b.flags], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`building the ${b.name} addon failed:\n${r.stderr}`);
  renameSync(tmp, b.output); // atomic: a concurrent test never loads a half-written addon
  return b.output;
}

/** Loads a built addon. */
export function loadNodeAddon<T>(path: string): T {
  return createRequire(import.meta.url)(path) as T;
}
