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
import { Robot, FRAME_MS } from "../../modules/app/robot.js";
import { CORES, EMOTIONS } from "../../modules/emotion/names.js";
import { createSimHost, type SimHost } from "./host.js";
import { attachLink, exposureWarning, type Link, type LinkOptions } from "./link.js";
import { shippedProfileNames } from "../lib/data.js";
import { serveApp } from "../app/serve.js";

export { MSG_GLASS } from "./link.js";
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
    config: { profile: o.profile, seed: o.seed, display: { hz: o.hz } },
    now: () => t,
    onLogLine: log ? (line) => log!.write(line) : undefined,
    trace: o.quiet ? () => {} : undefined,
  });
  const robot = new Robot(host);
  // chart.js does not export its UMD build; find the package root through its main entry.
  const chartJs = readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.js"));

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (serveApp(req, res, path)) return;
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

  const link = attachLink(http, { robot, host, hello, hz: o.hz }, o.link);

  // The clock: a frame every 33 ms of robot time, or longer when its bus traffic takes longer.
  let clocksLastFrame = host.bus.counters.clocks;
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (!running) return;
    const started = performance.now();
    t += FRAME_MS;
    robot.frame(t);
    const clocks = host.bus.counters.clocks - clocksLastFrame;
    clocksLastFrame = host.bus.counters.clocks;
    const busMs = (clocks * 1000) / o.hz;
    const frameMs = Math.max(FRAME_MS, busMs);
    link.frame(t);
    // The next frame is due frameMs after this one began, whatever this one cost.
    timer = setTimeout(tick, Math.max(0, frameMs / o.speed - (performance.now() - started)));
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
      await link.close();
      await new Promise<void>((r) => http.close(() => r()));
      if (log) await new Promise<void>((r) => log!.end(() => r()));
    },
  };
}
