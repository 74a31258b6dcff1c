/*
 * jest's globalSetup: builds the page (tools/app into build/app) once, before any suite, when it is
 * missing or older than its sources, so that suites running side by side never rebuild it under
 * each other's feet (the simulator would build it on its first request otherwise).
 */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export default function buildPage() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  execFileSync(process.execPath, ["--import", "tsx", "-e", "const m = await import('./tools/app/serve.ts'); if (m.appStale()) await m.buildApp();"], { cwd: root, stdio: "inherit" });
}
