/*
 * Power cuts and bit flips against the A/B saved state (modules/app/state-store.ts). The fake store
 * behaves like Moddable's esp32 Preference.set: it erases the key, then writes the value a byte at a
 * time; the power goes after any step. Whatever happens, load() returns the last or the previous
 * saved state (or, before the first save completed, nothing), never garbage.
 */
import { decodeSaved, encodeSaved } from "../../modules/app/saved.js";
import { decodeRecord, encodeRecord, KEY_A, KEY_B, LEGACY_KEY, newer, preferenceStore, StateStore, type KeyValueStore } from "../../modules/app/state-store.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { Random } from "../../modules/common/random.js";

class PowerCut extends Error {}

/** How a half-written value looks after the cut: the bytes so far, then erased flash (0xff), or cut short. */
type Partial = "erased-tail" | "truncated";

class FakePreference implements KeyValueStore {
  data = new Map<string, Uint8Array>();
  budget = Infinity;
  steps = 0;
  constructor(public partial: Partial = "erased-tail") {}
  private step(): void {
    this.steps++;
    if (this.budget-- <= 0) throw new PowerCut("power cut");
  }
  get(key: string): unknown {
    const v = this.data.get(key);
    return v ? v.slice().buffer : undefined;
  }
  set(key: string, value: ArrayBuffer): void {
    const bytes = new Uint8Array(value);
    this.step();
    this.data.delete(key); // esp32 Preference.set: nvs_erase_key first
    const into = this.partial === "erased-tail" ? new Uint8Array(bytes.length).fill(0xff) : new Uint8Array(0);
    for (let i = 0; i < bytes.length; i++) {
      this.step();
      if (this.partial === "erased-tail") {
        into[i] = bytes[i];
        this.data.set(key, into.slice());
      } else this.data.set(key, bytes.slice(0, i + 1));
    }
  }
  delete(key: string): void {
    this.step();
    this.data.delete(key);
  }
  clone(): FakePreference {
    const c = new FakePreference(this.partial);
    for (const [k, v] of this.data) c.data.set(k, v.slice());
    return c;
  }
}

const valid = (b: Uint8Array) => decodeSaved(b) !== undefined;
const payload = (k: number) => encodeSaved(k % 3 === 0 ? "default" : k % 3 === 1 ? "anxious" : "cheerful", Int32Array.from([k * 1000, ONE - k, k, ONE >> 1, 0, (k * 7919) % ONE]));
const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString("hex") : "none");
const boot = (store: KeyValueStore, traces: string[] = []) => new StateStore(store, { trace: (m) => traces.push(m), valid });

