/*
 * Reads the Moddable app manifest (manifest.json) the way mcconfig merges it for one platform: the
 * top level, then `platforms[<platform>]` on top. The simulator takes its config from here (so
 * `npm start` runs what the board gets) and the module-graph test resolves the firmware's imports
 * against the module map.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { REPO_ROOT } from "./data.js";

export type Platform = "esp32" | "lin";
export const PLATFORMS: readonly Platform[] = ["esp32", "lin"];

type ModuleEntry = string | string[];
interface ManifestPart {
  config?: Record<string, unknown>;
  modules?: Record<string, ModuleEntry>;
  include?: string | string[];
}
interface Manifest extends ManifestPart {
  platforms: Record<string, ManifestPart>;
}

export function readManifest(path = join(REPO_ROOT, "manifest.json")): Manifest {
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

function parts(m: Manifest, platform: Platform): ManifestPart[] {
  return [m, m.platforms[platform] ?? {}];
}

/** mcconfig merges config objects key by key, the platform's over the top level's. */
export function platformConfig(platform: Platform, m = readManifest()): Record<string, unknown> {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const prev = out[k];
      out[k] = v && typeof v === "object" && !Array.isArray(v) && prev && typeof prev === "object" && !Array.isArray(prev)
        ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
    }
    return out;
  };
  return parts(m, platform).reduce((acc, p) => merge(acc, p.config ?? {}), {} as Record<string, unknown>);
}

/** Includes of the manifest for one platform ("$(MODDABLE)/..." paths). */
export function platformIncludes(platform: Platform, m = readManifest()): string[] {
  return parts(m, platform).flatMap((p) => (p.include === undefined ? [] : Array.isArray(p.include) ? p.include : [p.include]));
}

/**
 * The project's own modules for one platform: module specifier -> source file (absolute, with its
 * extension). "dir/*" keys take every .ts/.js/.c/.cc file of the folder or each listed file; the
 * "*" key names modules by their file name; any other key names one module.
 */
export function moduleMap(platform: Platform, m = readManifest()): Map<string, string> {
  const map = new Map<string, string>();
  const withExtension = (path: string): string[] => {
    const dir = dirname(path);
    const name = basename(path);
    return readdirSync(join(REPO_ROOT, dir))
      .filter((f) => (name === "*" ? /\.(ts|js|c|cc)$/.test(f) && !f.endsWith(".d.ts") : f.replace(/\.(ts|js|c|cc)$/, "") === name))
      .map((f) => join(REPO_ROOT, dir, f));
  };
  const all = parts(m, platform);
  // "~" lists files taken out of the platform's build (mcconfig's exclusion key).
  const excluded = new Set(all.flatMap((p) => [p.modules?.["~"] ?? []].flat()).map((path) => join(REPO_ROOT, path)));
  for (const p of all) {
    for (const [key, entry] of Object.entries(p.modules ?? {})) {
      if (key === "~") continue;
      for (const path of Array.isArray(entry) ? entry : [entry]) {
        if (path.startsWith("$(")) continue; // an SDK module: not ours
        for (const file of withExtension(path)) {
          if (excluded.has(file.replace(/\.(ts|js|c|cc)$/, ""))) continue;
          const stem = basename(file).replace(/\.(ts|js|c|cc)$/, "");
          const specifier = key === "*" ? stem : key.endsWith("/*") ? key.slice(0, -1) + stem : key;
          map.set(specifier, file);
        }
      }
    }
  }
  return map;
}
