/*
 * `npm run bench -- attack`: the attacks of issue 12 against the simulator's link, with the simulator
 * on its own process. Figures, not assertions:
 *   - one client sending as fast as TCP allows;
 *   - 20 clients that never read;
 *   - a flood of 1,000 stimulus writes a second for 30 s from one paired client.
 * For each: frames a second on the panel in wall time (from the link's figures, seen by a reading
 * watcher), robot time against wall time (the engine's rate), the simulator's RSS before and after,
 * and the link's counters (dropped over rate, coalesced, disconnected).
 * Then the attacks of issue 20 on pairing, each printed with its outcome: self-pairing (an unpaired
 * client reads its passkey off the glass it is sent), a /sense flood without pairing, a PAIR_START
 * storm from one client against another client's pairing, ten clients pairing at once, and 32 idle
 * squatters against a newcomer. Passkeys come from the simulator's terminal (its stdout here), the
 * watcher is paired by the terminal's token.
 * BENCH_LINK_SCALE=0.2 shortens every phase.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import WebSocket from "ws";
import { encodePair, encodePairStart, encodeStimulus, MSG_ACK, MSG_DONE, MSG_ERROR, MSG_PAIR } from "../../modules/link/codec.js";
import { readPasskey } from "../../tools/sim/pairing.js";
import { REPO_ROOT } from "../../tools/lib/data.js";

const SCALE = Number(process.env.BENCH_LINK_SCALE ?? 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Stats {
  /** Wall time the figures arrived (ms). */
  wall: number;
  t: number;
  fps: number;
  link: Record<string, number>;
}

export interface Phase {
  name: string;
  seconds: number;
  fpsMin: number;
  fpsMean: number;
  robotPerWall: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  rssPeakMB: number;
  sent: number;
  acked: number;
  counters: Record<string, number>;
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

class Watcher {
  ws: WebSocket;
  stats: Stats[] = [];
  glass: Uint8Array | undefined;
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on("message", (d, isBinary) => {
      if (!isBinary) {
        const m = JSON.parse(String(d));
        if (m.type === "stats") this.stats.push({ wall: performance.now(), t: m.t, fps: m.fps, link: m.link });
        return;
      }
      const b = new Uint8Array(d as Buffer);
      if (b[0] === 0xa0) this.glass = b.slice(2);
    });
  }
}

/** Passkeys the simulator's terminal printed: client number -> the newest. */
const terminal = new Map<number, string>();

