/* `moodface engine ...`: run and inspect the emotion engine on this machine. */
import { Command, InvalidArgumentError } from "commander";
import { createEngine, readCatalog, readProfile, resolveProfilePath, shippedProfileNames, UsageError } from "../lib/data.js";
import { AtomicStream, checkOutputFile, writeFile } from "../lib/files.js";
import { basename } from "node:path";
import { dayChartPng, runDay } from "../engine/compare.js";
import { quote } from "../lib/text.js";
import { checkEvents, readEvents, streamEvents } from "../engine/events.js";
import { simulate, type TrajectoryRecord } from "../engine/simulate.js";
import { CHANNEL_COUNT, CHANNELS, EMOTIONS, PASSIONS, PASSION_COUNT } from "../../modules/emotion/names.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { raggedRow } from "../../modules/emotion/ragged.js";

/** The most samples (duration / dt) one `engine simulate` writes: a day at 10 ms, about 2.6 GB of JSON Lines. */
export const MAX_SAMPLES = 10_000_000;

function positiveNumber(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!(n > 0) || !isFinite(n)) throw new InvalidArgumentError(`${name} must be a number above 0, not ${quote(v)}`);
    return n;
  };
}

function wholeMs(v: string) {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`must be whole milliseconds, at least 1, not ${quote(v)}`);
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
      if (o.format !== "jsonl" && o.format !== "table") throw new UsageError(`--format must be jsonl or table, not ${quote(o.format)}`);
      if (o.output) checkOutputFile(o.output);
      const source = resolveProfilePath(o.profile);
      const eng = createEngine(readProfile(o.profile));
      const durationMs = Math.round(o.duration * 1000);
      if (!Number.isSafeInteger(durationMs)) throw new UsageError(`--duration ${o.duration}: too long`);
      // Bounded work: each sample is a line of output (about 300 bytes), so more than MAX_SAMPLES is
      // gigabytes and hours; refused at once, in one line, rather than running without end.
      const samples = Math.floor(durationMs / o.dt);
      if (samples > MAX_SAMPLES) throw new UsageError(`--duration ${o.duration} with --dt ${o.dt}: ${samples.toExponential(2)} samples, at most ${MAX_SAMPLES.toLocaleString("en")}: shorten --duration or raise --dt`);
      // The events file is checked whole first (line by line, nothing kept), then streamed again into
      // the engine: a bad line at the end never leaves half a trajectory behind.
      if (o.events) {
        const { late } = checkEvents(o.events, eng.catalog, durationMs);
        if (late > 0) process.stderr.write(`moodface: ${late} event(s) after ${o.duration} s are not simulated\n`);
      }
      const events = o.events ? streamEvents(o.events, eng.catalog) : [];
      const records = simulate(eng, events, { durationMs, dtMs: o.dt, reference: o.reference, profileSource: source });
      const lines = o.format === "table" ? tableLines(records, o.reference) : jsonLines(records);
      if (o.output) {
        const out = new AtomicStream(o.output);
        try {
          let n = 0;
          for (const line of lines) {
            out.write(line);
            // Let signals in now and then: Ctrl-C must stop a long run (and remove its temp file).
            if (++n % 5000 === 0) await new Promise((r) => setImmediate(r));
          }
        } catch (e) {
          out.abort();
          throw e;
        }
        out.commit();
      } else {
        await writeLines(lines);
      }
    });

  engine
    .command("compare")
    .description("run several profiles over the same events: each one's dominant-emotion time shares, and a PNG chart with -o")
    .requiredOption("-p, --profiles <names>", "comma-separated shipped profile names or files, e.g. guardian,inventor")
    .requiredOption("-e, --events <file.jsonl>", "stimulus events (docs/formats/events.md)")
    .requiredOption("-d, --duration <seconds>", "simulated time", positiveNumber("duration"))
    .option("--dt <ms>", "time between samples", wholeMs, 500)
    .option("-o, --output <file.png>", "write the chart (PNG, atomically)")
    .action(async (o: { profiles: string; events: string; duration: number; dt: number; output?: string }) => {
      if (o.output) checkOutputFile(o.output);
      const names = o.profiles.split(",").filter((n) => n !== "");
      if (names.length < 1) throw new UsageError("--profiles: name at least one profile");
      const durationMs = Math.round(o.duration * 1000);
      const days = names.map((n) => {
        const eng = createEngine(readProfile(n));
        return runDay(eng, readEvents(o.events, eng.catalog), durationMs, o.dt);
      });
      for (const d of days) {
        const shares = EMOTIONS.map((e, i) => `${e} ${(d.share[i] * 100).toFixed(1)}%`).join("  ");
        process.stdout.write(`${d.profile.padEnd(10)} ${shares}\n`);
      }
      if (o.output) await writeFile(o.output, await dayChartPng(days, `The same ${o.duration} s of events (${basename(o.events)}), ${names.length} profiles`));
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
    .description("list the stimulus catalog: name, doses (fraction of each capacity K added at intensity 1) and context tags")
    .action(() => {
      const c = readCatalog();
      const short: Record<string, string> = { dopamine: "DA", serotonin: "5HT", noradrenaline: "NA", adrenaline: "ADR", oxytocin: "OXT", endorphins: "END" };
      process.stdout.write(`${"stimulus".padEnd(14)} ${"doses (% of K)".padEnd(34)} ${"description".padEnd(44)} context tags\n`);
      c.names.forEach((n, i) => {
        const doses: string[] = [];
        for (let ch = 0; ch < CHANNEL_COUNT; ch++) {
          const q = c.doses[i * CHANNEL_COUNT + ch];
          if (q !== 0) doses.push(`${short[CHANNELS[ch]] ?? CHANNELS[ch]} ${q > 0 ? "+" : ""}${Math.round((q / ONE) * 100)}`);
        }
        const tags = Array.from(raggedRow(c.stimulusTags, i), (t) => c.tags[t]);
        const meaning: string[] = [];
        for (let p = 0; p < PASSION_COUNT; p++) {
          const v = c.stimulusPassion[i * PASSION_COUNT + p];
          if (v !== 0) meaning.push(`${v > 0 ? "+" : "-"}${PASSIONS[p]}`);
        }
        process.stdout.write(`${n.padEnd(14)} ${doses.join(" ").padEnd(34)} ${c.descriptions[i].padEnd(44)} ${tags.join(", ")}${meaning.length ? ` (${meaning.join(" ")})` : ""}\n`);
      });
      process.stdout.write(`DA dopamine, 5HT serotonin, NA noradrenaline, ADR adrenaline, OXT oxytocin, END endorphins; (+passion) serves it, (-passion) violates it\n`);
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
      const held = PASSIONS.map((n, i) => `${n} ${p.passions[i]}`).join(", ");
      process.stdout.write(`  passions       ${p.passions.every((w) => w === 0) ? "none held (every event lands as the catalog says)" : held}\n`);
    });
}

function* jsonLines(records: Iterable<TrajectoryRecord>): Generator<string> {
  for (const rec of records) yield JSON.stringify(rec) + "\n";
}

/**
 * A trajectory for people: one row per sample, levels as bars of their capacity under their full
 * names; with --reference, the largest gap to the float64 reference as % of K.
 */
function* tableLines(records: Iterable<TrajectoryRecord>, reference: boolean): Generator<string> {
  let capacities: number[] = [];
  let widths: number[] = [];
  const bar = (x: number, w: number) => "#".repeat(Math.max(0, Math.min(w, Math.round(x * w)))).padEnd(w, ".");
  for (const rec of records) {
    if (rec.type === "profile") {
      const channels = rec.channels as { name: string; K: number }[];
      capacities = channels.map((c) => c.K);
      widths = channels.map((c) => Math.max(8, c.name.length));
      const chans = channels.map((c, i) => c.name.padEnd(widths[i] + 1)).join("");
      yield `profile ${rec.name}; levels as bars of their capacity K\n${"t (s)".padStart(7)}  ${"emotion".padEnd(9)} ${"intensity"} ${"nuance".padEnd(12)} ${chans}${reference ? "largest gap to the float64 reference" : ""}\n`;
    } else if (rec.type === "stimulus") {
      yield `${((rec.t as number) / 1000).toFixed(1).padStart(7)}  <- ${rec.stimulus} (${rec.intensity})${rec.why ? `: ${rec.why}` : ""}\n`;
    } else {
      const levels = Object.values(rec.levels as Record<string, number>);
      const cells = levels.map((v, i) => bar(v / capacities[i], widths[i]) + " ").join("");
      let gap = "";
      if (rec.reference) {
        const ref = Object.values(rec.reference as Record<string, number>);
        gap = `${(Math.max(...levels.map((v, i) => Math.abs(v - ref[i]) / capacities[i])) * 100).toFixed(3)}% of K`;
      }
      yield `${((rec.t as number) / 1000).toFixed(1).padStart(7)}  ${String(rec.dominant).padEnd(9)} ${(rec.intensity as number).toFixed(2).padEnd(9)} ${String(rec.nuance).padEnd(12)} ${cells}${gap}\n`;
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

