/*
 * The attacks of issue 20 against a running simulator on its default link settings, each kept from
 * coming back (bench/link/attack.ts prints the same attacks' figures): an unpaired client cannot
 * read its own passkey (self-pairing), a PAIR_START storm from one client leaves another's pairing
 * working, ten clients pairing at once all pair, idle squatters are evicted. The passkeys come from
 * the terminal (SimOptions.onPasskey), as a person at the terminal reads them.
 */
import { join } from "node:path";
import { startSim, type Sim } from "../../tools/sim/server.js";
import { readPasskey } from "../../tools/sim/pairing.js";
import { encodePair, encodePairStart, MSG_ACK, MSG_DONE, MSG_ERROR, MSG_GLASS, MSG_PAIR } from "../../modules/link/codec.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";
import { SimClient as Client } from "../helpers/sim-client.js";


const msg = (f: (b: Uint8Array) => number) => {
  const b = new Uint8Array(20);
  return b.slice(0, f(b));
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("pairing under attack (issue 20)", () => {
  let sim: Sim;
  /** What the terminal printed: client number -> its passkeys in order. */
  const terminal = new Map<number, string[]>();
  const clients: Client[] = [];
  const connect = async () => {
    const c = new Client(sim.url.replace("http", "ws"));
    clients.push(c);
    await c.numbered();
    return c;
  };
  /** The passkey the terminal printed for `c`, waiting for it. */
  const printed = async (c: Client, n = 1) => {
    for (let i = 0; i < 500 && (terminal.get(c.id)?.length ?? 0) < n; i++) await sleep(10);
    return terminal.get(c.id)![n - 1];
  };
  /** PAIR_START, the digits off the terminal, PAIR: the reply's first two bytes. */
  const pairOwn = async (c: Client) => {
    const had = terminal.get(c.id)?.length ?? 0;
    const start = await c.call(msg(encodePairStart));
    if (start[0] !== MSG_DONE) return Array.from(start.slice(0, 2));
    const digits = await printed(c, had + 1);
    return Array.from((await c.call(msg((b) => encodePair(b, Number(digits))))).slice(0, 2));
  };

  beforeAll(async () => {
    sim = await startSim({
      port: 0,
      framesFile: join(REPO_ROOT, "frames", "frames.bin"),
      stateFile: join(tempDir(), "state.bin"),
      speed: 1,
      hz: 400000,
      seed: 1,
      quiet: true,
      link: { idleMs: 300 },
      onPasskey: (id, _address, digits) => terminal.set(id, [...(terminal.get(id) ?? []), digits]),
    });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await sim?.close();
  });

  test("self-pairing fails: an unpaired client asking for a passkey is sent nothing that shows it", async () => {
    const attacker = await connect();
    expect((await attacker.call(msg(encodePairStart)))[0]).toBe(MSG_DONE);
    const digits = await printed(attacker);
    // The panel shows the digits for a second of frames...
    const t = sim.time();
    let onPanel = false;
    while (sim.time() < t + 1000) {
      onPanel ||= readPasskey(sim.host.panel.glassFrame()) === digits;
      await sleep(20);
    }
    expect(onPanel).toBe(true);
    // ... and the client got frames all along, none of them the digits, nor the digits in any text.
    const glasses = attacker.got.filter((m): m is Uint8Array => m instanceof Uint8Array && m[0] === MSG_GLASS);
    expect(glasses.every((g) => readPasskey(g.subarray(2)) === undefined)).toBe(true);
    expect(attacker.got.some((m) => typeof m === "string" && m.includes(digits))).toBe(false);
    expect(sim.link.counters.withheld).toBeGreaterThan(0);
    // A paired client (the terminal's token in its URL) does see them: it can show other people's passkeys.
    const viewer = new Client(`${sim.tokenUrl.replace("http", "ws")}`);
    clients.push(viewer);
    await viewer.numbered();
    const shows = (m: Uint8Array | string) => m instanceof Uint8Array && m[0] === MSG_GLASS && readPasskey(m.subarray(2)) === digits;
    for (let i = 0; i < 250 && !viewer.got.some(shows); i++) await sleep(20);
    expect(viewer.got.some(shows)).toBe(true);
    expect(viewer.got.some((m) => typeof m === "string" && m.includes('"type":"session"'))).toBe(true);
    // The token is spent: a second use pairs nothing.
    expect((await fetch(sim.tokenUrl, { redirect: "manual" })).status).toBe(403);
  });

  test("/sense and /control without pairing get 4xx, however many are sent; nothing moves", async () => {
    const before = sim.robot.engine.state.levels.join();
    const statuses = new Set<number>();
    for (let i = 0; i < 200; i++) statuses.add((await fetch(new URL("/sense?what=touch", sim.url), { method: "POST" })).status);
    statuses.add((await fetch(new URL("/control?speed=20", sim.url), { method: "POST" })).status);
    expect([...statuses]).toEqual([401]);
    expect(sim.robot.engine.state.levels.join()).toBe(before);
  });

  test("a PAIR_START storm from one client leaves another client's pairing working (at least 9 of 10 tries)", async () => {
    const attacker = await connect();
    let on = true;
    // 20 a second, inside its message rate (60 a second).
    const storm = (async () => {
      while (on) {
        attacker.ws.send(msg(encodePairStart));
        await sleep(50);
      }
    })();
    let ok = 0;
    for (let i = 0; i < 10; i++) {
      const legit = await connect();
      const r = await pairOwn(legit);
      if (r[0] === MSG_DONE && r[1] === MSG_PAIR) ok++;
      legit.close();
    }
    on = false;
    await storm;
    expect(ok).toBeGreaterThanOrEqual(9);
    // The storm did not replace the attacker's passkey: one printed, not one per PAIR_START.
    expect(terminal.get(attacker.id)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  test("10 clients pairing at once all pair, each with its own digits", async () => {
    const ten = await Promise.all(Array.from({ length: 10 }, () => connect()));
    const results = await Promise.all(ten.map((c) => pairOwn(c)));
    expect(results).toEqual(Array.from({ length: 10 }, () => [MSG_DONE, MSG_PAIR]));
  });

  test("idle squatters from one address do not lock anyone out: the idle longest are evicted", async () => {
    const squatters: Client[] = [];
    for (let i = 0; i < 16; i++) squatters.push(await connect());
    await sleep(400); // past idleMs
    const legit = await connect();
    expect(await pairOwn(legit)).toEqual([MSG_DONE, MSG_PAIR]);
    expect(sim.link.counters.evicted).toBeGreaterThanOrEqual(1);
  });
});
