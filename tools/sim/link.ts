/*
 * The simulator's link: the stimulus protocol over a WebSocket, under the rules the robot's BLE
 * service follows (docs/simulator.md, "The link"):
 *
 * - each client has its own session (modules/link/session.ts): it must pair (the terminal's one-time
 *   token, or the passkey of its own PAIR_START, printed on the terminal and shown on the panel)
 *   before its writes change anything; unpaired watchers get the state, the figures and the glass
 *   except while the panel shows a passkey (docs/protocol.md, threat model), and every write from
 *   them is answered ERROR "not paired";
 * - a paired client gets a session key ({"type":"session"}) that authorises its POST /sense and
 *   /control; an unpaired idle client is evicted to make room, and each address has a cap;
 * - the upgrade is refused for a foreign Host (DNS rebinding) or a foreign page Origin, and beyond
 *   `maxClients` connections;
 * - the frame loop wins: each client's messages go through a token bucket; over the rate they are
 *   dropped and counted, and a client far over it is disconnected;
 * - each client's unsent bytes are bounded: state, glass and figures are coalesced (the newest is
 *   sent once the client has drained), and a client that stops reading is disconnected;
 * - figures report frames per second of wall time, plus what the link dropped, coalesced and refused.
 */
import { FRAME_BYTES } from "../../modules/common/geometry.js";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Robot } from "../../modules/app/robot.js";
import { CORES, EMOTIONS } from "../../modules/emotion/names.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { MSG_GLASS, STATE_BYTES } from "../../modules/link/codec.js";
import type { SimHost } from "./host.js";
import { DEFAULT_SEND_LIMITS, isLoopback, refuseUpgrade, sendDecision, TokenBucket, type OriginPolicy, type SendLimits } from "./guard.js";
import { LinkSessions, readPasskey, type ClientSession } from "./pairing.js";
import { randomBytes } from "node:crypto";

export { MSG_GLASS };
/** Figures (type "stats") go out this often, in robot time. */
export const STATS_EVERY_MS = 500;
/** Frames without a passkey before unpaired clients get the glass again. */
export const CLEAN_FRAMES = 2;

export interface LinkOptions extends OriginPolicy {
  /** Connections at once (default 32); when full, the unpaired client idle longest makes room, else 503. */
  maxClients?: number;
  /** Connections at once from one address (default 16); same eviction, else 503. */
  maxPerAddress?: number;
  /** An unpaired client that sent nothing for this long (wall ms) may be evicted to make room (default 5,000). */
  idleMs?: number;
  /** Messages a second per client, and how many may come at once (defaults 60 and 30: BLE's pace). */
  rate?: number;
  burst?: number;
  /**
   * A client that has this many messages dropped within one second of wall time is disconnected
   * (default 5,000): a sender that far over its rate is not an app, and parsing its flood would
   * cost the frame loop.
   */
  abuse?: number;
  send?: Partial<SendLimits>;
  /** Wall clock in ms (tests pass their own). */
  now?: () => number;
}

export interface LinkCounters {
  /** Connections accepted, refused (Host, Origin, too many) and closed by the link (slow readers). */
  accepted: number;
  refused: number;
  disconnected: number;
  /** Messages received, and those dropped over a client's rate. */
  received: number;
  dropped: number;
  /** Coalescable messages (state, glass, figures) not sent because a client had not drained. */
  coalesced: number;
  /** Writes refused because the client was not paired. */
  unpaired: number;
  /** Clients disconnected for sending far over their rate (also counted in disconnected). */
  abusive: number;
  /** Unpaired idle clients closed to make room for a new one (also counted in disconnected). */
  evicted: number;
  /** Glass frames not sent to unpaired clients because the panel showed (or had just shown) a passkey. */
  withheld: number;
}

