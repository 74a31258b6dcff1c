/* `moodface sim` (the device on this machine) and `moodface stim` (send it a stimulus). */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import { createServer as createNetServer } from "node:net";
import { Command, InvalidArgumentError } from "commander";
import { whole } from "../lib/options.js";
import WebSocket from "ws";
import { closest, distance } from "fastest-levenshtein";
import { encodePair, encodePairStart, encodeStimulus, ERR_PASSKEY, ERROR_TEXT, MAX_MESSAGE_BYTES, MSG_ACK, MSG_DONE, MSG_ERROR } from "../../modules/link/codec.js";
import { decodeSaved } from "../../modules/app/saved.js";
import { openStateFile } from "../sim/flash-file.js";
import { openPack } from "../../modules/pack/pack.js";
import { REPO_ROOT, shippedProfileNames, UsageError } from "../lib/data.js";
import { checkOutputFile, reason } from "../lib/files.js";
import { quote } from "../lib/text.js";
import { MAX_SPEED, MIN_SPEED, startSim } from "../sim/server.js";

export { MAX_SPEED };

/** Creates the missing folders above `path`, one by one (recursive mkdir spins on paths like /proc/x). */
function makeFolders(dir: string, option: string, file: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  for (;;) {
    let s;
    try {
      s = statSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new UsageError(`${option} ${file}: ${d}: ${reason(e)}`);
      missing.unshift(d);
      const up = dirname(d);
      if (up === d) break;
      d = up;
      continue;
    }
    if (!s.isDirectory()) throw new UsageError(`${option} ${file}: ${d} is a file, not a folder`);
    break;
  }
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      throw new UsageError(`${option} ${file}: cannot create the folder ${m}: ${reason(e)}`);
    }
  }
}

/**
 * Checks the state file before the robot starts, so that nothing fails 30 s later: its folder exists
 * (or is made) and takes new files, the name is a regular file or nothing. Temp files left by a
 * killed run are removed. A state that does not decode, or names a profile that is not shipped, is
 * moved aside (kept as <file>.corrupt) with a warning; the robot then starts at rest.
 */
export function prepareState(file: string): void {
  const dir = dirname(resolve(file));
  makeFolders(dir, "--state", file);
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new UsageError(`--state ${file}: ${reason(e)}`);
  }
  if (st && st.isDirectory()) throw new UsageError(`--state ${file}: is a folder; give a file name such as ${join(file, "state.bin")}`);
  if (st && !st.isFile()) throw new UsageError(`--state ${file}: is not a regular file (a pipe or a device); give a file name`);
  // Can a file be created there? (Root passes access checks, so really try.)
  const probe = join(dir, `.${basename(file)}.probe-${process.pid}`);
  try {
    writeFileSync(probe, "");
    unlinkSync(probe);
  } catch (e) {
    throw new UsageError(`--state ${file}: the folder ${dir} does not take new files: ${reason(e)}`);
  }
  // write-file-atomic's temp files are <name>.<number>; a run killed mid-write leaves one behind.
  const stale = new RegExp(`^${basename(file).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.\\d+$`);
  for (const f of readdirSync(dir)) {
    if (stale.test(f)) {
      try {
        unlinkSync(join(dir, f));
      } catch {
        // not ours to remove
      }
    }
  }
  if (!st) return;
  try {
    readFileSync(file);
  } catch (e) {
    throw new UsageError(`--state ${file}: cannot read: ${reason(e)}`);
  }
  // Read as the simulator will: the board's A/B store with CRC over the flash file (tools/sim/flash-file.ts).
  const why: string[] = [];
  const payload = openStateFile(file, (m) => why.push(m)).load();
  const saved = payload ? decodeSaved(payload) : undefined;
  const problem = !saved ? "not a saved state (docs/formats/saved-state.md)" : !shippedProfileNames().includes(saved.profile) ? `names the profile ${quote(saved.profile)}, which is not shipped` : "";
  if (!problem) return;
  const kept = `${file}.corrupt`;
  try {
    copyFileSync(file, kept);
    unlinkSync(file);
  } catch (e) {
    throw new UsageError(`--state ${file}: ${problem}, and it cannot be moved aside: ${reason(e)}`);
  }
  process.stderr.write(`moodface: --state ${file}: ${problem}; kept a copy as ${kept}, starting at rest\n`);
}

