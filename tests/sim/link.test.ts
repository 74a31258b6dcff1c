/*
 * The simulator's link rules (tools/sim/link.ts, docs/simulator.md "The link"): pairing with the
 * passkey on the virtual panel, Host and Origin checks, the connection cap, per-client rates,
 * bounded sends for slow readers, wall-time fps and the warning beyond loopback. The clock the link
 * reads is the test's own, so nothing here depends on timing.
 */
import { join } from "node:path";
import { jest } from "@jest/globals";
import { startSim, type Sim, type SimOptions } from "../../tools/sim/server.js";
import { exposureWarning, MSG_GLASS, STATS_EVERY_MS } from "../../tools/sim/link.js";
import { refuseUpgrade, sendDecision, TokenBucket, DEFAULT_SEND_LIMITS, isLoopback } from "../../tools/sim/guard.js";
import { readPasskey, PAIRING_BURST } from "../../tools/sim/pairing.js";
import { drawPasskey } from "../../modules/face/passkey.js";
import { encodePair, encodePairStart, encodeStimulus, ERR_NOT_PAIRED, ERR_PASSKEY, MSG_ACK, MSG_DONE, MSG_ERROR, MSG_PAIR, MSG_PAIR_START, MSG_STATE } from "../../modules/link/codec.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";
import { SimClient as Client } from "../helpers/sim-client.js";

const snapshot = (sim: Sim) => JSON.stringify([Array.from(sim.robot.engine.state.levels), sim.robot.engine.state.dominant]);


const msg = (f: (b: Uint8Array) => number) => {
  const b = new Uint8Array(20);
  return b.slice(0, f(b));
};

describe("link guards", () => {
  test("Host must be this machine or an IP address; Origin must be the simulator's own page", () => {
    expect(refuseUpgrade({ host: "127.0.0.1:8080" })).toBeUndefined();
    expect(refuseUpgrade({ host: "localhost:8080", origin: "http://localhost:8080" })).toBeUndefined();
    expect(refuseUpgrade({ host: "[::1]:8080", origin: "http://[::1]:8080" })).toBeUndefined();
    expect(refuseUpgrade({ host: "192.168.1.20:8080", origin: "http://192.168.1.20:8080" })).toBeUndefined();
    expect(refuseUpgrade({ host: "127.0.0.1:8080", origin: "http://evil.example.com" })).toBe('foreign Origin "http://evil.example.com"');
    expect(refuseUpgrade({ host: "127.0.0.1:8080", origin: "null" })).toBe('foreign Origin "null"');
    expect(refuseUpgrade({ host: "127.0.0.1:8080", origin: "http://127.0.0.1:9999" })).toMatch(/foreign Origin/);
    expect(refuseUpgrade({ host: "evil.example.com:8080", origin: "http://evil.example.com:8080" })).toBe('foreign Host "evil.example.com:8080"');
    expect(refuseUpgrade({})).toBe("no Host header");
    expect(refuseUpgrade({ host: "127.0.0.1:8080", origin: "http://localhost:5173" }, { allowedOrigins: ["http://localhost:5173"] })).toBeUndefined();
    expect(refuseUpgrade({ host: "robot.lan:8080" }, { allowedHosts: ["robot.lan"] })).toBeUndefined();
  });

  test("a token bucket gives `burst` at once, then `rate` a second", () => {
    const b = new TokenBucket(10, 3, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(50)).toBe(false);
    expect(b.take(100)).toBe(true);
    expect(b.take(100)).toBe(false);
    expect(b.take(100_000) && b.take(100_000) && b.take(100_000) && !b.take(100_000)).toBe(true);
  });

  test("slow readers: coalescable messages wait above the soft limit; too much or too long disconnects", () => {
    const l = DEFAULT_SEND_LIMITS;
    expect(sendDecision(0, true, undefined, 0, l)).toBe("send");
    expect(sendDecision(l.softBytes + 1, true, 0, 0, l)).toBe("coalesce");
    expect(sendDecision(l.softBytes + 1, false, 0, 0, l)).toBe("send");
    expect(sendDecision(l.hardBytes + 1, false, 0, 0, l)).toBe("disconnect");
    expect(sendDecision(l.softBytes + 1, true, 0, l.stallMs, l)).toBe("disconnect");
  });

  test("listening beyond loopback is said on one line", () => {
    expect(exposureWarning("127.0.0.1")).toBeUndefined();
    expect(exposureWarning("::1")).toBeUndefined();
    expect(exposureWarning("localhost")).toBeUndefined();
    const w = exposureWarning("0.0.0.0")!;
    expect(w.trim().split("\n")).toHaveLength(1);
    expect(w).toMatch(/^moodface sim: listening on 0\.0\.0\.0: .*passkey/);
    expect(isLoopback("192.168.1.2")).toBe(false);
  });

  test("the passkey glyphs read back from a frame, every digit", () => {
    const frame = new Uint8Array(1024);
    for (const p of [0, 123456, 987650, 4321, 999999]) {
      drawPasskey(frame, p);
      expect(readPasskey(frame)).toBe(String(p).padStart(6, "0"));
    }
    expect(readPasskey(new Uint8Array(1024))).toBeUndefined();
  });
});