/** Opens a client and learns its number (the simulator's "client" message). */
async function open(url: string): Promise<{ ws: WebSocket; id: number }> {
  const ws = new WebSocket(url);
  ws.on("error", () => {});
  const id = await new Promise<number>((resolve, reject) => {
    ws.once("unexpected-response", (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    const on = (d: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const m = JSON.parse(String(d)) as { type: string; client?: number };
      if (m.type === "client") {
        ws.off("message", on);
        resolve(m.client!);
      }
    };
    ws.on("message", on);
  });
  return { ws, id };
}

/** A client paired as a person would: asks for a passkey and types what the terminal shows. */
async function pairedClient(url: string, _watcher?: Watcher): Promise<WebSocket> {
  const { ws, id } = await open(url);
  if (!(await pairAs(ws, id))) throw new Error("pairing failed");
  return ws;
}

/** PAIR_START, the digits the terminal printed for client `id`, PAIR: whether it paired. */
async function pairAs(ws: WebSocket, id: number): Promise<boolean> {
  terminal.delete(id);
  const reply = () => new Promise<Uint8Array>((resolve) => {
    const on = (d: Buffer, isBinary: boolean) => {
      const b = new Uint8Array(d);
      if (isBinary && (b[0] === MSG_DONE || b[0] === MSG_ERROR)) {
        ws.off("message", on);
        resolve(b);
      }
    };
    ws.on("message", on);
  });
  const out = new Uint8Array(8);
  let r = reply();
  ws.send(out.slice(0, encodePairStart(out)));
  await r;
  let digits: string | undefined;
  for (let i = 0; i < 300 && !(digits = terminal.get(id)); i++) await sleep(10);
  if (!digits) return false;
  r = reply();
  ws.send(out.slice(0, encodePair(out, Number(digits))));
  const done = await r;
  return done[0] === MSG_DONE && done[1] === MSG_PAIR;
}

async function phase(name: string, seconds: number, pid: number, watcher: Watcher, attack: () => { stop(): void; sent(): number; acked(): number }): Promise<Phase> {
  const rssBefore = rssMB(pid);
  const from = watcher.stats.length;
  const a = attack();
  const wall0 = performance.now();
  let peak = rssBefore;
  while (performance.now() - wall0 < seconds * 1000) {
    await sleep(250);
    peak = Math.max(peak, rssMB(pid));
  }
  a.stop();
  await sleep(1000);
  const s = watcher.stats.slice(from);
  const fps = s.slice(2).map((x) => x.fps); // skip the first second: its window straddles the start
  const last = s[s.length - 1] ?? watcher.stats[watcher.stats.length - 1];
  const first = s[0] ?? last;
  global.gc?.();
  return {
    name,
    seconds,
    fpsMin: fps.length ? Math.min(...fps) : 0,
    fpsMean: fps.length ? fps.reduce((x, y) => x + y, 0) / fps.length : 0,
    // Robot time against wall time between the first and last figures of the phase (1.00 at --speed 1).
    robotPerWall: s.length > 1 ? (last.t - first.t) / (last.wall - first.wall) : 0,
    rssBeforeMB: rssBefore,
    rssAfterMB: rssMB(pid),
    rssPeakMB: peak,
    sent: a.sent(),
    acked: a.acked(),
    counters: last?.link ?? {},
  };
}

export async function attackBench(): Promise<Phase[]> {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "bench", "link", "sim-child.ts")], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const tokenUrl = await new Promise<string>((resolve) =>
    lines.on("line", (line) => {
      const m = /^passkey (\d+) (\d{6})$/.exec(line);
      if (m) terminal.set(Number(m[1]), m[2]);
      else if (line.startsWith("http")) resolve(line.trim().replace("http", "ws"));
    }),
  );
  const url = tokenUrl.split("?")[0];
  const pid = child.pid!;
  // The person at the terminal watches, paired by the token.
  const watcher = new Watcher(tokenUrl);
  await new Promise((r) => watcher.ws.once("open", r));
  await sleep(2000);
  const phases: Phase[] = [];
  const msg = new Uint8Array(8);
  const gift = encodeStimulus(msg, 0, 128);
  const stim = msg.slice(0, gift);

  phases.push(await phase("idle", 5 * SCALE, pid, watcher, () => ({ stop() {}, sent: () => 0, acked: () => 0 })));

  {
    const ws = await pairedClient(url, watcher);
    phases.push(
      await phase("one client blasting as fast as TCP allows", 15 * SCALE, pid, watcher, () => {
        let sent = 0;
        let acked = 0;
        let on = true;
        ws.on("message", (d, isBinary) => isBinary && (d as Buffer)[0] === MSG_ACK && acked++);
        const pump = () => {
          if (!on) return;
          // Keep the client's own queue at most 1 MB: TCP decides how fast the rest goes.
          while (ws.bufferedAmount < 1 << 20) {
            ws.send(stim);
            sent++;
          }
          setImmediate(pump);
        };
        pump();
        return { stop: () => ((on = false), ws.terminate()), sent: () => sent, acked: () => acked };
      }),
    );
  }

  phases.push(
    await phase("20 clients that never read", 30 * SCALE, pid, watcher, () => {
      const idle: WebSocket[] = [];
      for (let i = 0; i < 20; i++) {
        const ws = new WebSocket(url);
        ws.once("open", () => ws.pause());
        ws.on("error", () => {});
        idle.push(ws);
      }
      return { stop: () => idle.forEach((w) => w.terminate()), sent: () => 0, acked: () => 0 };
    }),
  );

  {
    const ws = await pairedClient(url, watcher);
    phases.push(
      await phase("1,000 stimulus writes a second", 30 * SCALE, pid, watcher, () => {
        let sent = 0;
        let acked = 0;
        ws.on("message", (d, isBinary) => isBinary && (d as Buffer)[0] === MSG_ACK && acked++);
        const start = performance.now();
        const timer = setInterval(() => {
          const due = Math.floor(performance.now() - start) - sent; // one a millisecond
          for (let i = 0; i < due; i++) ws.send(stim);
          sent += Math.max(0, due);
        }, 5);
        return { stop: () => (clearInterval(timer), ws.terminate()), sent: () => sent, acked: () => acked };
      }),
    );
  }

  outcomes = await pairingAttacks(url, tokenUrl);
  watcher.ws.terminate();
  child.stdin.end();
  await new Promise((r) => child.once("exit", r));
  return phases;
}

/** The pairing attacks' outcomes, one line each (printAttack prints them). */
let outcomes: string[] = [];

