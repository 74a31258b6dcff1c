/* Runs the real `moodface` command (bin/moodface.js) as a user would. */
import { spawnSync } from "node:child_process";
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
