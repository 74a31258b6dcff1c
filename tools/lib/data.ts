/*
 * Host-side loading of the engine's data files: reads JSON from disk and hands it to the same
 * validators the firmware uses, so a file that loads here loads on the device.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadProfile, type Profile } from "../../modules/emotion/profile.js";
import { loadCatalog, type Catalog } from "../../modules/emotion/catalog.js";
import { loadWheel, type Wheel } from "../../modules/emotion/wheel.js";
import { EmotionEngine } from "../../modules/emotion/engine.js";
import type { Json } from "../../modules/emotion/check.js";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DATA_DIR = join(REPO_ROOT, "modules", "emotion", "data");
export const PROFILES_DIR = join(DATA_DIR, "profiles");

/** A user-facing failure: the CLI prints the message (no stack) and exits non-zero. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Reads and parses a JSON file; syntax errors name the file and position. */
export function readJson(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

export function shippedProfileNames(): string[] {
  return readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => basename(f, ".json"))
    .sort();
}

/** A shipped profile's name (default, anxious, ...) or a path to a profile file. */
export function resolveProfilePath(nameOrPath: string): string {
  if (/^[a-z0-9_-]+$/.test(nameOrPath)) {
    const p = join(PROFILES_DIR, `${nameOrPath}.json`);
    if (existsSync(p)) return p;
    if (!existsSync(nameOrPath)) {
      throw new UsageError(`unknown profile "${nameOrPath}": shipped profiles are ${shippedProfileNames().join(", ")}, or give a file path`);
    }
  }
  return nameOrPath;
}

export function readProfile(nameOrPath: string): Profile {
  const path = resolveProfilePath(nameOrPath);
  return loadProfile(readJson(path), path);
}

export function readCatalog(path = join(DATA_DIR, "stimuli.json")): Catalog {
  return loadCatalog(readJson(path), path);
}

export function readWheel(catalog: Catalog, path = join(DATA_DIR, "wheel.json")): Wheel {
  return loadWheel(readJson(path), path, catalog.tags);
}

/** An engine on the shipped catalog and wheel with the given profile. */
export function createEngine(profile: string | Profile = "default"): EmotionEngine {
  const p = typeof profile === "string" ? readProfile(profile) : profile;
  const catalog = readCatalog();
  return new EmotionEngine(p, catalog, readWheel(catalog));
}

/** The project's version (package.json): the firmware's, shown by `moodface --version` and the page. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
}
