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
import { WebSocketServer, type WebSocket } from "ws";
import { Robot, FRAME_MS } from "../../modules/app/robot.js";
import { CORES, EMOTIONS } from "../../modules/emotion/names.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { STATE_BYTES } from "../../modules/link/codec.js";
import { createSimHost, type SimHost } from "./host.js";
import { shippedProfileNames } from "../lib/data.js";

export const MSG_GLASS = 0xa0;
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
}

export interface Sim {
  url: string;
  robot: Robot;
  host: SimHost;
  /** Robot time in ms. */
  time(): number;
  /** Stops (or restarts) the robot's clock; the server keeps answering. */
  pause(paused: boolean): void;
  close(): Promise<void>;
}

const STATIC: Record<string, [string, string]> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/app.js": ["app.js", "text/javascript; charset=utf-8"],
  "/style.css": ["style.css", "text/css; charset=utf-8"],
};

export async function startSim(o: SimOptions): Promise<Sim> {
  let t = 0;
  let log: WriteStream | undefined;
  if (o.i2cLog) log = createWriteStream(o.i2cLog);
  const host = createSimHost({
    framesFile: o.framesFile,
    stateFile: o.stateFile,
    config: { profile: o.profile, display: { hz: o.hz } },
    seed: o.seed,
    now: () => t,
    onLogLine: log ? (line) => log!.write(line) : undefined,
    trace: o.quiet ? () => {} : undefined,
  });
  const robot = new Robot(host);
  // chart.js does not export its UMD build; find the package root through its main entry.
  const chartJs = readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.js"));

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/vendor/chart.umd.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      res.end(chartJs);
      return;
    }
    const file = STATIC[path];
    if (!file || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": file[1], "cache-control": "no-store" });
    res.end(readFileSync(join(WEB_DIR, file[0])));
  });
  const wss = new WebSocketServer({ server: http, maxPayload: 4096 });
  const reply = new Uint8Array(8);

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

  wss.on("connection", (ws: WebSocket) => {
    ws.send(hello());
    ws.send(glassMessage(host));
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        ws.send(JSON.stringify({ type: "error", message: "send binary stimulus messages (docs/protocol.md); text is not part of the protocol" }));
        return;
      }
      const bytes = toBytes(data);
      const n = robot.receive(bytes, bytes.length, reply);
      ws.send(reply.slice(0, n));
    });
    ws.on("error", () => ws.terminate());
  });

  // The clock: a frame every 33 ms of robot time, or longer when its bus traffic takes longer.
  let clocksLastFrame = host.bus.counters.clocks;
  let busWindow: { t: number; bytes: number; clocks: number; frames: number }[] = [];
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  const stateBytes = new Uint8Array(STATE_BYTES);
  let lastGlass = "";
  const tick = () => {
    if (!running) return;
    t += FRAME_MS;
    robot.frame(t);
    const clocks = host.bus.counters.clocks - clocksLastFrame;
    clocksLastFrame = host.bus.counters.clocks;
    const busMs = (clocks * 1000) / o.hz;
    const frameMs = Math.max(FRAME_MS, busMs);
    busWindow.push({ t, bytes: host.bus.counters.bytes, clocks: host.bus.counters.clocks, frames: robot.display.status.frames });
    busWindow = busWindow.filter((w) => t - w.t <= 1000);
    robot.state(stateBytes);
    const glass = glassMessage(host);
    const key = Buffer.from(glass).toString("base64");
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      ws.send(stateBytes);
      if (key !== lastGlass) ws.send(glass);
    }
    lastGlass = key;
    if (Math.floor(t / 500) !== Math.floor((t - FRAME_MS) / 500)) {
      const first = busWindow[0];
      const span = Math.max(1, t - first.t);
      const s = robot.engine.state;
      const stats = JSON.stringify({
        type: "stats",
        t,
        fps: ((busWindow.length - 1) * 1000) / span,
        busBytesPerSecond: ((host.bus.counters.bytes - first.bytes) * 1000) / span,
        busUtilisation: ((host.bus.counters.clocks - first.clocks) * 1000) / span / o.hz,
        levels: Array.from(s.levels, (q, i) => (q / ONE) * robot.engine.profile.channels[i].K),
        probabilities: Array.from(s.probabilities, (q) => q / ONE),
        dominant: EMOTIONS[s.dominant],
        intensity: s.intensity / ONE,
        nuance: robot.engine.wheel.words[s.nuance],
        core: CORES[s.core],
        display: robot.display.status,
      });
      for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(stats);
    }
    timer = setTimeout(tick, frameMs / o.speed);
  };

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(o.port, o.host ?? "127.0.0.1", () => resolve());
  });
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  tick();
  return {
    url: `http://${o.host ?? "127.0.0.1"}:${port}/`,
    robot,
    host,
    time: () => t,
    pause: (paused: boolean) => {
      if (paused && timer) {
        clearTimeout(timer);
        timer = undefined;
        running = false;
      } else if (!paused && !running) {
        running = true;
        tick();
      }
    },
    close: async () => {
      running = false;
      if (timer) clearTimeout(timer);
      robot.save(t);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
      if (log) await new Promise<void>((r) => log!.end(() => r()));
    },
  };
}

/** GLASS (simulator only): [0xa0, brightness, 1024 bytes of what the glass shows, page-packed]. */
function glassMessage(host: SimHost): Uint8Array {
  const out = new Uint8Array(2 + 1024);
  out[0] = MSG_GLASS;
  out[1] = host.panel.brightness();
  out.set(host.panel.glassFrame(), 2);
  return out;
}

function toBytes(data: unknown): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  const b = data as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