/** The frame packs beside the shipped one, for "did you mean". */
function knownPacks(): string[] {
  const dirs = [join(REPO_ROOT, "frames"), join(REPO_ROOT, "build")];
  return dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(".bin") && f !== "sim-state.bin").map((f) => relative(process.cwd(), join(d, f))) : []));
}

function checkFrames(file: string): void {
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`--frames ${file}: ${reason(e)}; packs here: ${knownPacks().join(", ") || "none (moodface pack makes one)"}`);
  }
  const opened = openPack(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), file);
  if (!opened.ok) throw new UsageError(`--frames ${opened.error}`);
}


/** One line for a port or address the simulator cannot listen on. */
function listenError(e: NodeJS.ErrnoException, host: string, port: number): UsageError {
  return new UsageError(
    e.code === "EADDRINUSE"
      ? `--port ${port}: port ${port} is in use (another simulator?): try --port 0 for any free port`
      : e.code === "EACCES"
        ? `--port ${port}: not allowed to listen there (ports below 1024 need root): try --port 0`
        : e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND" || e.code === "EAI_AGAIN"
          ? `--host ${host}: no such address on this machine`
          : `--host ${host} --port ${port}: ${e.message}`,
  );
}

/** Listens on host:port for a moment and lets go: the port is free and the address is this machine's. */
export async function checkListen(host: string, port: number): Promise<void> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", (e: NodeJS.ErrnoException) => reject(listenError(e, host, port)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function speed(v: string): number {
  const n = Number(v);
  if (!(n >= MIN_SPEED && n <= MAX_SPEED)) throw new InvalidArgumentError(`must be a number from ${MIN_SPEED} to ${MAX_SPEED} (faster than ${MAX_SPEED}x the clock cannot keep up), not ${quote(v)}`);
  return n;
}

export function addSimCommands(program: Command): void {
  program
    .command("sim")
    .description("run the robot on this machine: virtual SSD1306 on a virtual I2C bus, a web page with the panel, stimuli and charts")
    .option("--port <port>", "HTTP and WebSocket port (0: any free port)", whole("--port", 0, 65535), 8080)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--profile <name>", `a shipped profile: ${shippedProfileNames().join(", ")} (default: the saved one, else default)`)
    .option("--frames <file>", "the frame pack to show", join(REPO_ROOT, "frames", "frames.bin"))
    .option("--speed <factor>", `run time faster (2) or slower (0.5), at most ${MAX_SPEED}`, speed, 1)
    .option("--hz <hz>", "I2C bus speed the frame rate follows", whole("--hz", 10000, 1000000), 400000)
    .option("--i2c-log <file>", "record every I2C transaction (docs/formats/i2c-log.md)")
    .option("--state <file>", "where the robot remembers its mood across runs", join(REPO_ROOT, "build", "sim-state.bin"))
    .option("--seed <n>", "seed for blinks and saccades", whole("--seed", 0, 0x7fffffff), 1)
    .action(async (o: { port: number; host: string; profile?: string; frames: string; speed: number; hz: number; i2cLog?: string; state: string; seed: number }) => {
      // Port and address first, before anything boots: one line, nothing else printed.
      await checkListen(o.host, o.port);
      if (o.profile !== undefined && !shippedProfileNames().includes(o.profile)) throw new UsageError(`--profile: unknown profile ${quote(o.profile)}; shipped profiles are ${shippedProfileNames().join(", ")}`);
      checkFrames(o.frames);
      prepareState(o.state);
      if (o.i2cLog) {
        checkOutputFile(o.i2cLog, "--i2c-log");
        try {
          writeFileSync(o.i2cLog, "");
        } catch (e) {
          throw new UsageError(`--i2c-log ${o.i2cLog}: cannot write: ${reason(e)}`);
        }
      }
      const sim = await startSim({ port: o.port, host: o.host, profile: o.profile, framesFile: o.frames, stateFile: o.state, speed: o.speed, hz: o.hz, i2cLog: o.i2cLog, seed: o.seed }).catch((e: NodeJS.ErrnoException) => {
        throw listenError(e, o.host, o.port);
      });
      // Ctrl-C and kill stop it cleanly (state saved, log closed); set before the URL goes out.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void sim.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      // The token pairs the first browser that opens it (docs/protocol.md, threat model): it is the terminal's key.
      process.stdout.write(`moodface simulator: ${sim.tokenUrl}\n  (open this URL to drive the robot; it pairs one browser, once; others watch at ${sim.url} and pair with a passkey printed here)\n`);
      // Say so if this machine cannot keep --speed (checked once, after a few seconds of running).
      const started = { wall: performance.now(), robot: sim.time() };
      const check = setTimeout(() => {
        const achieved = (sim.time() - started.robot) / (performance.now() - started.wall);
        if (achieved < o.speed * 0.9) process.stderr.write(`moodface: --speed ${o.speed} is not kept on this machine: time runs ${achieved.toFixed(1)}x\n`);
      }, 5000);
      check.unref();
      await stopped;
    });

  program
    .command("stim")
    .description("send a stimulus to a running simulator, pairing first: type the six digits the simulator prints on its terminal (needs a terminal)")
    .argument("<name>", "a stimulus from the catalog (moodface engine stimuli)")
    .argument("[intensity]", "0..1", "1")
    .option("--tags <tags>", "extra context tags, comma-separated")
    .option("--port <port>", "the simulator's port", whole("--port", 1, 65535), 8080)
    .option("--url <url>", "the simulator's WebSocket URL (overrides --port)")
    .action(async (name: string, intensityText: string, o: { tags?: string; port: number; url?: string }, cmd: Command) => {
      const intensity = Number(intensityText);
      if (!(intensity >= 0 && intensity <= 1)) throw new UsageError(`intensity must be a number from 0 to 1, not ${quote(intensityText)}`);
      if (o.url !== undefined && cmd.getOptionValueSource("port") === "cli") throw new UsageError("--url and --port do not go together: the URL names the port");
      const url = o.url ?? `ws://127.0.0.1:${o.port}/`;
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || (parsed.protocol !== "ws:" && parsed.protocol !== "wss:")) throw new UsageError(`--url ${quote(url, 80)}: expected a WebSocket URL such as ws://127.0.0.1:8080/`);
      const reply = await sendStimulus(url, name, intensity, o.tags ? o.tags.split(",").map((t) => t.trim()).filter(Boolean) : [], process.stdin.isTTY ? askOnTerminal : undefined);
      process.stdout.write(`${reply}\n`);
    });
}

