import {
  checkCommand,
  checkEnvelope,
  commandBytes,
  decodePasskey,
  encodeDone,
  encodeForget,
  encodePair,
  encodePairStart,
  encodeStimulus,
  ERR_LENGTH,
  ERR_NOT_PAIRED,
  ERR_PASSKEY,
  ERR_UNKNOWN_TYPE,
  ERR_VERSION,
  ERR_EMPTY,
  ERROR_TEXT,
  MSG_ACK,
  MSG_DONE,
  MSG_ERROR,
  MSG_FORGET,
  MSG_PAIR,
  MSG_PAIR_START,
  PASSKEY_LIMIT,
} from "../../modules/link/codec.js";
import {
  ACT_FORGET_BONDS,
  LinkSession,
  NOTIFY_INTERVAL_MS,
  PAIRING_MESSAGE,
  PASSKEY_TIMEOUT_MS,
  SEC_AUTHENTICATED,
  SEC_BONDED,
  SEC_ENCRYPTED,
  SEC_PAIRED,
  SEC_SECURE_CONNECTIONS,
  type StimulusSink,
} from "../../modules/link/session.js";
import { Random } from "../../modules/common/random.js";
import { engineFingerprint, makeRobot } from "./helpers.js";

const robot = makeRobot();
const gift = robot.engine.stimulusIndex("gift");
const reply = new Uint8Array(8);
const buf = new Uint8Array(24);

function stim(): Uint8Array {
  const n = encodeStimulus(buf, gift, 200);
  return buf.slice(0, n);
}
const rep = (n: number) => Array.from(reply.subarray(0, n));

/** A sink that counts the stimuli handed over, with the robot's catalog sizes. */
function spy(): StimulusSink & { calls: number } {
  const s = {
    calls: 0,
    stimulusCount: robot.stimulusCount,
    tagCount: robot.tagCount,
    apply() {
      s.calls++;
    },
  };
  return s;
}

describe("codec: commands of the link", () => {
  test("FORGET, PAIR_START, PAIR and DONE round-trip; checks name the byte at fault", () => {
    const m = { errorAt: -1 };
    const b = new Uint8Array(8);
    expect(encodeForget(b)).toBe(2);
    expect([b[0], b[1]]).toEqual([MSG_FORGET, 1]);
    expect(checkCommand(b, 2, m)).toBe(0);
    expect(encodePairStart(b)).toBe(2);
    expect(checkCommand(b, 2, m)).toBe(0);
    for (const key of [0, 1, 42, 123456, 999999]) {
      expect(encodePair(b, key)).toBe(5);
      expect(b[0]).toBe(MSG_PAIR);
      expect(checkCommand(b, 5, m)).toBe(0);
      expect(decodePasskey(b)).toBe(key);
    }
    expect(encodeDone(b, MSG_FORGET)).toBe(2);
    expect([b[0], b[1]]).toEqual([MSG_DONE, MSG_FORGET]);
    expect([commandBytes(MSG_FORGET), commandBytes(MSG_PAIR_START), commandBytes(MSG_PAIR), commandBytes(0x01)]).toEqual([2, 2, 5, 0]);

    const cases: [number[], number, number][] = [
      [[], ERR_EMPTY, 0],
      [[MSG_FORGET], ERR_LENGTH, 2],
      [[MSG_FORGET, 1, 0], ERR_LENGTH, 2],
      [[MSG_FORGET, 2], ERR_VERSION, 1],
      [[MSG_PAIR, 1, 0, 0], ERR_LENGTH, 5],
      [[MSG_PAIR, 1, 0x0f, 0x42, 0x40], ERR_PASSKEY, 2], // 1,000,000
      [[MSG_PAIR, 7, 0, 0, 1], ERR_VERSION, 1],
      [[0x13, 1], ERR_UNKNOWN_TYPE, 0],
      [new Array(21).fill(MSG_FORGET), ERR_LENGTH, 20],
    ];
    for (const [bytes, code, at] of cases) {
      m.errorAt = -1;
      // The one length check (checkEnvelope), then the command's own.
      const got = checkEnvelope(bytes.length, m) || checkCommand(Uint8Array.from(bytes), bytes.length, m);
      expect([bytes, got, m.errorAt]).toEqual([bytes, code, at]);
    }
    expect(ERROR_TEXT[ERR_NOT_PAIRED]).toBe("not paired");
    expect(ERROR_TEXT[ERR_PASSKEY]).toBe("wrong passkey");
    expect(PASSKEY_LIMIT).toBe(1000000);
  });
});