async function pairingAttacks(url: string, tokenUrl: string): Promise<string[]> {
  const out: string[] = [];
  const bytes = (f: (b: Uint8Array) => number) => {
    const b = new Uint8Array(8);
    return b.slice(0, f(b));
  };
  // Self-pairing: ask for a passkey, then look for it in everything sent for 2 s.
  {
    const { ws, id } = await open(url);
    let glasses = 0;
    let read = 0;
    const texts: string[] = [];
    ws.on("message", (d, isBinary) => {
      const b = new Uint8Array(d as Buffer);
      if (!isBinary) texts.push(String(d));
      else if (b[0] === 0xa0) {
        glasses++;
        if (readPasskey(b.subarray(2))) read++;
      }
    });
    const t0 = performance.now();
    ws.send(bytes(encodePairStart));
    await sleep(2000);
    const digits = terminal.get(id) ?? "";
    const leaked = read > 0 || texts.some((t) => digits && t.includes(digits));
    out.push(`self-pairing: ${glasses} glass frames sent in 2 s, ${read} showed a passkey, digits in a text message: ${leaked ? "yes" : "no"} -> ${leaked ? "ATTACK WORKS" : "fails (nothing to read)"} (${(performance.now() - t0).toFixed(0)} ms)`);
    ws.terminate();
  }
  // /sense flood without pairing.
  {
    const http = url.replace("ws", "http");
    const statuses = new Map<number, number>();
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) {
      const s = (await fetch(new URL("/sense?what=touch", http), { method: "POST" })).status;
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
    }
    out.push(`/sense flood, unpaired: 2000 POSTs in ${((performance.now() - t0) / 1000).toFixed(1)} s answered ${[...statuses].map(([k, v]) => `${v}x ${k}`).join(", ")}`);
  }
  // PAIR_START storm from one client, 20 a second, against another's 10 pairings.
  {
    const a = await open(url);
    let on = true;
    let storms = 0;
    void (async () => {
      while (on) {
        a.ws.send(bytes(encodePairStart));
        storms++;
        await sleep(50);
      }
    })();
    await sleep(1000); // the storm is under way first
    let ok = 0;
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      const b = await open(url);
      if (await pairAs(b.ws, b.id)) ok++;
      b.ws.terminate();
      await sleep(300); // spread over the storm
    }
    on = false;
    out.push(`PAIR_START storm (${storms} from one client at 20/s): another client paired ${ok} of 10 tries in ${((performance.now() - t0) / 1000).toFixed(1)} s; the storm's passkeys printed: ${terminal.has(a.id) ? 1 : 0}`);
    a.ws.terminate();
  }
  // Ten clients pairing at once.
  {
    const ten = await Promise.all(Array.from({ length: 10 }, () => open(url)));
    const t0 = performance.now();
    const paired = (await Promise.all(ten.map((c) => pairAs(c.ws, c.id)))).filter(Boolean).length;
    out.push(`10 clients pairing at once: ${paired} of 10 paired in ${(performance.now() - t0).toFixed(0)} ms`);
    ten.forEach((c) => c.ws.terminate());
  }
  // 32 idle squatters (reading, never writing), then a newcomer.
  {
    const squat: WebSocket[] = [];
    let refused = 0;
    for (let i = 0; i < 32; i++) {
      try {
        squat.push((await open(url)).ws);
      } catch {
        refused++;
      }
    }
    await sleep(5500); // past the link's idleMs
    let result: string;
    try {
      const c = await open(url);
      result = (await pairAs(c.ws, c.id)) ? "connected and paired" : "connected, pairing failed";
      c.ws.terminate();
    } catch (e) {
      result = `refused (${(e as Error).message})`;
    }
    out.push(`32 idle squatters from one address (${32 - refused} let in, ${refused} refused at the per-address cap): a newcomer ${result}`);
    squat.forEach((w) => w.terminate());
  }
  void tokenUrl;
  return out;
}

export function printAttack(phases: Phase[]): void {
  console.log("\nSimulator link under attack (simulator on its own process; fps in wall time, from the link's figures)");
  console.log("phase                                      |   s | fps min | fps mean | robot s/wall s | RSS MB before/peak/after | sent      | acked  | dropped   | coalesced | disconnected | abusive");
  for (const p of phases) {
    const c = p.counters;
    console.log(
      `${p.name.padEnd(42)} | ${String(p.seconds).padStart(3)} | ${p.fpsMin.toFixed(1).padStart(7)} | ${p.fpsMean.toFixed(1).padStart(8)} | ${p.robotPerWall.toFixed(2).padStart(14)} | ${`${p.rssBeforeMB.toFixed(0)}/${p.rssPeakMB.toFixed(0)}/${p.rssAfterMB.toFixed(0)}`.padStart(24)} | ${String(p.sent).padStart(9)} | ${String(p.acked).padStart(6)} | ${String(c.dropped ?? "-").padStart(9)} | ${String(c.coalesced ?? "-").padStart(9)} | ${String(c.disconnected ?? "-").padStart(12)} | ${c.abusive ?? "-"}`,
    );
  }
  console.log("(dropped, coalesced, disconnected, abusive: the link's counters since the simulator started)");
  console.log("\nPairing attacks (issue 20), on the same simulator:");
  for (const o of outcomes) console.log(`  ${o}`);
}
