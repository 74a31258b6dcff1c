/*
 * `moodface sim`: the whole device on this machine, a thin adapter around the robot's one runtime
 * (modules/app/robot.ts, Robot.tick, as main.ts runs it on the board). It feeds the runtime a
 * simulated clock, the virtual buses (a virtual SSD1306 and MPU-6050 on a virtual I2C bus, a
 * virtual touch pin) and the WebSocket clients as its link; a tick takes robot.tickMs or as long as
 * its bus traffic takes at the bus speed, whichever is longer. The HTTP server serves the page (the
 * app, tools/app, built into build/app), the WebSocket carries the stimulus protocol (the same codec
 * as BLE) plus the glass, figures and trace lines for the page (docs/protocol.md), and POST /sense
 * and /control move the virtual sensors and the clock (pause, step, speed).
 *
 * Who may drive it (docs/protocol.md, "Threat model"): the person at the terminal holds the key. The
 * start prints a URL with a one-time token; opening it spends the token and gives that browser a
 * cookie that pairs its page. Anyone else pairs with a passkey that is printed on the terminal (and
 * drawn on the panel, whose glass only paired clients receive while it shows digits). Every request
 * that changes the robot needs the cookie or a paired client's session key, and is rate-limited.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createWriteStream, type WriteStream } from "node:fs";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { Robot } from "../../modules/app/robot.js";
import { CHANNELS, CORES, EMOTIONS } from "../../modules/emotion/names.js";
import { raggedRow } from "../../modules/emotion/ragged.js";
import { DEVICE_NAME, PROTOCOL_VERSION } from "../../modules/link/codec.js";
import { profileDocument } from "../engine/documents.js";
import { BAND_NAMES } from "../faces/defaults.js";
import { createSimHost, tickAt, type SimHost } from "./host.js";
import { attachLink, exposureWarning, type Link, type LinkOptions } from "./link.js";
import { packageVersion, shippedProfileNames } from "../lib/data.js";
import { serveApp } from "../app/serve.js";
import { refuseUpgrade, TokenBucket } from "./guard.js";

import { MSG_GLASS } from "./link.js";
export { MSG_GLASS };
/** The fastest --speed (and page speed) the clock keeps on a modest machine (one tick per timer callback), and the slowest. */
export const MAX_SPEED = 20;
export const MIN_SPEED = 0.05;
/** Trace lines kept for pages that connect later, and sent at most per frame. */
export const TRACE_KEPT = 200;
/** Writes over HTTP (POST /sense, /control) per client: ten a second, twenty at once; more get 429. */
export const HTTP_WRITE_RATE = 10;
export const HTTP_WRITE_BURST = 20;
/** The header a paired client sends its session key in (the page, paired with a passkey). */
export const KEY_HEADER = "x-moodface-key";

/** The value of cookie `name` in a Cookie header, or "". */
export function cookieValue(header: string | undefined, name: string): string {
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return "";
}

/** Equal strings, compared in time that does not depend on where they differ. */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

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
  /** Where each new passkey goes (the terminal: stderr, unless quiet). */
  onPasskey?: (client: number, address: string, digits: string) => void;
}

export interface Sim {
  /** The page, unpaired. */
  url: string;
  /** The page with the one-time token: the first browser to open it is paired (then it is spent). */
  tokenUrl: string;
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
  /** Robot time per wall time (MIN_SPEED..MAX_SPEED). */
  setSpeed(speed: number): void;
  close(): Promise<void>;
}