/** Asks one line on the terminal; `signal` takes the question back (the simulator went away). */
export type Ask = (question: string, signal: AbortSignal) => Promise<string>;

/** The terminal's prompt: one line on stderr (stdout carries the result); Ctrl-C or Ctrl-D sends nothing. */
export const askOnTerminal: Ask = (question, signal) =>
  new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let answered = false;
    const end = (f: () => void) => {
      if (answered) return;
      answered = true;
      rl.close();
      f();
    };
    rl.on("SIGINT", () => end(() => reject(new UsageError("cancelled; nothing was sent"))));
    rl.on("close", () => end(() => reject(new UsageError("no passkey typed; nothing was sent"))));
    signal.addEventListener("abort", () => end(() => reject(signal.reason)));
    rl.question(question, (line) => end(() => resolve(line)));
  });

/** One WebSocket to the simulator: its messages in order, each wait bounded by 5 s of silence. */
class SimLink {
  private readonly ws: WebSocket;
  private readonly queue: (Uint8Array | string)[] = [];
  private waiter: ((m: Uint8Array | string) => void) | undefined;
  private failure: UsageError | undefined;
  private fail: (e: UsageError) => void = () => {};
  /** Rejects when the connection fails or closes (for waits that are not on the simulator). */
  readonly lost: Promise<never>;

  constructor(readonly url: string) {
    this.ws = new WebSocket(url);
    this.lost = new Promise<never>((_, reject) => {
      this.fail = (e) => {
        if (this.failure) return;
        this.failure = e;
        reject(e);
      };
    });
    this.lost.catch(() => {});
    this.ws.on("error", (e: NodeJS.ErrnoException) => this.fail(new UsageError(`${url}: ${e.code === "ECONNREFUSED" ? "no simulator running there (start one with moodface sim)" : e.message}`)));
    this.ws.on("close", () => this.fail(new UsageError(`${url}: the simulator closed the connection; nothing was sent`)));
    this.ws.on("message", (data, isBinary) => {
      const m = isBinary ? new Uint8Array(data as Buffer) : String(data);
      if (this.waiter) this.waiter(m);
      else this.queue.push(m);
    });
  }

