/* `moodface engine ...`: run and inspect the emotion engine on this machine. */
import { Command, InvalidArgumentError } from "commander";
import writeFileAtomic from "write-file-atomic";
import { createEngine, readCatalog, readProfile, resolveProfilePath, shippedProfileNames, UsageError } from "../lib/data.js";
import { readEvents } from "../engine/events.js";
import { simulate, type TrajectoryRecord } from "../engine/simulate.js";

function positiveNumber(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!(n > 0) || !isFinite(n)) throw new InvalidArgumentError(`${name} must be a number above 0`);
    return n;
  };
}

function wholeMs(v: string) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be whole milliseconds, at least 1");
  return n;
}

export function addEngineCommands(program: Command): void {
  const engine = program.command("engine").description("run and inspect the emotion engine");

  engine
    .command("simulate")
    .description("run the engine over stimulus events and print a JSON Lines trajectory")
    .option("-p, --profile <name|file>", `a shipped profile (${shippedProfileNames().join(", ")}) or a profile file`, "default")
    .option("-e, --events <file.jsonl>", 'stimulus events, one {"t": ms, "stimulus": name, "intensity": 0..1} per line')
    .requiredOption("-d, --duration <seconds>", "simulated time", positiveNumber("duration"))
    .option("--dt <ms>", "time between samples", wholeMs, 100)
    .option("--reference", "add the float64 reference levels to every sample", false)
    .option("-o, --output <file>", "write to a file (atomically) instead of stdout")
    .option("--format <format>", "jsonl (docs/formats/trajectory.md) or table (for people)", "jsonl")
    .action(async (o: { profile: string; events?: string; duration: number; dt: number; reference: boolean; output?: string; format: string }) => {
      if (o.format !== "jsonl" && o.format !== "table") throw new UsageError(`--format must be jsonl or table, not "${o.format}"`);
      const source = resolveProfilePath(o.profile);
      const eng = createEngine(readProfile(o.profile));
      const events = o.events ? readEvents(o.events, eng.catalog) : [];
      const durationMs = Math.round(o.duration * 1000);
      const late = events.filter((e) => e.t > durationMs).length;
      if (late > 0) process.stderr.write(`moodface: ${late} event(s) after ${o.duration} s are not simulated\n`);
      const records = simulate(eng, events, { durationMs, dtMs: o.dt, reference: o.reference, profileSource: source });
      const lines = o.format === "table" ? tableLines(records) : jsonLines(records);
      if (o.output) {
        let text = "";
        for (const line of lines) text += line;
        await writeFileAtomic(o.output, text);
      } else {
        await writeLines(lines);
      }
    });

  engine
    .command("profiles")
    .description("list the shipped personality profiles")
    .action(() => {
      for (const name of shippedProfileNames()) {
        const p = readProfile(name);
        process.stdout.write(`${name.padEnd(10)} ${p.description}\n`);
      }
    });

  engine
    .command("stimuli")
    .description("list the stimulus catalog: name, doses and context tags")
    .action(() => {
      const c = readCatalog();
      c.names.forEach((n, i) => {
        const tags = Array.from(c.tagIndex.subarray(c.tagStart[i], c.tagStart[i + 1]), (t) => c.tags[t]);
        process.stdout.write(`${n.padEnd(14)} ${c.descriptions[i].padEnd(44)} [${tags.join(", ")}]\n`);
      });
    });

  engine
    .command("check")
    .description("validate a profile file and print its resting levels")
    .argument("<file>", "profile JSON")
    .action((file: string) => {
      const p = readProfile(file);
      process.stdout.write(`${file}: profile "${p.name}" is valid\n`);
      for (const c of p.channels) {
        process.stdout.write(`  ${c.name.padEnd(14)} r=${c.r} K=${c.K} s=${c.s} M=${c.M} rests at ${c.rest.toFixed(2)}\n`);
      }
    });
}

function* jsonLines(records: Iterable<TrajectoryRecord>): Generator<string> {
  for (const rec of records) yield JSON.stringify(rec) + "\n";
}

/** A trajectory for people: one row per sample, levels as bars of their capacity. */
function* tableLines(records: Iterable<TrajectoryRecord>): Generator<string> {
  const bar = (x: number) => "#".repeat(Math.round(x * 8)).padEnd(8, ".");
  let capacities: number[] = [];
  for (const rec of records) {
    if (rec.type === "profile") {
      const channels = rec.channels as { name: string; K: number }[];
      capacities = channels.map((c) => c.K);
      const chans = channels.map((c) => c.name.slice(0, 8).padEnd(9)).join("");
      yield `profile ${rec.name}\n${"t (s)".padStart(7)}  ${"emotion".padEnd(9)} int  ${"nuance".padEnd(12)} ${chans}\n`;
    } else if (rec.type === "stimulus") {
      yield `${((rec.t as number) / 1000).toFixed(1).padStart(7)}  <- ${rec.stimulus} (${rec.intensity})\n`;
    } else {
      const levels = rec.levels as Record<string, number>;
      const cells = Object.values(levels).map((v, i) => bar(v / capacities[i]) + " ").join("");
      yield `${((rec.t as number) / 1000).toFixed(1).padStart(7)}  ${String(rec.dominant).padEnd(9)} ${(rec.intensity as number).toFixed(2)} ${String(rec.nuance).padEnd(12)} ${cells}\n`;
    }
  }
}

/** Streams lines to stdout, respecting back-pressure. */
async function writeLines(lines: Iterable<string>): Promise<void> {
  const out = process.stdout;
  for (const line of lines) {
    if (!out.write(line)) {
      await new Promise<void>((resolve) => out.once("drain", resolve));
    }
  }
}

