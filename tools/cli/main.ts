/*
 * `moodface`: the one command for people (package.json bin). Each verb lives in its own module under
 * tools/; this file only declares the command tree and turns known errors into one clear line and a
 * non-zero exit.
 */
import { Command, CommanderError } from "commander";
import { DataError } from "../../modules/emotion/check.js";
import { UsageError } from "../lib/data.js";
import { addEngineCommands } from "./engine.js";
import { addFaceCommands } from "./faces.js";
import { addSimCommands } from "./sim.js";
import { addI2cCommands } from "./i2c.js";
import { addDecoderCommands } from "./decoder.js";

export function buildProgram(): Command {
  const program = new Command("moodface")
    .description("Firmware tools for a robot face with feelings (SSD1306 128x64, ESP32-S3, Moddable XS)")
    .showHelpAfterError()
    .exitOverride();
  addEngineCommands(program);
  addFaceCommands(program);
  addSimCommands(program);
  addI2cCommands(program);
  addDecoderCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError || e instanceof DataError) {
      process.stderr.write(`moodface: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
