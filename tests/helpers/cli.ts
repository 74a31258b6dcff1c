/* Runs the real `moodface` command (bin/moodface.js) as a user would. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../tools/lib/data.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  input?: string;
  /** Extra flags for node itself, e.g. --max-old-space-size=64 to prove bounded memory. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /**
   * Let file permissions apply even when the tests run as root (CI does): root keeps its uid, so it
   * still reads the checkout wherever it lies, but loses the capabilities that override permission
   * bits (util-linux setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH).
   */
  permissionsApply?: boolean;
}

export function moodface(args: string[], options: CliOptions = {}): CliResult {
  const node = [...(options.nodeArgs ?? []), join(REPO_ROOT, "bin", "moodface.js"), ...args];
  const asRoot = options.permissionsApply && process.getuid?.() === 0;
  const [command, argv] = asRoot ? ["setpriv", ["--bounding-set=-dac_override,-dac_read_search", process.execPath, ...node]] : [process.execPath, node];
  const r = spawnSync(command, argv, {
    encoding: "utf8",
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input,
    maxBuffer: 1 << 28,
    env: { ...process.env, ...options.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = "moodface-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Like moodface(), without blocking this process's event loop (for servers running in-process). */
export function moodfaceAsync(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(REPO_ROOT, "bin", "moodface.js"), ...args], { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** A long-running command (moodface sim): resolves once stdout matches `ready`, or it exits. */
export function moodfaceRunning(args: string[], ready: RegExp, options: CliOptions = {}): Promise<{ child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null>; match?: RegExpMatchArray }> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(REPO_ROOT, "bin", "moodface.js"), ...args], { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env } });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return new Promise((resolve) => {
    const result = { child, stdout: () => stdout, stderr: () => stderr, exited };
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = stdout.match(ready);
      if (m) resolve({ ...result, match: m });
    });
    child.stderr.on("data", (d) => (stderr += d));
    void exited.then(() => resolve(result));
  });
}

/** Stops a running command and waits for it to end. */
export async function stop(run: { child: ChildProcess; exited: Promise<number | null> }): Promise<number | null> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGTERM");
  return run.exited;
}

export interface TerminalRun {
  /** Everything the command wrote to its terminal (stdout and stderr together, with the echo). */
  output(): string;
  /** Resolves once the output matches `pattern` (or the command has ended). */
  waitFor(pattern: RegExp): Promise<void>;
  /** Types one line at the terminal. */
  type(line: string): void;
  exited: Promise<number | null>;
}

/**
 * `moodface` on a pseudo-terminal (util-linux `script`), for commands that ask a person at a terminal
 * (moodface stim asks for the passkey): stdin is a terminal, as when a person runs it.
 */
export function moodfaceOnTerminal(args: string[]): TerminalRun {
  const shell = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, join(REPO_ROOT, "bin", "moodface.js"), ...args].map(shell).join(" ");
  const child = spawn("script", ["--quiet", "--return", "--command", command, "/dev/null"], { cwd: REPO_ROOT, env: { ...process.env } });
  let output = "";
  let waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = () => (waiters = waiters.filter((w) => (w.pattern.test(output) ? (w.resolve(), false) : true)));
  child.stdout.on("data", (d) => {
    output += d;
    check();
  });
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  void exited.then(() => waiters.splice(0).forEach((w) => w.resolve()));
  return {
    output: () => output,
    waitFor: (pattern) => new Promise<void>((resolve) => {
      waiters.push({ pattern, resolve });
      check();
      if (child.exitCode !== null) resolve();
    }),
    type: (line) => child.stdin.write(`${line}\n`),
    exited,
  };
}