/** Headers on every answer: the page runs only its own scripts and is never framed. */
function securityHeaders(req: IncomingMessage): Record<string, string> {
  const host = /^[\w.:[\]-]+$/.test(req.headers.host ?? "") ? req.headers.host : "127.0.0.1";
  return {
    "content-security-policy": `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws://${host}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  };
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
    const stimuli = c.names.filter((_, i) => raggedRow(c.stimulusTags, i).includes(k));
    const words = w.words.filter((_, i) => Array.from(raggedRow(w.wordTags, i), (t) => w.tags[t]).includes(tag));
    return { name: tag, stimuli, words };
  });
  return { profile: e.profile.name, channels: [...CHANNELS], emotions: drivers, tags, bands: [...BAND_NAMES] };
}

export async function startSim(o: SimOptions): Promise<Sim> {
  let t = 0;
  let speed = o.speed;
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
  // The robot's trace lines: to stderr (unless quiet) and to the page's trace pane (the last
  // TRACE_KEPT in each hello, so a page that connects later sees the boot lines too).
  let traced: string[] = [];
  const history: string[] = [];
  const host = createSimHost({
    framesFile: o.framesFile,
    stateFile: o.stateFile,
    config: { profile: o.profile, display: { hz: o.hz } },
    seed: o.seed,
    now: () => t,
    onLogLine: log ? (line) => log?.write(line) : undefined,
    trace: (m) => {
      if (!o.quiet) process.stderr.write(m);
      if (traced.length < TRACE_KEPT) traced.push(m);
      history.push(m);
      if (history.length > TRACE_KEPT) history.shift();
    },
  });
  const robot = new Robot(host);
  // The terminal's key: a one-time token in the printed URL, exchanged for a cookie (Jupyter does the same).
  let token = randomBytes(18).toString("base64url");
  let cookieSecret = "";
  let cookieName = "moodface";
  const hasCookie = (req: IncomingMessage) => cookieSecret !== "" && same(cookieValue(req.headers.cookie, cookieName), cookieSecret);
  /** Spends the token if `given` is it. */
  const spendToken = (given: string | null): boolean => {
    if (!token || !given || !same(given, token)) return false;
    token = "";
    return true;
  };
  const writeBuckets = new Map<string, TokenBucket>();
  /** Whether a write over HTTP may go ahead: 401 without pairing, 429 over the client's rate. */
  const mayWrite = (req: IncomingMessage): { status: number; text: string } | undefined => {
    const key = String(req.headers[KEY_HEADER] ?? "");
    const cookie = hasCookie(req);
    if (!cookie && !link.keyAuthorised(key)) return { status: 401, text: `not paired: open the URL with the token printed by moodface sim, or pair this page with a passkey first` };
    const who = `${req.socket.remoteAddress ?? ""} ${cookie ? "cookie" : key}`;
    let b = writeBuckets.get(who);
    if (!b) {
      if (writeBuckets.size > 1000) writeBuckets.clear();
      b = new TokenBucket(HTTP_WRITE_RATE, HTTP_WRITE_BURST, performance.now());
      writeBuckets.set(who, b);
    }
    if (!b.take(performance.now())) return { status: 429, text: `too many requests: at most ${HTTP_WRITE_RATE} a second` };
    return undefined;
  };
  // A new epoch each start: the page's charts and log start again with the robot's clock.
  const epoch = randomBytes(6).toString("hex");
  let running = true;

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    const headers = securityHeaders(req);
    const send = (status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...headers, "content-type": type, "content-length": String(Buffer.byteLength(body)), ...extra });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (path === "/" && (req.method === "GET" || req.method === "HEAD") && new URL(req.url ?? "/", "http://x").searchParams.has("token")) {
      const refused = refuseUpgrade(req.headers, o.link);
      if (refused) return send(403, "text/plain; charset=utf-8", `${refused}\n`);
      if (!spendToken(new URL(req.url ?? "/", "http://x").searchParams.get("token"))) return send(403, "text/plain; charset=utf-8", "this token is spent or wrong: it pairs one browser once; open / to watch, and pair with a passkey printed on the simulator's terminal\n");
      cookieSecret = randomBytes(24).toString("base64url");
      return send(303, "text/plain; charset=utf-8", "paired: see /\n", { location: "/", "set-cookie": `${cookieName}=${cookieSecret}; Path=/; HttpOnly; SameSite=Strict` });
    }
    if (path === "/sense") return sense(req, send);
    if (path === "/control") return control(req, send);
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain; charset=utf-8", "only GET and HEAD\n", { allow: "GET, HEAD" });
    if (path === "/model.json") return send(200, "application/json; charset=utf-8", JSON.stringify(modelDocument(robot)));
    // The page used to be at /app/: old links land on the one page.
    if (path === "/app" || path.startsWith("/app/")) return send(308, "text/plain; charset=utf-8", "moved to /\n", { location: "/" });
    serveApp(req, res, path === "/favicon.ico" ? "/favicon.svg" : path, headers);
  });
  const hello = () => {
    const e = robot.engine;
    return JSON.stringify({
      type: "hello",
      name: DEVICE_NAME,
      firmware: packageVersion(),
      protocol: PROTOCOL_VERSION,
      epoch,
      profile: e.profile.name,
      profiles: shippedProfileNames(),
      channels: e.profile.channels.map((c) => ({ name: c.name, K: c.K, M: c.M, rest: c.rest })),
      emotions: [...EMOTIONS],
      cores: [...CORES],
      words: [...e.wheel.words],
      stimuli: e.catalog.names.map((n, i) => ({ name: n, description: e.catalog.descriptions[i] })),
      tags: [...e.catalog.tags],
      hz: o.hz,
      speed,
      paused: !running,
      packError: robot.packError,
      trace: history,
    });
  };

  // The page's touch and motion buttons: a finger on the virtual touch pad, a gesture for the
  // virtual MPU-6050. Same checks as the WebSocket (Host, Origin): a page on another site cannot.
  const sense = (req: IncomingMessage, send: (status: number, type: string, body: string) => void) => {
    if (req.method !== "POST") return send(405, "text/plain; charset=utf-8", "POST /sense?what=touch|pickup|shake|tilt|drop\n");
    const refused = refuseUpgrade(req.headers, o.link);
    if (refused) return send(403, "text/plain; charset=utf-8", `${refused}\n`);
    const denied = mayWrite(req);
    if (denied) return send(denied.status, "text/plain; charset=utf-8", `${denied.text}\n`);
    const what = new URL(req.url ?? "/", "http://x").searchParams.get("what") ?? "";
    const v = host.device.virtual;
    if (what === "touch" && robot.senses.touch) {
      v.touch(true);
      v.touch(false);
    } else if (what !== "touch" && v.imu && robot.senses.imu && v.imu.play(what)) {
      // plays against the IMU's clock from its next tick
    } else return send(404, "text/plain; charset=utf-8", `no sensor for "${what.slice(0, 20)}" (config.sensors)\n`);
    send(200, "text/plain; charset=utf-8", "ok\n");
  };

  // The page's clock controls: pause=1|0, step=1 (paused only), speed=factor. Same checks as /sense.
  const control = (req: IncomingMessage, send: (status: number, type: string, body: string) => void) => {
    if (req.method !== "POST") return send(405, "text/plain; charset=utf-8", "POST /control?pause=1|0, ?step=1 or ?speed=factor\n");
    const refused = refuseUpgrade(req.headers, o.link);
    if (refused) return send(403, "text/plain; charset=utf-8", `${refused}\n`);
    const denied = mayWrite(req);
    if (denied) return send(denied.status, "text/plain; charset=utf-8", `${denied.text}\n`);
    const q = new URL(req.url ?? "/", "http://x").searchParams;
    if (q.has("pause")) sim.pause(q.get("pause") === "1");
    else if (q.has("step")) {
      if (running) return send(409, "text/plain; charset=utf-8", "step works while paused: pause first\n");
      sim.step();
    } else if (q.has("speed")) {
      const v = Number(q.get("speed"));
      if (!(v >= MIN_SPEED && v <= MAX_SPEED)) return send(400, "text/plain; charset=utf-8", `speed: ${String(q.get("speed")).slice(0, 20)} is not allowed; use ${MIN_SPEED} to ${MAX_SPEED}\n`);
      sim.setSpeed(v);
    } else return send(400, "text/plain; charset=utf-8", "POST /control?pause=1|0, ?step=1 or ?speed=factor\n");
    link.publish(t);
    send(200, "text/plain; charset=utf-8", "ok\n");
  };

  const link = attachLink(
    http,
    {
      robot,
      host,
      hello,
      hz: o.hz,
      clock: () => ({ speed, paused: !running }),
      trace: () => {
        const out = traced;
        traced = [];
        return out;
      },
      // The page's cookie from the token, or the token itself in the WebSocket URL (programs).
      authorise: (req) => hasCookie(req) || spendToken(new URL(req.url ?? "/", "http://x").searchParams.get("token")),
      onPasskey:
        o.onPasskey ??
        ((id, address, digits) => {
          if (!o.quiet) process.stderr.write(`moodface sim: passkey for client ${id} (${address}): ${digits}\n`);
        }),
    },
    o.link,
  );

  // The clock: the runtime's tick every robot.tickMs of robot time, or longer when its bus traffic
  // takes longer; the link publishes the glass and figures after each frame.
  let clocksLastTick = host.bus.counters.clocks;
  let timer: NodeJS.Timeout | undefined;
  // Wall-clock deadline of the next tick: timers fire late and in whole milliseconds, so each delay
  // is measured from the deadline, not from now, and the speed is kept on average.
  let nextWall = performance.now();
  /** One tick of the runtime; whether it drew a frame, and how long it took in robot time (ms). */
  const advance = (): { frame: boolean; ms: number } => {
    t += robot.tickMs;
    const frame = tickAt(robot, host, t);
    if (frame) link.frame(t);
    const clocks = host.bus.counters.clocks - clocksLastTick;
    clocksLastTick = host.bus.counters.clocks;
    return { frame, ms: Math.max(robot.tickMs, (clocks * 1000) / o.hz) };
  };
  const tick = () => {
    if (!running) return;
    nextWall += advance().ms / speed;
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
  // Cookies do not tell ports apart: each simulator's cookie has its own name.
  cookieName = `moodface-${port}`;
  tick();
  const base = `http://${(o.host ?? "127.0.0.1").includes(":") ? `[${o.host}]` : (o.host ?? "127.0.0.1")}:${port}/`;
  const sim: Sim = {
    url: base,
    tokenUrl: `${base}?token=${token}`,
    robot,
    host,
    link,
    time: () => t,
    pause: (paused: boolean) => {
      if (paused && running) {
        if (timer) clearTimeout(timer);
        timer = undefined;
        running = false;
      } else if (!paused && !running) {
        running = true;
        nextWall = performance.now();
        tick();
      }
    },
    step: () => {
      while (!advance().frame);
    },
    setSpeed: (v: number) => {
      speed = Math.min(MAX_SPEED, Math.max(MIN_SPEED, v));
      nextWall = performance.now();
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
  return sim;
}