  /** The next message that `pick` accepts (others are dropped: glass, state and figures stream past). */
  async next<T>(pick: (m: Uint8Array | string) => T | undefined): Promise<T> {
    for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) {
      const r = pick(m);
      if (r !== undefined) return r;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.lost,
        new Promise<T>((resolve, reject) => {
          timer = setTimeout(() => reject(new UsageError(`${this.url}: no answer within 5 s`)), 5000);
          let done = false;
          this.waiter = (m) => {
            // Messages that come in the same chunk after the one picked wait for the next call.
            if (done) return void this.queue.push(m);
            const r = pick(m);
            if (r !== undefined) {
              done = true;
              resolve(r);
            }
          };
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.waiter = undefined;
    }
  }

  /** Sends one message and waits for its reply: ACK, DONE or ERROR. */
  call(bytes: Uint8Array): Promise<Uint8Array> {
    this.ws.send(bytes);
    return this.next((m) => (m instanceof Uint8Array && (m[0] === MSG_ACK || m[0] === MSG_DONE || m[0] === MSG_ERROR) ? m : undefined));
  }

  close(): void {
    this.fail(new UsageError(`${this.url}: closed`));
    this.ws.terminate();
  }
}

/**
 * Connects, learns the catalog from the hello, pairs and sends one STIMULUS, waiting for its ACK or
 * ERROR. Pairing is the person's: PAIR_START makes the simulator print six digits on its terminal
 * (and draw them on its panel, which only paired viewers are sent),
 * `ask` asks for them on the terminal and PAIR sends them. Without `ask` (not a terminal) nothing is
 * sent: the digits exist only for this connection, so a script cannot know them beforehand.
 */
export async function sendStimulus(url: string, name: string, intensity: number, tags: string[], ask?: Ask): Promise<string> {
  const link = new SimLink(url);
  const page = url.replace(/^ws/, "http");
  try {
    const hello = await link.next((m) => {
      if (typeof m !== "string") return undefined;
      const j = JSON.parse(m) as { type?: string; stimuli: { name: string }[]; tags: string[] };
      return j.type === "hello" ? j : undefined;
    });
    const names = hello.stimuli.map((s) => s.name);
    const index = names.indexOf(name);
    if (index < 0) {
      const hint = closest(name, names);
      throw new UsageError(`unknown stimulus ${quote(name)}${name.length <= 64 && distance(name, hint) <= 3 ? ` (did you mean "${hint}"?)` : ""}`);
    }
    const tagIndex = tags.map((t) => hello.tags.indexOf(t));
    const bad = tags.find((_, i) => tagIndex[i] < 0);
    if (bad !== undefined) throw new UsageError(`unknown tag ${quote(bad)} (tags: ${hello.tags.join(", ")})`);
    if (!ask) throw new UsageError(`stimuli need pairing with the six digits the simulator prints on its terminal, typed at a terminal (stdin is not one); nothing was sent: pair and send from the page ${page}`);

    // This connection's number: the simulator's terminal prints it beside the passkey.
    const client = await link.next((m) => {
      if (typeof m !== "string") return undefined;
      const j = JSON.parse(m) as { type?: string; client?: number };
      return j.type === "client" ? j.client : undefined;
    });
    const out = new Uint8Array(MAX_MESSAGE_BYTES);
    const started = await link.call(out.slice(0, encodePairStart(out)));
    if (started[0] === MSG_ERROR) throw new UsageError(started[1] === ERR_PASSKEY ? "the simulator is refusing passkeys for a moment (too many tries): try again in a second" : `pairing refused: ${ERROR_TEXT[started[1]] ?? `error ${started[1]}`}`);
    const abort = new AbortController();
    link.lost.catch((e) => abort.abort(e));
    const typed = (await ask(`passkey (client ${client}, on the simulator's terminal): `, abort.signal)).trim();
    if (!/^\d{6}$/.test(typed)) throw new UsageError(`the passkey is the six digits the simulator prints on its terminal, not ${quote(typed, 20)}; nothing was sent`);
    const paired = await link.call(out.slice(0, encodePair(out, Number(typed))));
    if (paired[0] === MSG_ERROR) throw new UsageError(paired[1] === ERR_PASSKEY ? "wrong passkey (each is good for one try); nothing was sent: run stim again for new digits" : `pairing refused: ${ERROR_TEXT[paired[1]] ?? `error ${paired[1]}`}`);

    const r = await link.call(out.slice(0, encodeStimulus(out, index, Math.round(intensity * 255), tagIndex)));
    if (r[0] === MSG_ACK) return `sent ${name} at ${intensity}`;
    throw new UsageError(`rejected: ${ERROR_TEXT[r[1]] ?? `error ${r[1]}`} (byte ${r[2]})`);
  } finally {
    link.close();
  }
}