describe("link session (BLE: pairing by the stack)", () => {
  test("a fresh link is unauthorised: a stimulus gets ERROR not paired and the engine is bit-identical", () => {
    const s = new LinkSession(robot);
    s.connect(0);
    expect(s.authorised).toBe(false);
    const before = engineFingerprint(robot.engine);
    const m = stim();
    expect(rep(s.write(m, m.length, reply, 0))).toEqual([MSG_ERROR, ERR_NOT_PAIRED, 0]);
    expect(engineFingerprint(robot.engine)).toBe(before);
    expect(s.counters.refusedNotPaired).toBe(1);
  });

  test("only an encrypted, authenticated, bonded, LE Secure Connections link may write (all 16 combinations)", () => {
    for (let flags = 0; flags < 16; flags++) {
      const sink = spy();
      const s = new LinkSession(sink);
      s.connect(0);
      s.secured(flags);
      const m = stim();
      const n = s.write(m, m.length, reply, 0);
      if (flags === SEC_PAIRED) {
        expect([flags, rep(n), sink.calls]).toEqual([flags, [MSG_ACK, gift], 1]);
      } else {
        expect([flags, rep(n), sink.calls]).toEqual([flags, [MSG_ERROR, ERR_NOT_PAIRED, 0], 0]);
      }
    }
  });

  test("Just Works bond, unbonded passkey link and legacy pairing are each refused by name", () => {
    const cases = {
      justWorksBond: SEC_ENCRYPTED | SEC_BONDED | SEC_SECURE_CONNECTIONS,
      unbonded: SEC_ENCRYPTED | SEC_AUTHENTICATED | SEC_SECURE_CONNECTIONS,
      legacyPasskey: SEC_ENCRYPTED | SEC_AUTHENTICATED | SEC_BONDED,
      unencrypted: SEC_AUTHENTICATED | SEC_BONDED | SEC_SECURE_CONNECTIONS,
    };
    for (const [name, flags] of Object.entries(cases)) {
      const s = new LinkSession(robot);
      s.connect(0);
      s.secured(flags);
      const before = engineFingerprint(robot.engine);
      const m = stim();
      expect([name, rep(s.write(m, m.length, reply, 0))]).toEqual([name, [MSG_ERROR, ERR_NOT_PAIRED, 0]]);
      expect(engineFingerprint(robot.engine)).toBe(before);
    }
  });

  test("an authorised stimulus reaches the robot and is acknowledged; malformed ones name the byte and change nothing", () => {
    const s = new LinkSession(robot);
    s.connect(0);
    s.secured(SEC_PAIRED);
    const before = engineFingerprint(robot.engine);
    const bad: number[][] = [[0x01, 1, 250, 255, 0], [0x01, 9, gift, 255, 0], [0x01, 1, gift, 255, 1, 200], [0x01, 1]];
    for (const b of bad) {
      const n = s.write(Uint8Array.from(b), b.length, reply, 0);
      expect(reply[0]).toBe(MSG_ERROR);
      expect(n).toBe(3);
      expect(engineFingerprint(robot.engine)).toBe(before);
    }
    expect(s.counters.malformed).toBe(bad.length);
    const m = stim();
    expect(rep(s.write(m, m.length, reply, 0))).toEqual([MSG_ACK, gift]);
    expect(engineFingerprint(robot.engine)).not.toBe(before);
    expect(s.counters.accepted).toBe(1);
  });

  test("empty, over-long and unknown messages are refused whoever sends them; PAIR messages are unknown over BLE", () => {
    for (const flags of [0, SEC_PAIRED]) {
      const s = new LinkSession(spy());
      s.connect(0);
      s.secured(flags);
      expect(rep(s.write(buf, 0, reply, 0))).toEqual([MSG_ERROR, ERR_EMPTY, 0]);
      expect(rep(s.write(new Uint8Array(30), 30, reply, 0))).toEqual([MSG_ERROR, ERR_LENGTH, 20]);
      expect(rep(s.write(Uint8Array.of(0x7e), 1, reply, 0))).toEqual([MSG_ERROR, ERR_UNKNOWN_TYPE, 0]);
      const n = encodePairStart(buf);
      expect(rep(s.write(buf, n, reply, 0))).toEqual([MSG_ERROR, ERR_UNKNOWN_TYPE, 0]);
      const k = encodePair(buf, 123456);
      expect(rep(s.write(buf, k, reply, 0))).toEqual([MSG_ERROR, ERR_UNKNOWN_TYPE, 0]);
      expect(s.takeActions()).toBe(0);
    }
  });

  test("connect, secured, disconnect: nothing survives the link; events without a peer are ignored", () => {
    const s = new LinkSession(spy());
    s.secured(SEC_PAIRED); // before connect: ignored
    s.resumed();
    s.showPasskey(1, 0);
    s.subscribe(true, 0);
    expect([s.connected, s.security, s.subscribed, s.overlay(0), s.authorised]).toEqual([false, 0, false, -1, false]);
    const m = stim();
    expect(rep(s.write(m, m.length, reply, 0))).toEqual([MSG_ERROR, ERR_NOT_PAIRED, 0]);
    s.connect(10);
    s.secured(SEC_PAIRED | 0xf0);
    expect(s.security).toBe(SEC_PAIRED);
    expect(s.authorised).toBe(true);
    s.disconnect();
    expect([s.connected, s.security, s.authorised]).toEqual([false, 0, false]);
    s.connect(20);
    expect(s.authorised).toBe(false);
  });

  test("resumed(): a bonded peer back on an authenticated-only characteristic is authorised, unless the stack already reported less", () => {
    const s = new LinkSession(spy());
    s.connect(0);
    s.resumed();
    expect(s.authorised).toBe(true);
    s.disconnect();
    s.connect(0);
    s.secured(SEC_ENCRYPTED | SEC_AUTHENTICATED | SEC_SECURE_CONNECTIONS); // fresh pairing, no bond
    s.resumed();
    expect(s.authorised).toBe(false);
  });

  test("the passkey overlay shows until pairing succeeds, fails, the peer leaves or time runs out", () => {
    const s = new LinkSession(spy());
    s.connect(0);
    s.showPasskey(42, 1000);
    expect(s.overlay(1000)).toBe(42);
    s.secured(SEC_PAIRED);
    expect(s.overlay(1001)).toBe(-1);

    s.showPasskey(999999, 2000);
    s.pairingFailed();
    expect(s.overlay(2000)).toBe(-1);

    s.showPasskey(7, 3000);
    s.disconnect();
    expect(s.overlay(3000)).toBe(-1);

    s.connect(4000);
    s.showPasskey(123, 4000);
    expect(s.overlay(4000 + PASSKEY_TIMEOUT_MS - 1)).toBe(123);
    expect(s.overlay(4000 + PASSKEY_TIMEOUT_MS)).toBe(-1);

    s.showPasskey(1234567, 0); // out of range from a confused stack: still six digits
    expect(s.overlay(0)).toBe(234567);
    s.showPasskey(-1, 0);
    expect(s.overlay(0)).toBeGreaterThanOrEqual(0);
    expect(s.overlay(0)).toBeLessThan(PASSKEY_LIMIT);
  });

  test("notifications: only when subscribed, the first at once, then 10 per second, never closer than 50 ms (wrap-safe)", () => {
    const s = new LinkSession(spy());
    expect(s.notifyDue(0)).toBe(false);
    s.connect(0);
    expect(s.notifyDue(1000)).toBe(false);
    s.subscribe(true, 1000);
    expect(s.notifyDue(1000)).toBe(true);
    s.notified(1000);
    expect(s.notifyDue(1000 + NOTIFY_INTERVAL_MS - 1)).toBe(false);
    expect(s.notifyDue(1000 + NOTIFY_INTERVAL_MS)).toBe(true);
    // Asked at every 33 ms frame for 10 s: 10 per second, not one every 4th frame (7.6 per second).
    const ask = (from: number, to: number, step: number) => {
      const times: number[] = [];
      for (let t = from; t < to; t += step) {
        if (s.notifyDue(t)) {
          s.notified(t);
          times.push(t);
        }
      }
      return times;
    };
    let times = ask(2000, 12000, 33);
    expect(times.length).toBeGreaterThanOrEqual(99);
    expect(times.length).toBeLessThanOrEqual(101);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(NOTIFY_INTERVAL_MS / 2);
    // Asked every millisecond, or with ragged gaps: never more than 10 in any second, no bursts after a stall.
    for (const step of [1, 7, 45, 160]) {
      times = ask(20000 + step * 1000, 30000 + step * 1000, step);
      expect(times.length).toBeLessThanOrEqual(101);
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(NOTIFY_INTERVAL_MS / 2);
      for (let i = 10; i < times.length; i++) expect(times[i] - times[i - 10]).toBeGreaterThanOrEqual(9 * NOTIFY_INTERVAL_MS);
    }
    s.subscribe(false, 200000);
    expect(s.notifyDue(300000)).toBe(false);
    // Near the int32 wrap of a millisecond clock.
    const edge = 0x7fffffff - 50;
    s.subscribe(true, edge);
    expect(s.notifyDue(edge)).toBe(true);
    s.notified(edge);
    expect(s.notifyDue((edge + 60) | 0)).toBe(false);
    expect(s.notifyDue((edge + NOTIFY_INTERVAL_MS) | 0)).toBe(true);
    s.disconnect();
    expect(s.notifyDue(edge + 1000)).toBe(false);
  });

  test("FORGET: refused unpaired (no action), checked, then deletes the bonds and this peer must pair again", () => {
    const s = new LinkSession(robot);
    s.connect(0);
    const n = encodeForget(buf);
    expect(rep(s.write(buf, n, reply, 0))).toEqual([MSG_ERROR, ERR_NOT_PAIRED, 0]);
    expect(s.takeActions()).toBe(0);
    s.secured(SEC_ENCRYPTED | SEC_BONDED | SEC_SECURE_CONNECTIONS); // Just Works bond
    expect(rep(s.write(buf, n, reply, 0))).toEqual([MSG_ERROR, ERR_NOT_PAIRED, 0]);
    expect(s.takeActions()).toBe(0);
    s.secured(SEC_PAIRED);
    expect(rep(s.write(Uint8Array.of(MSG_FORGET, 1, 0), 3, reply, 0))).toEqual([MSG_ERROR, ERR_LENGTH, 2]);
    expect(rep(s.write(Uint8Array.of(MSG_FORGET, 3), 2, reply, 0))).toEqual([MSG_ERROR, ERR_VERSION, 1]);
    expect(s.takeActions()).toBe(0);
    const before = engineFingerprint(robot.engine);
    expect(rep(s.write(buf, n, reply, 0))).toEqual([MSG_DONE, MSG_FORGET]);
    expect(engineFingerprint(robot.engine)).toBe(before);
    expect(s.takeActions()).toBe(ACT_FORGET_BONDS);
    expect(s.takeActions()).toBe(0);
    expect(s.authorised).toBe(false);
    const m = stim();
    expect(rep(s.write(m, m.length, reply, 0))).toEqual([MSG_ERROR, ERR_NOT_PAIRED, 0]);
  });
});

