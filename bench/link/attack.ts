/*
 * `npm run bench -- attack`: the attacks of issue 12 against the simulator's link, with the simulator
 * on its own process. Figures, not assertions:
 *   - one client sending as fast as TCP allows;
 *   - 20 clients that never read;
 *   - a flood of 1,000 stimulus writes a second for 30 s from one paired client.
 * For each: frames a second on the panel in wall time (from the link's figures, seen by a reading
 * watcher), robot time against wall time (the engine's rate), the simulator's RSS before and after,
 * and the link's counters (dropped over rate, coalesced, disconnected).
 * BENCH_LINK_SCALE=0.2 shortens every phase.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
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

/** A client paired as a person would: asks for a passkey and types what the panel shows. */
async function pairedClient(url: string, watcher: Watcher): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise((r) => ws.once("open", r));
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
  for (let i = 0; i < 200 && !(digits = watcher.glass && readPasskey(watcher.glass)); i++) await sleep(10);
  if (!digits) throw new Error("no passkey on the panel");
  r = reply();
  ws.send(out.slice(0, encodePair(out, Number(digits))));
  const done = await r;
  if (done[0] !== MSG_DONE || done[1] !== MSG_PAIR) throw new Error("pairing failed");
  return ws;
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
  const url = await new Promise<string>((resolve) => child.stdout.once("data", (d) => resolve(String(d).trim().replace("http", "ws"))));
  const pid = child.pid!;
  const watcher = new Watcher(url);
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

  watcher.ws.terminate();
  child.stdin.end();
  await new Promise((r) => child.once("exit", r));
  return phases;
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
}