export interface Link {
  readonly counters: LinkCounters;
  readonly sessions: LinkSessions;
  /** Number of open clients. */
  clients(): number;
  /** Whether `key` is the session key of a paired client that is still connected. */
  keyAuthorised(key: string): boolean;
  /** After each robot frame: robot time `t` (ms). Sends state, glass, trace lines and (twice a second) figures to every client. */
  frame(t: number): void;
  /** Sends the figures now (the clock was paused, stepped or sped up). */
  publish(t: number): void;
  close(): Promise<void>;
}

interface Client {
  ws: WebSocket;
  session: ClientSession;
  bucket: TokenBucket;
  /** When the client went above softBytes (wall ms), or undefined. */
  since: number | undefined;
  /** The glass key the client last got. */
  glass: string;
  /** When it last sent a message, or connected (wall ms). */
  active: number;
  /** Its session key once paired (HTTP writes), or "". */
  key: string;
  /** Drops in the current one-second window, and when it began. */
  drops: number;
  dropsSince: number;
}

export interface LinkContext {
  robot: Robot;
  host: SimHost;
  /** The hello message (JSON text) each client gets first. */
  hello: () => string;
  /** I2C bus speed, for the bus figures. */
  hz: number;
  /** The simulator's clock: its speed and whether it is paused (in the figures). */
  clock?: () => { speed: number; paused: boolean };
  /** The robot's trace lines since the last call (sent to every client). */
  trace?: () => string[];
  /** Whether an upgrade request carries the terminal's token or its cookie: that client is paired from the start. */
  authorise?: (req: IncomingMessage) => boolean;
  /** A new passkey for client `id`: the terminal prints it. */
  onPasskey?: (id: number, address: string, digits: string) => void;
}

