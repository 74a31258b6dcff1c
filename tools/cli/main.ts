/*
 * `moodface`: the one command for people (package.json bin). Each verb lives in its own module under
 * tools/; this file only declares the command tree and turns every failure into one clear line and
 * exit code 1 (MOODFACE_DEBUG=1 adds the stack of an unexpected error).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { DataError } from "../../modules/emotion/check.js";
import { packageVersion, REPO_ROOT, UsageError } from "../lib/data.js";
import { reason } from "../lib/files.js";
import { oneLine } from "../lib/text.js";
import { addEngineCommands } from "./engine.js";
import { addFaceCommands } from "./faces.js";
import { addSimCommands } from "./sim.js";
import { addI2cCommands } from "./i2c.js";
import { addDecoderCommands } from "./decoder.js";

export function version(): string {
  return packageVersion();
}

export function buildProgram(): Command {
  // Set before the verbs are added: commander copies these settings into every subcommand.
  const program = new Command("moodface")
    .description("Firmware tools for a robot face with feelings (SSD1306 128x64, ESP32-S3, Moddable XS)")
    .version(version(), "-V, --version", "print the version")
    .exitOverride()
    .configureOutput({
      // Commander's own errors (unknown option, missing argument...) become the same one line as ours.
      outputError: () => {},
    });
  addEngineCommands(program);
  addFaceCommands(program);
  addSimCommands(program);
  addI2cCommands(program);
  addDecoderCommands(program);
  return program;
}

/** The command that was being parsed, for "see moodface engine simulate --help". */
function commandPath(argv: string[], program: Command): string {
  const words = ["moodface"];
  let cmd: Command | undefined = program;
  for (const a of argv) {
    const sub: Command | undefined = cmd?.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    words.push(a);
    cmd = sub;
  }
  return words.join(" ");
}

export function errorLine(e: unknown): string {
  if (e instanceof UsageError || e instanceof DataError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === "object" && err.code && err.path) return `${err.path}: ${reason(err)}`;
  if (e instanceof RangeError && /call stack/.test(e.message)) return "input nested too deeply to read";
  return `unexpected error: ${e instanceof Error ? e.message : String(e)} (MOODFACE_DEBUG=1 shows where)`;
}

export async function main(argv: string[]): Promise<number> {
  // Output piped into `head` that stops reading is not a failure.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0; // --help, --version
      const message = e.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
      process.stderr.write(`moodface: ${oneLine(message)} (see ${commandPath(argv, program)} --help)\n`);
      return 1;
    }
    if (process.env.MOODFACE_DEBUG === "1" && !(e instanceof UsageError) && !(e instanceof DataError)) console.error(e);
    process.stderr.write(`moodface: ${oneLine(errorLine(e))}\n`);
    return 1;
  }
}
