/* Runs the real `moodface` command (bin/moodface.js) as a user would. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../tools/lib/data.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function moodface(args: string[], options: { cwd?: string; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "moodface.js"), ...args], {
    encoding: "utf8",
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input,
    maxBuffer: 1 << 28,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = "moodface-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Like moodface(), without blocking this process's event loop (for servers running in-process). */
export function moodfaceAsync(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin", "moodface.js"), ...args], { cwd: REPO_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
