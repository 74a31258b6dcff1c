/*
 * `moodface sim`: the whole device on this machine. The robot (modules/app/robot.ts, the firmware's
 * own wiring) runs on a simulated clock with a virtual SSD1306 on a virtual I2C bus; a frame takes
 * 33 ms or as long as its bus traffic takes at the bus speed, whichever is longer. An HTTP server
 * serves the page (tools/sim/web) and a WebSocket carries the stimulus protocol (the same codec as
 * BLE) plus the glass and figures for the page (docs/protocol.md).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createWriteStream, readFileSync, type WriteStream } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Robot } from "../../modules/app/robot.js";
import { buildSync } from "esbuild";
import { CHANNELS, CORES, EMOTIONS } from "../../modules/emotion/names.js";
import { profileDocument } from "../engine/documents.js";
import { BAND_NAMES } from "../faces/defaults.js";
import { createSimHost, tickAt, type SimHost } from "./host.js";
import { attachLink, exposureWarning, type Link, type LinkOptions } from "./link.js";
import { shippedProfileNames } from "../lib/data.js";
import { serveApp } from "../app/serve.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { describeEvent } from "../../modules/emotion/describe.js";
import { reactionText } from "../../modules/app/behaviour.js";
import { refuseUpgrade } from "./guard.js";

import { MSG_GLASS } from "./link.js";
export { MSG_GLASS };
/** An event's sentence compares the emotions just before it with this much later (robot time). */
export const EVENT_SETTLE_MS = 1000;
const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), "web");
const require = createRequire(import.meta.url);

export interface SimOptions {
  port: number;
  host?: string;
  profile?: string;
  framesFile: string;
  stateFile?: string;
  speed: number;
  i2cLog?: string;
  seed: number;
  hz: number;
  quiet?: boolean;
  /** The WebSocket link's limits and allowed origins (tools/sim/link.ts). */
  link?: LinkOptions;
}

export interface Sim {
  url: string;
  robot: Robot;
  host: SimHost;
  /** The WebSocket link (tools/sim/link.ts): its counters and sessions. */
  link: Link;
  /** Robot time in ms. */
  time(): number;
  /** Stops (or restarts) the robot's clock; the server keeps answering. */
  pause(paused: boolean): void;
  /** While paused: runs the runtime up to and including its next frame. */
  step(): void;
  close(): Promise<void>;
}

/** Files of the page, served from tools/sim/web (read on each request, so edits show on reload). */
const STATIC: Record<string, [string, string]> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/index.html": ["index.html", "text/html; charset=utf-8"],
  "/app.js": ["app.js", "text/javascript; charset=utf-8"],
  "/events.js": ["events.js", "text/javascript; charset=utf-8"],
  "/style.css": ["style.css", "text/css; charset=utf-8"],
  "/favicon.svg": ["favicon.svg", "image/svg+xml"],
  "/favicon.ico": ["favicon.svg", "image/svg+xml"],
};