describe("saved state: two records, sequence numbers, CRC-32", () => {
  test("records round-trip; every wrong field is named", () => {
    const p = payload(1);
    const r = encodeRecord(0xfffffffe, p);
    const d = decodeRecord(r);
    expect(typeof d).toBe("object");
    if (typeof d === "object") expect([d.sequence, hex(d.payload)]).toEqual([0xfffffffe, hex(p)]);
    expect(decodeRecord(r.subarray(0, 5))).toMatch(/too short/);
    const bad = (i: number, v: number) => {
      const c = r.slice();
      c[i] = v;
      return decodeRecord(c);
    };
    expect(bad(0, 0)).toMatch(/^byte 0/);
    expect(bad(1, 2)).toMatch(/^byte 1/);
    expect(bad(6, 99)).toMatch(/^bytes 6-7/);
    expect(bad(10, r[10] ^ 1)).toMatch(/CRC-32 mismatch/);
    expect(() => encodeRecord(1, new Uint8Array(300))).toThrow(/at most 255/);
  });

  test("sequence numbers compare across the wrap from 2^32-1 to 0", () => {
    expect(newer(1, 0)).toBe(true);
    expect(newer(0, 0xffffffff)).toBe(true);
    expect(newer(0xffffffff, 0)).toBe(false);
    expect(newer(5, 5)).toBe(false);
  });

  test("alternates A and B, loads the newest, skips unchanged saves", () => {
    const fake = new FakePreference();
    const s = boot(fake);
    expect(s.load()).toBeUndefined();
    expect(s.save(payload(1))).toBe(true);
    expect(s.save(payload(1))).toBe(false); // nothing changed: nothing written
    expect(s.save(payload(2))).toBe(true);
    expect([...fake.data.keys()].sort()).toEqual([KEY_A, KEY_B]);
    expect(hex(boot(fake).load())).toBe(hex(payload(2)));
    expect(s.save(payload(3))).toBe(true);
    const again = boot(fake);
    expect(hex(again.load())).toBe(hex(payload(3)));
    expect([again.newest, again.sequence]).toEqual([0, 3]);
  });

  for (const partial of ["erased-tail", "truncated"] as Partial[]) {
    test(`a power cut at every step of every write (${partial}) loads the last or the previous state, across the sequence wrap`, () => {
      let fake = new FakePreference(partial);
      // Start two saves before the wrap: the records carry 0xfffffffe and 0xffffffff.
      fake.data.set(KEY_A, encodeRecord(0xfffffffe, payload(0)));
      fake.data.set(KEY_B, encodeRecord(0xffffffff, payload(1)));
      let previous = payload(0);
      let last = payload(1);
      let cuts = 0;
      for (let k = 2; k < 8; k++) {
        const next = payload(k);
        for (let budget = 0; ; budget++) {
          const trial = fake.clone();
          const s = boot(trial);
          expect(hex(s.load())).toBe(hex(last));
          trial.steps = 0;
          trial.budget = budget;
          s.save(next);
          const completed = trial.budget >= 0; // the write finished before the power went
          trial.budget = Infinity;
          const loaded = hex(boot(trial).load());
          expect([k, budget, loaded === hex(last) || loaded === hex(next)]).toEqual([k, budget, true]);
          if (completed) {
            expect(loaded).toBe(hex(next));
            break;
          }
          expect(loaded).toBe(hex(last));
          cuts++;
          // And the robot saves again after the cut, as it would after a reboot.
          const after = boot(trial);
          after.load();
          after.save(next);
          expect(hex(boot(trial).load())).toBe(hex(next));
        }
        const s = boot(fake);
        s.load();
        s.save(next);
        fake = fake.clone();
        previous = last;
        last = next;
      }
      expect(hex(previous)).toBe(hex(payload(6)));
      // Sequence numbers went through the wrap: 0xffffffff, then 0, 1, ...
      const seqs = [KEY_A, KEY_B].map((key) => (decodeRecord(fake.data.get(key)!) as { sequence: number }).sequence).sort((a, b) => a - b);
      expect(seqs).toEqual([4, 5]);
      expect(cuts).toBeGreaterThan(6 * 40);
    });
  }

  test("every single bit flip in either record loads the last or the previous state", () => {
    const fake = new FakePreference();
    const s = boot(fake);
    s.load();
    s.save(payload(10));
    s.save(payload(11));
    let checked = 0;
    for (const key of [KEY_A, KEY_B]) {
      const good = fake.data.get(key)!;
      for (let bit = 0; bit < good.length * 8; bit++) {
        const bad = good.slice();
        bad[bit >> 3] ^= 1 << (bit & 7);
        fake.data.set(key, bad);
        const loaded = hex(boot(fake).load());
        // The flipped record is refused; the other one wins.
        expect([key, bit, loaded]).toEqual([key, bit, key === KEY_B ? hex(payload(10)) : hex(payload(11))]);
        checked++;
      }
      fake.data.set(key, good);
    }
    expect(checked).toBe(8 * (fake.data.get(KEY_A)!.length + fake.data.get(KEY_B)!.length));
  });

  test("random bit flips in both records: the result is one of the two saved states or nothing, never garbage", () => {
    const r = new Random(17);
    const fake = new FakePreference();
    const s = boot(fake);
    s.load();
    s.save(payload(20));
    s.save(payload(21));
    const good = new Map(fake.data);
    const allowed = new Set([hex(payload(20)), hex(payload(21)), "none"]);
    for (let trial = 0; trial < 2000; trial++) {
      for (const [k, v] of good) {
        const b = v.slice();
        const flips = r.range(0, 3);
        for (let f = 0; f < flips; f++) b[r.range(0, b.length - 1)] ^= 1 << r.range(0, 7);
        fake.data.set(k, b);
      }
      expect(allowed.has(hex(boot(fake).load()))).toBe(true);
    }
  });

  test("migrates the single-key format once, safely at every step; garbage means defaults with a trace", () => {
    const legacy = payload(30);
    const base = new FakePreference();
    base.data.set(LEGACY_KEY, legacy.slice());
    for (let budget = 0; budget < 200; budget++) {
      const trial = base.clone();
      trial.budget = budget;
      try {
        boot(trial).load();
      } catch (e) {
        if (!(e instanceof PowerCut)) throw e;
      }
      trial.budget = Infinity;
      const s = boot(trial);
      expect([budget, hex(s.load())]).toEqual([budget, hex(legacy)]);
      if (budget > 60) {
        expect(trial.data.has(LEGACY_KEY)).toBe(false);
        expect(trial.data.has(KEY_A)).toBe(true);
      }
    }
    const junk = new FakePreference();
    junk.data.set(KEY_A, Uint8Array.of(1, 2, 3));
    junk.data.set(KEY_B, new Uint8Array(40).fill(0x6d));
    junk.data.set(LEGACY_KEY, Uint8Array.of(9, 9));
    const traces: string[] = [];
    expect(boot(junk, traces).load()).toBeUndefined();
    expect(traces.join("")).toMatch(/no saved state \(stateA: record of 3 bytes is too short; stateB: byte 1: record version 109; state: not a valid record\); starting at rest/);
  });

  test("a store that throws never takes the robot down; Preference's shape adapts in one call", () => {
    const traces: string[] = [];
    const broken: KeyValueStore = {
      get: () => {
        throw new Error("nvs read");
      },
      set: () => {
        throw new Error("nvs full");
      },
      delete: () => {},
    };
    const s = new StateStore(broken, { trace: (m) => traces.push(m) });
    expect(s.load()).toBeUndefined();
    expect(s.save(payload(1))).toBe(false);
    expect(traces.join("")).toMatch(/reading stateA failed: nvs read[\s\S]*saving the state failed: nvs full/);
    const calls: string[] = [];
    const pref = {
      get: (d: string, k: string) => (calls.push(`get ${d} ${k}`), undefined),
      set: (d: string, k: string) => void calls.push(`set ${d} ${k}`),
      delete: (d: string, k: string) => void calls.push(`delete ${d} ${k}`),
    };
    const ps = new StateStore(preferenceStore(pref, "moodface"), { trace: () => {} });
    ps.load();
    ps.save(payload(1));
    expect(calls).toEqual(["get moodface stateA", "get moodface stateB", "get moodface state", "set moodface stateA"]);
    // Preference.get returns strings and numbers too: not records.
    const odd = new StateStore({ get: () => "text", set: () => {}, delete: () => {} }, { trace: () => {} });
    expect(odd.load()).toBeUndefined();
  });
});
