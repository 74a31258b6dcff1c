/*
 * The project's Python: the interpreter of the virtual environment .venv/ that `npm ci` makes
 * (tools/decoder/setup-python.js). Everything that runs Python (the trainer, the fine-tuner, the TFLM
 * oracle in the tests) runs this one, never the system's.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import cliProgress from "cli-progress";
import { join } from "node:path";
import { REPO_ROOT, UsageError } from "./data.js";
import { reason } from "./files.js";

export const VENV = join(REPO_ROOT, ".venv");
export const VENV_PYTHON = join(VENV, "bin", "python");

/** The venv's python, or a UsageError that says how to make it. */
export function python(): string {
  if (existsSync(VENV_PYTHON)) return VENV_PYTHON;
  const skipped = process.env.MOODFACE_SKIP_PYTHON === "1" ? " (npm ci skipped it: MOODFACE_SKIP_PYTHON=1)" : "";
  throw new UsageError(`the decoder's Python environment ${VENV} is missing${skipped}: run \`node tools/decoder/setup-python.js\``);
}

/** A progress bar on stderr: redrawn in place on a terminal, a plain line every 5 s elsewhere. */
export function bar(format: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000, etaBuffer: 50, fps: 5 }, cliProgress.Presets.shades_classic);
}

/** TensorFlow's and Python's chatter off: only our progress lines and real errors remain. */
export const QUIET_ENV = { TF_CPP_MIN_LOG_LEVEL: "3", TF_ENABLE_ONEDNN_OPTS: "0", PYTHONWARNINGS: "ignore", GRPC_VERBOSITY: "ERROR", GLOG_minloglevel: "3", ABSL_MIN_LOG_LEVEL: "3", PYTHONUNBUFFERED: "1" };

/**
 * Runs one of the decoder's Python tools (tools/decoder/*.py) with .venv's python. It prints
 * `progress <done> <total> <epoch>` lines that drive a bar in `format` (fields value, total,
 * percentage, epoch, plus `fields`); its other stdout lines are returned; its stderr is kept and
 * its last line shown only if it fails (`what` names the job: "training failed: ...").
 * With `gate`, the tool is started now and reads one line on stdin before its work (finetune.py's
 * --wait: Python and TensorFlow start meanwhile); the gate's true sends "go", false ends it (the
 * promise then resolves with no lines).
 */
export function runPythonTool(script: string, args: string[], format: string, what: string, fields: Record<string, unknown> = {}, gate?: Promise<boolean>): Promise<string[]> {
  const py = python();
  return new Promise((resolve, reject) => {
    const child = spawn(py, [join(REPO_ROOT, "tools", "decoder", script), ...args], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...QUIET_ENV } });
    let stopped = false;
    child.stdin.on("error", () => undefined); // it may have exited first: its exit code tells why
    if (!gate) child.stdin.end();
    else {
      void gate.then((go) => {
        if (go) child.stdin.end("go\n");
        else {
          stopped = true;
          child.kill("SIGTERM");
        }
      });
    }
    const b = bar(format);
    let started = false;
    const said: string[] = [];
    let err = "";
    let pending = "";
    child.stdout.on("data", (d) => {
      pending += d;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        const m = /^progress (\d+) (\d+) (\d+)$/.exec(line.trim());
        if (m) {
          const [done, total, epoch] = [Number(m[1]), Number(m[2]), Number(m[3])];
          if (!started) {
            b.start(total, 0, { ...fields, epoch: 1 });
            started = true;
          }
          b.update(done, { ...fields, epoch });
        } else if (line.trim()) said.push(line.trim());
      }
    });
    child.stderr.on("data", (d) => {
      err += d;
      if (err.length > 1 << 20) err = err.slice(-(1 << 19));
    });
    child.on("error", (e) => reject(new UsageError(`${py}: cannot run: ${reason(e)}`)));
    child.on("close", (code) => {
      if (started) b.stop();
      if (code === 0 || stopped) return resolve(stopped ? [] : said);
      const missing = /No module named '(tensorflow|numpy|ot|scipy)'/.exec(err);
      if (missing) return reject(new UsageError(`${missing[1] === "ot" ? "POT" : missing[1] === "scipy" ? "SciPy" : "TensorFlow"} is missing from .venv: run \`node tools/decoder/setup-python.js\``));
      const last = err.trim().split("\n").filter((l) => l.trim()).pop() ?? `exit code ${code}`;
      reject(new UsageError(`${what} failed: ${last}`));
    });
  });
}