/** Headers on every answer: the page runs only its own scripts and is never framed. */
function securityHeaders(req: IncomingMessage): Record<string, string> {
  const host = /^[\w.:[\]-]+$/.test(req.headers.host ?? "") ? req.headers.host : "127.0.0.1";
  return {
    "content-security-policy": `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://${host}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  };
}

/**
 * The page's one copy of the protocol: modules/link/codec.ts (and this server's GLASS type), bundled
 * by esbuild into a script that sets `window.MoodfaceCodec`. Nothing in tools/sim/web retypes them.
 */
export function codecBundle(): string {
  const codec = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "modules", "link", "codec.ts");
  const eventMarks = join(dirname(fileURLToPath(import.meta.url)), "..", "app", "src", "event-marks.ts");
  const r = buildSync({
    stdin: { contents: `export * from ${JSON.stringify(codec)};\nexport { eventMarksPlugin } from ${JSON.stringify(eventMarks)};\nexport const MSG_GLASS = ${MSG_GLASS};\n`, resolveDir: dirname(codec), loader: "ts" },
    bundle: true,
    format: "iife",
    globalName: "MoodfaceCodec",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  return r.outputFiles[0].text;
}

/**
 * What the page explains (GET /model.json), read from the engine's own data: which neuromodulators
 * drive each emotion in the running profile, what each context tag is sent with and which Feeling
 * Wheel words it picks, and the intensity bands.
 */
export function modelDocument(robot: Robot): unknown {
  const e = robot.engine;
  const doc = profileDocument(e.profile) as { readout: { emotions: Record<string, { bias?: number; terms: { channel: string; feature: string; weight: number }[] }[]> } };
  const drivers = EMOTIONS.map((name) => ({
    name,
    terms: doc.readout.emotions[name].flatMap((alt) => alt.terms.map((t) => ({ channel: t.channel, feature: t.feature, weight: t.weight }))),
    bias: Math.max(0, ...doc.readout.emotions[name].map((alt) => alt.bias ?? 0)),
  }));
  const c = e.catalog;
  const w = e.wheel;
  const tags = c.tags.map((tag, k) => {
    const stimuli = c.names.filter((_, i) => Array.from(c.tagIndex.subarray(c.tagStart[i], c.tagStart[i + 1])).includes(k));
    const words = w.words.filter((_, i) => Array.from(w.wordTagIndex.subarray(w.wordTagStart[i], w.wordTagStart[i + 1]), (t) => w.tags[t]).includes(tag));
    return { name: tag, stimuli, words };
  });
  return { profile: e.profile.name, channels: [...CHANNELS], emotions: drivers, tags, bands: [...BAND_NAMES] };
}

export async function startSim(o: SimOptions): Promise<Sim> {
  let t = 0;
  let log: WriteStream | undefined;
  if (o.i2cLog) {
    const path = o.i2cLog;
    log = createWriteStream(path);
    // A log that cannot be written stops logging, never the robot.
    log.on("error", (e: NodeJS.ErrnoException) => {
      process.stderr.write(`moodface: --i2c-log ${path}: cannot write (${e.code ?? e.message}); logging stopped\n`);
      log = undefined;
    });
  }
  const host = createSimHost({
    framesFile: o.framesFile,
    stateFile: o.stateFile,
    config: { profile: o.profile, display: { hz: o.hz } },
    seed: o.seed,
    now: () => t,
    onLogLine: log ? (line) => log?.write(line) : undefined,
    trace: o.quiet ? () => {} : undefined,
  });
  const robot = new Robot(host);
  // chart.js does not export its UMD build; find the package root through its main entry.
  const chartJs = readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.js"));

  const codecJs = codecBundle();
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    const headers = securityHeaders(req);
    const send = (status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...headers, "content-type": type, "content-length": String(Buffer.byteLength(body)), ...extra });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (path === "/sense") return sense(req, send);
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain; charset=utf-8", "only GET and HEAD\n", { allow: "GET, HEAD" });
    if (serveApp(req, res, path)) return;
    if (path === "/vendor/chart.umd.js") return send(200, "text/javascript; charset=utf-8", chartJs);
    if (path === "/codec.js") return send(200, "text/javascript; charset=utf-8", codecJs);
    if (path === "/model.json") return send(200, "application/json; charset=utf-8", JSON.stringify(modelDocument(robot)));
    const file = STATIC[path];
    if (!file) return send(404, "text/plain; charset=utf-8", "not found\n");
    let body: Buffer;
    try {
      body = readFileSync(join(WEB_DIR, file[0]));
    } catch {
      return send(404, "text/plain; charset=utf-8", "not found\n");
    }
    send(200, file[1], body);
  });
  const hello = () => {
    const e = robot.engine;
    return JSON.stringify({
      type: "hello",
      profile: e.profile.name,
      profiles: shippedProfileNames(),
      channels: e.profile.channels.map((c) => ({ name: c.name, K: c.K, M: c.M, rest: c.rest })),
      emotions: [...EMOTIONS],
      cores: [...CORES],
      words: [...e.wheel.words],
      stimuli: e.catalog.names.map((n, i) => ({ name: n, description: e.catalog.descriptions[i] })),
      tags: [...e.catalog.tags],
      hz: o.hz,
      speed: o.speed,
      packError: robot.packError,
    });
  };

  // The event log (docs/simulator.md): each stimulus, and what it did a second later, in the
  // sentence the web app also uses (modules/emotion/describe.ts).
  const pending: { t: number; stimulus: string; intensity: number; before: number[]; dominant: number; reaction: string }[] = [];
  let completed: { t: number; stimulus: string; text: string }[] = [];
  robot.onStimulus = (s, intensity, did) => {
    if (pending.length >= 32) pending.shift();
    const e = robot.engine;
    // "Before" is the last frame's state: the engine's readout already shows the stimulus.
    pending.push({ t, stimulus: e.catalog.names[s], intensity: intensity / ONE, before: lastProbabilities.slice(), dominant: lastDominant, reaction: reactionText(did, robot.animator) });
  };
  let lastProbabilities = Array.from(robot.engine.state.probabilities, (q) => q / ONE);
  let lastDominant = robot.engine.state.dominant;
  const settle = () => {
    const e = robot.engine;
    lastProbabilities = Array.from(e.state.probabilities, (q) => q / ONE);
    lastDominant = e.state.dominant;
    while (pending.length && t - pending[0].t >= EVENT_SETTLE_MS) {
      const p = pending.shift()!;
      const after = Array.from(e.state.probabilities, (q) => q / ONE);
      const text = describeEvent({ stimulus: p.stimulus, intensity: p.intensity, before: p.before, after, emotions: EMOTIONS, dominantBefore: p.dominant, dominantAfter: e.state.dominant, reaction: p.reaction });
      completed.push({ t: p.t, stimulus: p.stimulus, text });
      if (completed.length > 32) completed.shift();
    }
  };
  const events = () => {
    const out = completed;
    completed = [];
    return out;
  };

  // The page's touch and motion buttons: a finger on the virtual touch pad, a gesture for the
  // virtual MPU-6050. Same checks as the WebSocket (Host, Origin): a page on another site cannot.
  const sense = (req: IncomingMessage, send: (status: number, type: string, body: string) => void) => {
    if (req.method !== "POST") return send(405, "text/plain; charset=utf-8", "POST /sense?what=touch|pickup|shake|tilt|drop\n");
    const refused = refuseUpgrade(req.headers, o.link);
    if (refused) return send(403, "text/plain; charset=utf-8", `${refused}\n`);
    const what = new URL(req.url ?? "/", "http://x").searchParams.get("what") ?? "";
    const v = host.device.virtual;
    if (what === "touch" && robot.senses.touch) {
      v.touch(true);
      v.touch(false);
    } else if (what !== "touch" && v.imu && robot.senses.imu && v.imu.play(what)) {
      // plays against the IMU's clock from its next poll
    } else return send(404, "text/plain; charset=utf-8", `no sensor for "${what.slice(0, 20)}" (config.sensors)\n`);
    send(200, "text/plain; charset=utf-8", "ok\n");
  };

  const link = attachLink(http, { robot, host, hello, hz: o.hz, events }, o.link);

  // The clock: the runtime's tick every robot.tickMs of robot time, or longer when its bus traffic
  // takes longer; the link publishes the glass and figures after each frame.
  let clocksLastTick = host.bus.counters.clocks;
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  // Wall-clock deadline of the next frame: timers fire late and in whole milliseconds, so each delay
  // is measured from the deadline, not from now, and --speed is kept on average.
  let nextWall = performance.now();
  /** One tick of the runtime; true when it drew a frame. Returns how long it took in robot time (ms). */
  const advance = (): { frame: boolean; ms: number } => {
    t += robot.tickMs;
    const frame = tickAt(robot, host, t);
    if (frame) {
      settle();
      link.frame(t);
    }
    const clocks = host.bus.counters.clocks - clocksLastTick;
    clocksLastTick = host.bus.counters.clocks;
    return { frame, ms: Math.max(robot.tickMs, (clocks * 1000) / o.hz) };
  };
  const tick = () => {
    if (!running) return;
    nextWall += advance().ms / o.speed;
    timer = setTimeout(tick, Math.max(0, nextWall - performance.now()));
  };

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(o.port, o.host ?? "127.0.0.1", () => resolve());
  });
  const warning = exposureWarning(o.host ?? "127.0.0.1");
  if (warning) process.stderr.write(warning);
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  tick();
  return {
    url: `http://${o.host ?? "127.0.0.1"}:${port}/`,
    robot,
    host,
    link,
    time: () => t,
    step: () => {
      while (!advance().frame);
    },
    pause: (paused: boolean) => {
      if (paused && timer) {
        clearTimeout(timer);
        timer = undefined;
        running = false;
      } else if (!paused && !running) {
        running = true;
        nextWall = performance.now();
        tick();
      }
    },
    close: async () => {
      running = false;
      if (timer) clearTimeout(timer);
      robot.save(t);
      await link.close();
      await new Promise<void>((r) => http.close(() => r()));
      if (log) await new Promise<void>((r) => log!.end(() => r()));
    },
  };
}