describe("the simulator's link", () => {
  let sim: Sim;
  let clock = 0;
  const dir = tempDir();
  const options = (extra: Partial<SimOptions> = {}): SimOptions => ({
    port: 0,
    framesFile: join(REPO_ROOT, "frames", "frames.bin"),
    stateFile: join(dir, "state.bin"),
    speed: 1,
    hz: 400000,
    seed: 1,
    quiet: true,
    ...extra,
  });
  const wsUrl = () => sim.url.replace("http", "ws");
  const clients: Client[] = [];
  const connect = async (headers: Record<string, string> = {}) => {
    const c = new Client(wsUrl(), headers);
    clients.push(c);
    await c.open();
    return c;
  };

  beforeAll(async () => {
    sim = await startSim(options({ link: { now: () => clock, maxClients: 4, rate: 10, burst: 5, abuse: 100 } }));
    sim.pause(true);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    clock += 60_000; // a fresh minute: every bucket full again
  });
  afterAll(async () => {
    await sim?.close();
  });

  /** One robot frame by hand (the clock is paused): the runtime's next frame, then the link publishes state and glass. */
  const frame = () => sim.step();

  const pair = async (c: Client) => {
    expect(Array.from(await c.call(msg(encodePairStart)))).toEqual([MSG_DONE, MSG_PAIR_START]);
    frame();
    const digits = readPasskey(sim.host.panel.glassFrame());
    expect(digits).toMatch(/^\d{6}$/);
    return digits!;
  };

  test("an unpaired client watches (glass and state) but its writes are refused and change nothing", async () => {
    const c = await connect();
    frame();
    await c.next((m) => m instanceof Uint8Array && m[0] === MSG_STATE);
    expect(c.got.some((m) => typeof m === "string" && m.includes('"hello"'))).toBe(true);
    expect(c.got.some((m) => m instanceof Uint8Array && m[0] === MSG_GLASS)).toBe(true);
    const before = snapshot(sim);
    const r = await c.call(msg((b) => encodeStimulus(b, sim.robot.engine.stimulusIndex("gift"), 255)));
    expect(Array.from(r)).toEqual([MSG_ERROR, ERR_NOT_PAIRED, 0]);
    expect(snapshot(sim)).toBe(before);
    expect(sim.link.counters.unpaired).toBeGreaterThanOrEqual(1);
  });

  test("pairing with the six digits read off the virtual panel lets a client drive the robot", async () => {
    const c = await connect();
    const digits = await pair(c);
    expect(Array.from(await c.call(msg((b) => encodePair(b, Number(digits)))))).toEqual([MSG_DONE, MSG_PAIR]);
    frame();
    expect(readPasskey(sim.host.panel.glassFrame())).toBeUndefined(); // the face is back
    const gift = sim.robot.engine.stimulusIndex("gift");
    expect(Array.from(await c.call(msg((b) => encodeStimulus(b, gift, 255))))).toEqual([MSG_ACK, gift]);
    // Another client is not paired by this one's pairing.
    const other = await connect();
    expect((await other.call(msg((b) => encodeStimulus(b, gift, 255))))[1]).toBe(ERR_NOT_PAIRED);
  });

  test("a wrong passkey is refused, spends the passkey, and the client stays unpaired", async () => {
    const c = await connect();
    const digits = await pair(c);
    const wrong = (Number(digits) + 1) % 1_000_000;
    expect(Array.from(await c.call(msg((b) => encodePair(b, wrong))))).toEqual([MSG_ERROR, ERR_PASSKEY, 2]);
    // The right digits no longer work: one try per passkey.
    expect((await c.call(msg((b) => encodePair(b, Number(digits)))))[1]).toBe(ERR_PASSKEY);
    const before = snapshot(sim);
    expect((await c.call(msg((b) => encodeStimulus(b, 0, 255))))[1]).toBe(ERR_NOT_PAIRED);
    expect(snapshot(sim)).toBe(before);
  });

  test("passkey attempts are throttled per client: one client's storm leaves another's pairing alone", async () => {
    const a = await connect();
    const b = await connect();
    const replies: number[] = [];
    // 100 ms apart: within the message rate (10 a second here), far over the pairing rate (1 a second).
    for (let i = 0; i < PAIRING_BURST + 3; i++) {
      clock += 100;
      replies.push((await a.call(msg(encodePairStart)))[0]);
    }
    expect(replies.filter((r) => r === MSG_DONE)).toHaveLength(PAIRING_BURST);
    expect(replies.filter((r) => r === MSG_ERROR)).toHaveLength(3);
    // b has its own budget: its passkey is drawn and its digits pair it.
    const digits = await pair(b);
    expect(Array.from(await b.call(msg((x) => encodePair(x, Number(digits)))))).toEqual([MSG_DONE, MSG_PAIR]);
  });

  test("when full, the unpaired client idle longest makes room; paired clients are never evicted", async () => {
    const idle = [await connect(), await connect(), await connect(), await connect()];
    await expect(connect()).rejects.toThrow("HTTP 503"); // none idle long enough yet
    clock += 6000;
    const evicted = sim.link.counters.evicted;
    const fresh = await connect();
    expect(sim.link.counters.evicted).toBe(evicted + 1);
    // Pair everyone left: then nobody is evicted and a fifth is refused.
    for (const c of [...idle.slice(1), fresh]) {
      const d = await pair(c);
      expect((await c.call(msg((x) => encodePair(x, Number(d)))))[0]).toBe(MSG_DONE);
    }
    clock += 6000;
    await expect(connect()).rejects.toThrow("HTTP 503");
  });

  test("a page from another origin, or a foreign Host name, cannot open the socket", async () => {
    const accepted = sim.link.counters.accepted;
    await expect(connect({ Origin: "http://evil.example.com" })).rejects.toThrow("HTTP 403");
    await expect(connect({ Host: "evil.example.com" })).rejects.toThrow("HTTP 403");
    expect(sim.link.counters.accepted).toBe(accepted);
    // The simulator's own page origin is fine.
    const port = new URL(sim.url).port;
    await connect({ Origin: `http://127.0.0.1:${port}` });
  });

  test("connections beyond the cap are refused with 503", async () => {
    for (let i = 0; i < 4; i++) await connect();
    await expect(connect()).rejects.toThrow("HTTP 503");
  });

  test("a client over its message rate is cut off at its burst; the rest are dropped and counted", async () => {
    const c = await connect();
    const dropped = sim.link.counters.dropped;
    const replies = c.got.length;
    const bad = Uint8Array.of(0x42); // any message counts against the rate
    for (let i = 0; i < 50; i++) c.ws.send(bad);
    // The clock has not moved, so nothing refills the bucket.
    await new Promise<void>((resolve) => {
      const check = () => (sim.link.counters.dropped - dropped + (c.got.length - replies) >= 50 ? resolve() : setImmediate(check));
      check();
    });
    const errors = c.got.slice(replies).filter((m) => m instanceof Uint8Array && m[0] === MSG_ERROR);
    expect(errors).toHaveLength(5);
    expect(sim.link.counters.dropped - dropped).toBe(45);
  });

  test("a client far over its rate (abuse drops within a second) is disconnected", async () => {
    const c = await connect();
    const closed = new Promise((r) => c.ws.once("close", r));
    const abusive = sim.link.counters.abusive;
    // One write carrying many frames, far over the rate.
    // A masked binary frame of one byte (0x42) with a zero mask, written straight to the socket.
    const frameBytes = Buffer.from([0x82, 0x81, 0, 0, 0, 0, 0x42]);
    c.ws.send(Uint8Array.of(0x42));
    (c.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.concat(Array(120).fill(frameBytes)));
    await closed;
    expect(sim.link.counters.abusive).toBe(abusive + 1);
  });

  test("a client that stops reading gets no more glass and state once behind, then is disconnected", async () => {
    const c = await connect();
    c.ws.pause(); // stop reading: the socket's buffers fill
    const coalesced = sim.link.counters.coalesced;
    const disconnected = sim.link.counters.disconnected;
    // Publish until the link holds back (figures go out at each multiple of 500 ms of robot time).
    let t = Math.ceil(sim.time() / 500) * 500;
    for (let i = 0; i < 200_000 && sim.link.counters.coalesced === coalesced; i++) {
      t += 500;
      sim.link.frame(t);
    }
    expect(sim.link.counters.coalesced).toBeGreaterThan(coalesced);
    expect(sim.link.clients()).toBe(1);
    clock += DEFAULT_SEND_LIMITS.stallMs;
    sim.link.frame(t + 33);
    expect(sim.link.counters.disconnected).toBe(disconnected + 1);
    expect(sim.link.clients()).toBe(0);
  });

  test("fps is counted in wall time, not robot time", async () => {
    const c = await connect();
    const stats = () => c.next((m) => typeof m === "string" && m.includes('"stats"')).then((m) => JSON.parse(m as string));
    // Figures go out every 500 ms of robot time (STATS_EVERY_MS), and at once when the clock went back.
    let t = 0;
    let next = stats();
    sim.link.frame(t);
    await next;
    // Ten frames of robot time within 90 ms of wall time, then one a second later: 1 fps.
    for (let i = 0; i < 10; i++) {
      clock += 10;
      sim.link.frame((t += 33));
    }
    clock += 1000;
    next = stats();
    sim.link.frame((t = STATS_EVERY_MS));
    expect((await next).fps).toBe(1);
    // Nine more frames 10 ms apart: 100 fps, whatever robot time says.
    for (let i = 0; i < 8; i++) {
      clock += 10;
      sim.link.frame((t += 33));
    }
    clock += 10;
    next = stats();
    sim.link.frame(2 * STATS_EVERY_MS);
    expect((await next).fps).toBeCloseTo(100, 5);
  });
});

describe("listening beyond loopback", () => {
  test("warns once on stderr", async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => (writes.push(String(s)), true));
    const sim = await startSim({ port: 0, host: "0.0.0.0", framesFile: join(REPO_ROOT, "frames", "frames.bin"), speed: 1, hz: 400000, seed: 1, quiet: true });
    spy.mockRestore();
    await sim.close();
    expect(writes.filter((w) => w.includes("listening on 0.0.0.0"))).toHaveLength(1);
  });
});
