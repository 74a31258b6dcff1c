/*
 * The firmware's module graph as Moddable resolves it, per platform: starting at main, every import
 * of every module must name a module that the manifest's module map (or an SDK manifest it includes)
 * provides. Moddable resolves a relative import against the importer's module SPECIFIER, not its
 * file: a module mapped to "embedded:provider/builtin" that imports "./i2c.js" asks for
 * "embedded:provider/i2c". An unresolved import builds fine and aborts the app at start.
 */
import { readFileSync } from "node:fs";
import { posix } from "node:path";
import { moduleMap, platformIncludes, PLATFORMS, type Platform } from "../../tools/lib/manifest.js";

/** SDK modules the firmware imports, and the manifest include that brings each (checked below). */
const SDK_MODULES: Record<string, { include: string; platforms: readonly Platform[] }> = {
  Resource: { include: "$(MODDABLE)/examples/manifest_base.json", platforms: PLATFORMS },
  timer: { include: "$(MODDABLE)/examples/manifest_base.json", platforms: PLATFORMS },
  time: { include: "$(MODDABLE)/examples/manifest_base.json", platforms: PLATFORMS },
  "mc/config": { include: "mcconfig", platforms: PLATFORMS },
  preference: { include: "$(MODDABLE)/modules/files/preference/manifest.json", platforms: PLATFORMS },
  "embedded:provider/builtin": { include: "$(MODDABLE)/modules/io/manifest.json", platforms: ["esp32"] },
  "embedded:io/bluetoothle/peripheral": { include: "$(MODDABLE)/modules/io/ble/server/manifest.json", platforms: ["esp32"] },
};

/** Runtime imports of a TypeScript/JavaScript source (type-only imports are erased by tsc). */
export function runtimeImports(source: string): string[] {
  const specs: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) if (!m[2]) specs.push(m[3]);
  return specs;
}

/** Moddable's resolution: relative to the importer's specifier, ".js"/".ts" dropped. */
export function resolveSpecifier(importer: string, spec: string): string {
  const bare = spec.replace(/\.(js|ts)$/, "");
  if (!bare.startsWith("./") && !bare.startsWith("../")) return bare;
  return posix.normalize(posix.join(posix.dirname(importer), bare));
}

function unresolved(platform: Platform): string[] {
  const map = moduleMap(platform);
  const includes = platformIncludes(platform);
  const sdk = (s: string): boolean => {
    const e = SDK_MODULES[s];
    return !!e && e.platforms.includes(platform) && (e.include === "mcconfig" || includes.includes(e.include));
  };
  const missing: string[] = [];
  const seen = new Set<string>();
  const visit = (specifier: string): void => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    const file = map.get(specifier);
    if (!file || !/\.(ts|js)$/.test(file)) return;
    for (const spec of runtimeImports(readFileSync(file, "utf8"))) {
      const target = resolveSpecifier(specifier, spec);
      if (map.has(target)) visit(target);
      else if (!sdk(target)) missing.push(`${specifier} imports "${spec}" = "${target}": not in the ${platform} module map`);
    }
  };
  visit("main");
  // Modules the manifest maps but main does not reach (providers, preloads) are checked too.
  for (const s of map.keys()) visit(s);
  return missing;
}

describe("firmware module graph", () => {
  test("relative imports resolve against the importer's specifier, as in Moddable", () => {
    expect(resolveSpecifier("embedded:provider/builtin", "./i2c.js")).toBe("embedded:provider/i2c");
    expect(resolveSpecifier("app/robot", "../emotion/engine.js")).toBe("emotion/engine");
    expect(resolveSpecifier("virtual/builtin", "virtual/provider")).toBe("virtual/provider");
    expect(runtimeImports(`import type { A } from "./a.js";\nimport { b, type C } from "./b.js";\nexport { default } from "x/y";\nimport "./side.js";`)).toEqual(["./b.js", "x/y", "./side.js"]);
  });

  test.each(PLATFORMS)("every import on %s names a module the manifest provides", (platform) => {
    expect(unresolved(platform)).toEqual([]);
  });

  test("the check catches the lin abort of a provider with relative imports", () => {
    // The old lin provider: mapped to embedded:provider/builtin, importing its neighbours relatively.
    const map = new Map([["embedded:provider/builtin", "x"], ["virtual/i2c", "y"]]);
    const target = resolveSpecifier("embedded:provider/builtin", "./i2c.js");
    expect(map.has(target)).toBe(false);
  });
});