export function attachLink(http: Server, ctx: LinkContext, o: LinkOptions = {}): Link {
  const now = o.now ?? (() => performance.now());
  const limits: SendLimits = { ...DEFAULT_SEND_LIMITS, ...o.send };
  const maxClients = o.maxClients ?? 32;
  const rate = o.rate ?? 60;
  const burst = o.burst ?? 30;
  const abuse = o.abuse ?? 5000;
  const { robot, host } = ctx;
  const maxPerAddress = o.maxPerAddress ?? 16;
  const idleMs = o.idleMs ?? 5000;
  const counters: LinkCounters = { accepted: 0, refused: 0, disconnected: 0, received: 0, dropped: 0, coalesced: 0, unpaired: 0, abusive: 0, evicted: 0, withheld: 0 };
  const sessions = new LinkSessions(robot, now);
  sessions.onPasskey = ctx.onPasskey;
  const clients = new Set<Client>();
  // The runtime asks the sessions for the passkey to draw every frame, as it asks the BLE adapter on
  // the board, and hands over its EVENT messages: every client gets them, watchers too (like the face).
  robot.attach({
    service: (t) => sessions.service(t),
    event: (bytes, length) => {
      const copy = bytes.slice(0, length);
      for (const c of [...clients]) send(c, copy, false);
    },
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  const refuse = (socket: Duplex, status: number, text: string) => {
    counters.refused++;
    socket.end(`HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${text}\n`);
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const why = refuseUpgrade({ host: req.headers.host, origin: req.headers.origin }, o);
    if (why) return refuse(socket, 403, `Forbidden: ${why}`);
    const address = req.socket.remoteAddress ?? "";
    if (clients.size >= maxClients && !evictIdle(() => true)) return refuse(socket, 503, `Service Unavailable: ${maxClients} clients already connected`);
    if (countFrom(address) >= maxPerAddress && !evictIdle((c) => c.session.address === address)) return refuse(socket, 503, `Service Unavailable: ${maxPerAddress} clients already connected from ${address}`);
    const authorised = ctx.authorise ? ctx.authorise(req) : false;
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, address, authorised));
  };
  http.on("upgrade", onUpgrade);

  const countFrom = (address: string) => {
    let n = 0;
    for (const c of clients) if (c.session.address === address) n++;
    return n;
  };
  /** Closes the unpaired client (of those `which` picks) that has been silent longest, if for idleMs; whether one went. */
  const evictIdle = (which: (c: Client) => boolean): boolean => {
    const t = now();
    let idlest: Client | undefined;
    for (const c of clients) if (!c.session.session.authorised && which(c) && t - c.active >= idleMs && (!idlest || c.active < idlest.active)) idlest = c;
    if (!idlest) return false;
    counters.evicted++;
    disconnect(idlest);
    return true;
  };

  const drop = (c: Client) => {
    if (!clients.delete(c)) return;
    sessions.close(c.session);
  };
  const disconnect = (c: Client) => {
    counters.disconnected++;
    drop(c);
    c.ws.terminate();
  };

  /** Sends one message under the client's send limits; false when the client was disconnected. */
  const send = (c: Client, data: Uint8Array | string, coalescable: boolean): boolean => {
    if (c.ws.readyState !== c.ws.OPEN) return false;
    const buffered = c.ws.bufferedAmount;
    const t = now();
    if (buffered > limits.softBytes) c.since ??= t;
    else c.since = undefined;
    const d = sendDecision(buffered, coalescable, c.since, t, limits);
    if (d === "disconnect") {
      disconnect(c);
      return false;
    }
    if (d === "coalesce") {
      counters.coalesced++;
      return true;
    }
    c.ws.send(data);
    return true;
  };

  const reply = new Uint8Array(8);
  /** A paired client's key for its HTTP writes (POST /sense, /control), sent once it is paired. */
  const grantKey = (c: Client) => {
    c.key = randomBytes(24).toString("base64url");
    send(c, JSON.stringify({ type: "session", client: c.session.id, key: c.key }), false);
  };
  const onConnection = (ws: WebSocket, address: string, authorised: boolean) => {
    const c: Client = { ws, session: sessions.open(address, authorised), bucket: new TokenBucket(rate, burst, now()), since: undefined, glass: "", drops: 0, dropsSince: now(), active: now(), key: "" };
    clients.add(c);
    counters.accepted++;
    ws.on("close", () => drop(c));
    ws.on("error", () => disconnect(c));
    send(c, ctx.hello(), false);
    // Its number, so that a person can tell which passkey on the terminal is theirs.
    send(c, JSON.stringify({ type: "client", client: c.session.id }), false);
    if (authorised) grantKey(c);
    sendGlass(c);
    ws.on("message", (data, isBinary) => {
      // What was already parsed after a disconnect still arrives: ignore it.
      if (!clients.has(c)) return;
      counters.received++;
      const t = now();
      c.active = t;
      if (!c.bucket.take(t)) {
        // Over the rate: drop it (a drop costs far less than a frame), and cut off a client far over.
        counters.dropped++;
        if (t - c.dropsSince >= 1000) {
          c.dropsSince = t;
          c.drops = 0;
        }
        if (++c.drops >= abuse) {
          counters.abusive++;
          disconnect(c);
          return;
        }
        return;
      }
      if (!isBinary) {
        send(c, JSON.stringify({ type: "error", message: "send binary stimulus messages (docs/protocol.md); text is not part of the protocol" }), false);
        return;
      }
      const bytes = toBytes(data);
      const r = sessions.receive(c.session, bytes, bytes.length, reply);
      if (r.unpaired) counters.unpaired++;
      send(c, reply.slice(0, r.length), false);
      if (r.paired) grantKey(c);
    });
  };

  let glassKey = "";
  let glass: Uint8Array = glassMessage(host);
  // Frames since the panel last showed a passkey: unpaired clients get the glass only from the
  // second clean one on (a frame on its way over the bus may still hold digits), so the digits
  // reach only the terminal and paired clients. Starts clean: the boot frames show no passkey.
  let cleanFrames = CLEAN_FRAMES;
  const sendGlass = (c: Client) => {
    if (c.glass === glassKey && glassKey !== "") return;
    if (cleanFrames < CLEAN_FRAMES && !c.session.session.authorised) {
      counters.withheld++;
      return;
    }
    if (c.ws.bufferedAmount > limits.softBytes) {
      counters.coalesced++;
      return;
    }
    if (send(c, glass, true)) c.glass = glassKey;
  };

  // Frames per second in wall time, over the last second; bus figures over the last second of robot time.
  let wall: number[] = [];
  let busWindow: { t: number; bytes: number; clocks: number }[] = [];
  const stateBytes = new Uint8Array(STATE_BYTES);
  let lastStats = -1;

  const frame = (t: number) => {
    const w = now();
    wall.push(w);
    while (wall.length > 1 && w - wall[0] > 1000) wall.shift();
    busWindow.push({ t, bytes: host.bus.counters.bytes, clocks: host.bus.counters.clocks });
    while (busWindow.length > 1 && t - busWindow[0].t > 1000) busWindow.shift();
    robot.state(stateBytes);
    glass = glassMessage(host);
    glassKey = Buffer.from(glass).toString("base64");
    if (sessions.overlay() >= 0 || readPasskey(glass.subarray(2)) !== undefined) cleanFrames = 0;
    else if (cleanFrames < CLEAN_FRAMES) cleanFrames++;
    // Figures twice a second of robot time (and at once when the clock went back: a new robot).
    const statsDue = lastStats < 0 || t - lastStats >= STATS_EVERY_MS || t < lastStats;
    if (statsDue) lastStats = t;
    const stats = statsDue ? JSON.stringify(figures(t)) : "";
    const lines = ctx.trace ? ctx.trace() : [];
    const trace = lines.length ? JSON.stringify({ type: "trace", lines }) : "";
    for (const c of [...clients]) {
      if (!send(c, stateBytes, true)) continue;
      sendGlass(c);
      if (trace) send(c, trace, false);
      if (statsDue) send(c, stats, true);
    }
  };

  const publish = (t: number) => {
    const stats = JSON.stringify(figures(t));
    for (const c of [...clients]) send(c, stats, true);
  };

  const figures = (t: number) => {
    const first = busWindow[0] ?? { t, bytes: host.bus.counters.bytes, clocks: host.bus.counters.clocks };
    const span = Math.max(1, t - first.t);
    const wallSpan = wall.length > 1 ? wall[wall.length - 1] - wall[0] : 0;
    const s = robot.engine.state;
    return {
      type: "stats",
      t,
      // Frames shown in the last second of wall time: what a person watching sees.
      fps: wallSpan > 0 ? ((wall.length - 1) * 1000) / wallSpan : 0,
      busBytesPerSecond: ((host.bus.counters.bytes - first.bytes) * 1000) / span,
      busUtilisation: ((host.bus.counters.clocks - first.clocks) * 1000) / span / ctx.hz,
      levels: Array.from(s.levels, (q, i) => (q / ONE) * robot.engine.profile.channels[i].K),
      probabilities: Array.from(s.probabilities, (q) => q / ONE),
      dominant: EMOTIONS[s.dominant],
      intensity: s.intensity / ONE,
      nuance: robot.engine.wheel.words[s.nuance],
      core: CORES[s.core],
      display: robot.display.status,
      link: { clients: clients.size, ...counters },
      ...(ctx.clock ? ctx.clock() : { speed: 1, paused: false }),
    };
  };

  return {
    counters,
    sessions,
    clients: () => clients.size,
    keyAuthorised: (key: string) => {
      if (!key) return false;
      for (const c of clients) if (c.key === key && c.session.session.authorised) return true;
      return false;
    },
    frame,
    publish,
    close: async () => {
      http.off("upgrade", onUpgrade);
      for (const c of [...clients]) {
        drop(c);
        c.ws.terminate();
      }
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

/** One clear line on stderr when the simulator listens beyond this machine. */
export function exposureWarning(listenHost: string): string | undefined {
  if (isLoopback(listenHost)) return undefined;
  return `moodface sim: listening on ${listenHost}: other machines can watch the robot's face; driving it needs the token URL or a passkey printed here on the terminal\n`;
}

/** GLASS (simulator only): [0xa0, brightness, 1024 bytes of what the glass shows, page-packed]. */
export function glassMessage(host: SimHost): Uint8Array {
  const out = new Uint8Array(2 + FRAME_BYTES);
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