describe("link session (WebSocket: pairing by message)", () => {
  const key = (seed: number) => (new Random(seed).next() >>> 0) % PASSKEY_LIMIT;

  test("needs a passkey source", () => {
    expect(() => new LinkSession(robot, { pairing: PAIRING_MESSAGE })).toThrow(/passkeys/);
  });

  test("PAIR_START shows a passkey; the right one authorises, a wrong one is refused and spends it", () => {
    const s = new LinkSession(robot, { pairing: PAIRING_MESSAGE, passkeys: new Random(5) });
    s.connect(0);
    const before = engineFingerprint(robot.engine);
    // PAIR with nothing on show.
    let n = encodePair(buf, key(5));
    expect(rep(s.write(buf, n, reply, 0))).toEqual([MSG_ERROR, ERR_PASSKEY, 2]);
    n = encodePairStart(buf);
    expect(rep(s.write(buf, n, reply, 10))).toEqual([MSG_DONE, MSG_PAIR_START]);
    const shown = s.overlay(10);
    expect(shown).toBe(key(5));
    n = encodePair(buf, (shown + 1) % PASSKEY_LIMIT);
    expect(rep(s.write(buf, n, reply, 20))).toEqual([MSG_ERROR, ERR_PASSKEY, 2]);
    expect(s.overlay(20)).toBe(-1);
    n = encodePair(buf, shown); // the right digits, but that passkey is spent
    expect(rep(s.write(buf, n, reply, 30))).toEqual([MSG_ERROR, ERR_PASSKEY, 2]);
    expect(s.authorised).toBe(false);
    const m = stim();
    expect(rep(s.write(m, m.length, reply, 30))).toEqual([MSG_ERROR, ERR_NOT_PAIRED, 0]);
    expect(engineFingerprint(robot.engine)).toBe(before);

    n = encodePairStart(buf);
    s.write(buf, n, reply, 40);
    const second = s.overlay(40);
    expect(second).toBeGreaterThanOrEqual(0);
    n = encodePair(buf, second);
    expect(rep(s.write(buf, n, reply, 50))).toEqual([MSG_DONE, MSG_PAIR]);
    expect(s.authorised).toBe(true);
    expect(s.overlay(50)).toBe(-1);
    expect(rep(s.write(m, m.length, reply, 60))).toEqual([MSG_ACK, gift]);
    s.disconnect();
    s.connect(70);
    expect(s.authorised).toBe(false);
  });

  test("PAIR_START again while a passkey is on show keeps it: same digits, same expiry (no storm of passkeys)", () => {
    const s = new LinkSession(robot, { pairing: PAIRING_MESSAGE, passkeys: new Random(7) });
    s.connect(0);
    const n = encodePairStart(buf);
    expect(rep(s.write(buf, n, reply, 10))).toEqual([MSG_DONE, MSG_PAIR_START]);
    const shown = s.overlay(10);
    for (let t = 20; t < 2000; t += 50) expect(rep(s.write(buf, n, reply, t))).toEqual([MSG_DONE, MSG_PAIR_START]);
    expect(s.overlay(2000)).toBe(shown);
    expect(s.shownSince(2000)).toBe(10);
    // Past its expiry a new one is drawn.
    s.write(buf, n, reply, 10 + PASSKEY_TIMEOUT_MS);
    expect(s.shownSince(10 + PASSKEY_TIMEOUT_MS)).toBe(10 + PASSKEY_TIMEOUT_MS);
  });

  test("a malformed or late PAIR spends the passkey", () => {
    const s = new LinkSession(spy(), { pairing: PAIRING_MESSAGE, passkeys: new Random(9) });
    s.connect(0);
    s.write(buf, encodePairStart(buf), reply, 0);
    const shown = s.overlay(0);
    expect(rep(s.write(Uint8Array.of(MSG_PAIR, 2, 0, 0, 0), 5, reply, 0))).toEqual([MSG_ERROR, ERR_VERSION, 1]);
    expect(s.overlay(0)).toBe(-1);
    s.write(buf, encodePairStart(buf), reply, 0);
    const again = s.overlay(0);
    expect(again).not.toBe(shown);
    expect(rep(s.write(buf, encodePair(buf, again), reply, PASSKEY_TIMEOUT_MS))).toEqual([MSG_ERROR, ERR_PASSKEY, 2]);
    expect(s.authorised).toBe(false);
  });
});
