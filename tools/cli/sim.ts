/* `moodface sim` (the device on this machine) and `moodface stim` (send it a stimulus). */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import WebSocket from "ws";
import { closest, distance } from "fastest-levenshtein";
import { encodeStimulus, ERROR_TEXT, MSG_ACK, MSG_ERROR } from "../../modules/link/codec.js";
import { REPO_ROOT, UsageError } from "../lib/data.js";
import { startSim } from "../sim/server.js";

function integer(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

function positive(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 1000)) throw new InvalidArgumentError("must be a number above 0 and at most 1000");
  return n;
}

export function addSimCommands(program: Command): void {
  program
    .command("sim")
    .description("run the robot on this machine: virtual SSD1306 on a virtual I2C bus, a web page with the panel, stimuli and charts")
    .option("--port <port>", "HTTP and WebSocket port (0: any free port)", integer("--port", 0, 65535), 8080)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--profile <name>", "a shipped profile (default: the saved one, else default)")
    .option("--frames <file>", "the frame pack to show", join(REPO_ROOT, "frames", "frames.bin"))
    .option("--speed <factor>", "run time faster (2) or slower (0.5)", positive, 1)
    .option("--hz <hz>", "I2C bus speed the frame rate follows", integer("--hz", 10000, 1000000), 400000)
    .option("--i2c-log <file>", "record every I2C transaction (docs/formats/i2c-log.md)")
    .option("--state <file>", "where the robot remembers its mood across runs", join(REPO_ROOT, "build", "sim-state.bin"))
    .option("--seed <n>", "seed for blinks and saccades", integer("--seed", 0, 0x7fffffff), 1)
    .action(async (o: { port: number; host: string; profile?: string; frames: string; speed: number; hz: number; i2cLog?: string; state: string; seed: number }) => {
      mkdirSync(dirname(o.state), { recursive: true });
      const sim = await startSim({ port: o.port, host: o.host, profile: o.profile, framesFile: o.frames, stateFile: o.state, speed: o.speed, hz: o.hz, i2cLog: o.i2cLog, seed: o.seed }).catch((e: NodeJS.ErrnoException) => {
        throw new UsageError(e.code === "EADDRINUSE" ? `port ${o.port} is in use: try --port 0 or another port` : e.message);
      });
      process.stdout.write(`moodface simulator: ${sim.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void sim.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });

  program
    .command("stim")
    .description("send a stimulus to a running simulator")
    .argument("<name>", "a stimulus from the catalog (moodface engine stimuli)")
    .argument("[intensity]", "0..1", "1")
    .option("--tags <tags>", "extra context tags, comma-separated")
    .option("--port <port>", "the simulator's port", integer("--port", 1, 65535), 8080)
    .option("--url <url>", "the simulator's WebSocket URL (overrides --port)")
    .action(async (name: string, intensityText: string, o: { tags?: string; port: number; url?: string }) => {
      const intensity = Number(intensityText);
      if (!(intensity >= 0 && intensity <= 1)) throw new UsageError(`intensity must be a number from 0 to 1, not "${intensityText}"`);
      const url = o.url ?? `ws://127.0.0.1:${o.port}/`;
      const reply = await sendStimulus(url, name, intensity, o.tags ? o.tags.split(",").map((t) => t.trim()).filter(Boolean) : []);
      process.stdout.write(`${reply}\n`);
    });
}

/** Connects, learns the catalog from the hello, sends one STIMULUS and waits for ACK or ERROR. */
export async function sendStimulus(url: string, name: string, intensity: number, tags: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new UsageError(`${url}: no answer within 5 s`));
    }, 5000);
    const done = (f: () => void) => {
      clearTimeout(timer);
      ws.close();
      f();
    };
    ws.on("error", (e: NodeJS.ErrnoException) => done(() => reject(new UsageError(`${url}: ${e.code === "ECONNREFUSED" ? "no simulator running there (start one with moodface sim)" : e.message}`))));
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        const m = JSON.parse(String(data));
        if (m.type !== "hello") return;
        const names: string[] = m.stimuli.map((s: { name: string }) => s.name);
        const index = names.indexOf(name);
        if (index < 0) {
          const hint = closest(name, names);
          return done(() => reject(new UsageError(`unknown stimulus "${name}"${distance(name, hint) <= 3 ? ` (did you mean "${hint}"?)` : ""}`)));
        }
        const tagIndex = tags.map((t) => (m.tags as string[]).indexOf(t));
        const bad = tags.find((_, i) => tagIndex[i] < 0);
        if (bad !== undefined) return done(() => reject(new UsageError(`unknown tag "${bad}" (tags: ${m.tags.join(", ")})`)));
        const out = new Uint8Array(16);
        const n = encodeStimulus(out, index, Math.round(intensity * 255), tagIndex);
        ws.send(out.slice(0, n));
        return;
      }
      const b = new Uint8Array(data as Buffer);
      if (b[0] === MSG_ACK) done(() => resolve(`sent ${name} at ${intensity}`));
      else if (b[0] === MSG_ERROR) done(() => reject(new UsageError(`rejected: ${ERROR_TEXT[b[1]] ?? `error ${b[1]}`} (byte ${b[2]})`)));
    });
  });
}
