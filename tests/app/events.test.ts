/*
 * The event log's one source (modules/app/events.ts): EVENT round-trips through the codec, the one
 * sentence every client writes from it, and the robot emitting it through its links a second after
 * each stimulus with what the face really did (asleep: no reflex).
 */
import { join } from "node:path";
import { decodeEvent, encodeEvent, EVENT_BYTES, MSG_EVENT, NO_REFLEX_BYTE, type EventFacts } from "../../modules/link/codec.js";
import { eventSentence, EVENT_SETTLE_MS, EVENTS_PENDING } from "../../modules/app/events.js";
import { DID_NOTHING, DID_REFLEX, DID_SLEEP, DID_WAKE } from "../../modules/app/behaviour.js";
import { REFLEXES } from "../../modules/face/reflexes.js";
import { EMOTIONS, PASSIONS } from "../../modules/emotion/names.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { Robot } from "../../modules/app/robot.js";
import { createSimHost } from "../../tools/sim/host.js";
import { REPO_ROOT } from "../../tools/lib/data.js";

const E = (name: string) => EMOTIONS.indexOf(name as never);
const facts = (o: Partial<EventFacts>): EventFacts => ({ stimulus: 0, intensity: 204, reaction: DID_NOTHING, reflex: NO_REFLEX_BYTE, dominantBefore: E("joy"), dominantAfter: E("joy"), moved: E("mad"), before: 13, after: 56, at: 0, served: 0, violated: 0, ...o });

describe("EVENT and its sentence", () => {
  test("round trip, every field; anything else is refused", () => {
    const f = facts({ stimulus: 36, intensity: 255, reaction: DID_WAKE, reflex: 3, dominantBefore: 7, dominantAfter: 2, moved: 2, before: 1, after: 250, at: 0xfedcba98, served: 0x0a81, violated: 0x0800 });
    const b = new Uint8Array(EVENT_BYTES);
    expect(encodeEvent(b, f)).toBe(EVENT_BYTES);
    expect(EVENT_BYTES).toBeLessThanOrEqual(20);
    expect(decodeEvent(b)).toEqual(f);
    expect(decodeEvent(b.subarray(0, EVENT_BYTES - 1))).toBeUndefined();
    for (const [at, v] of [[0, 0x90], [1, 9], [6, 8], [7, 200], [8, 8]]) {
      const bad = b.slice();
      bad[at] = v;
      expect([at, decodeEvent(bad)]).toEqual([at, undefined]);
    }
  });

  test("the emotion that moved most, who leads, and the face's reaction", () => {
    expect(eventSentence(facts({ intensity: 204 }), "insult", EMOTIONS)).toBe("insult 0.80: mad rose to 0.22, joy still leads");
    expect(eventSentence(facts({ intensity: 255, moved: E("joy"), before: 153, after: 51, dominantAfter: E("calm") }), "loss", EMOTIONS)).toBe("loss 1.00: joy fell to 0.20, calm now leads");
    expect(eventSentence(facts({ intensity: 128, moved: E("mad"), before: 26, after: 166, dominantBefore: E("calm"), dominantAfter: E("mad"), reaction: DID_REFLEX, reflex: REFLEXES.indexOf("flinch") }), "hit", EMOTIONS)).toBe("hit 0.50: mad rose to 0.65 and now leads; flinch");
    expect(eventSentence(facts({ intensity: 77, moved: E("calm"), before: 128, after: 129, dominantBefore: E("calm"), dominantAfter: E("calm"), reaction: DID_SLEEP }), "night", EMOTIONS)).toBe("night 0.30: little changed, calm still leads; fell asleep");
    expect(eventSentence(facts({ reaction: DID_WAKE, reflex: NO_REFLEX_BYTE }), "touch", EMOTIONS)).toMatch(/; woke up$/);
    // The robot's appraisal comes before the face's reaction: which passion made it land harder.
    const integrity = 1 << PASSIONS.indexOf("integrity");
    expect(eventSentence(facts({ intensity: 255, moved: E("mad"), before: 26, after: 166, dominantBefore: E("calm"), dominantAfter: E("mad"), violated: integrity, reaction: DID_REFLEX, reflex: REFLEXES.indexOf("flinch") }), "lie", EMOTIONS)).toBe("lie 1.00: mad rose to 0.65 and now leads; the lie hurt: integrity; flinch");
    expect(eventSentence(facts({ reaction: DID_WAKE, reflex: REFLEXES.indexOf("double_take") }), "touch", EMOTIONS)).toMatch(/; woke up with a double take$/);
  });
});

describe("the robot emits EVENTs through its links", () => {
  const start = () => {
    const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), now: () => 0, trace: () => {}, config: { sensors: { imu: { address: -1 } } } });
    const robot = new Robot(host);
    const got: { at: number; facts: EventFacts }[] = [];
    let now = 0;
    robot.attach({ service: () => -1, event: (b, n) => got.push({ at: now, facts: decodeEvent(b.slice(0, n))! }) });
    const run = (until: number) => {
      for (; now <= until; now += robot.tickMs) robot.tick(now);
    };
    return { robot, got, run, idx: (n: string) => robot.engine.stimulusIndex(n), time: () => now };
  };

  test("a second after each stimulus, with the reflex it played", () => {
    const { robot, got, run, idx, time } = start();
    run(1000);
    robot.sense(idx("hit"), ONE);
    const landed = time() - robot.tickMs;
    run(landed + EVENT_SETTLE_MS - robot.tickMs);
    expect(got).toEqual([]);
    run(landed + EVENT_SETTLE_MS + 40);
    expect(got).toHaveLength(1);
    const e = got[0].facts;
    expect(e.stimulus).toBe(idx("hit"));
    expect(e.intensity).toBe(255);
    expect([e.reaction, REFLEXES[e.reflex]]).toEqual([DID_REFLEX, "flinch"]);
    expect(e.at).toBe(landed);
    expect(EMOTIONS[e.dominantAfter]).toBe(EMOTIONS[robot.engine.state.dominant]);
  });

  test("night, gift, threat: asleep, the gift plays no hearts and the threat no startle", () => {
    const { robot, got, run, idx, time } = start();
    run(500);
    for (const s of ["night", "gift", "threat"]) {
      robot.sense(idx(s), (0.8 * ONE) | 0);
      run(time() + 1500);
    }
    expect(got.map((g) => [robot.engine.catalog.names[g.facts.stimulus], g.facts.reaction])).toEqual([
      ["night", DID_SLEEP],
      ["gift", DID_NOTHING],
      ["threat", DID_NOTHING],
    ]);
    expect(eventSentence(got[0].facts, "night", EMOTIONS)).toMatch(/; fell asleep$/);
    expect(eventSentence(got[1].facts, "gift", EMOTIONS)).not.toMatch(/hearts/);
  });

  test("a flood keeps the newest EVENTS_PENDING, one message each", () => {
    const { robot, got, run, idx, time } = start();
    run(100);
    for (let i = 0; i < EVENTS_PENDING + 5; i++) robot.sense(idx("praise"), ONE >> 2);
    run(time() + 1500);
    expect(got).toHaveLength(EVENTS_PENDING);
    expect(new Set(got.map((g) => g.facts.stimulus))).toEqual(new Set([idx("praise")]));
    expect(MSG_EVENT).toBe(0x91);
  });
});
