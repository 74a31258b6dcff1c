/*
 * PROFILE (switch personality) and the ACK's appraisal bytes (docs/protocol.md): codec round trips,
 * every malformed message named by its byte, the session's rule (paired peers only), and the robot:
 * a switch lands, is saved with the state and survives a reboot; a rejected one changes nothing.
 */
import { readStateFile } from "../../tools/sim/flash-file.js";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import {
  ACK_APPRAISAL_BYTES,
  checkProfile,
  decodeAck,
  encodeAck,
  encodeProfile,
  encodeStimulus,
  ERR_LENGTH,
  ERR_NOT_PAIRED,
  ERR_PROFILE,
  ERR_UNKNOWN_TYPE,
  ERR_VERSION,
  ERROR_TEXT,
  MSG_ACK,
  MSG_DONE,
  MSG_ERROR,
  MSG_PROFILE,
  PROFILE_NAME_MAX,
  profileName,
  REPLY_MAX_BYTES,
} from "../../modules/link/codec.js";
import { LinkSession, SEC_PAIRED } from "../../modules/link/session.js";
import { Robot } from "../../modules/app/robot.js";
import { decodeSaved } from "../../modules/app/saved.js";
import { PASSIONS } from "../../modules/emotion/names.js";
import { createSimHost } from "../../tools/sim/host.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";
import fc from "fast-check";

const FRAMES = join(REPO_ROOT, "frames", "frames.bin");
function robot(stateFile?: string) {
  const traces: string[] = [];
  const host = createSimHost({ framesFile: FRAMES, stateFile, config: {}, now: () => 0, trace: (m) => traces.push(m) });
  return { robot: new Robot(host), traces };
}
const snapshot = (r: Robot) => JSON.stringify([r.engine.profile.name, Array.from(r.engine.state.levels), Array.from(r.engine.state.probabilities), r.engine.state.dominant]);
const bit = (p: string) => 1 << PASSIONS.indexOf(p as never);

describe("codec: PROFILE and the ACK's appraisal", () => {
  test("PROFILE round-trips for every name length 1..16", () => {
    const b = new Uint8Array(20);
    const m = { errorAt: -1 };
    for (let n = 1; n <= PROFILE_NAME_MAX; n++) {
      const name = "guardian-inventor_0123".slice(0, n);
      const len = encodeProfile(b, name);
      expect(len).toBe(3 + n);
      expect(len).toBeLessThanOrEqual(20);
      expect(checkProfile(b, len, m)).toBe(0);
      expect(profileName(b)).toBe(name);
    }
  });

  test.each([
    ["wrong version", (b: Uint8Array) => (b[1] = 2), 9, ERR_VERSION, 1],
    ["empty name", (b: Uint8Array) => (b[2] = 0), 3, ERR_PROFILE, 2],
    ["17 characters", (b: Uint8Array) => (b[2] = 17), 20, ERR_PROFILE, 2],
    ["a length that disagrees", (b: Uint8Array) => (b[2] = 5), 11, ERR_LENGTH, 8],
    ["an upper-case letter", (b: Uint8Array) => (b[5] = 0x41), 11, ERR_PROFILE, 5],
    ["a slash", (b: Uint8Array) => (b[3] = 0x2f), 11, ERR_PROFILE, 3],
    ["cut short", () => undefined, 2, ERR_LENGTH, 2],
  ])("PROFILE with %s is refused naming the byte", (_what, mutate, length, code, at) => {
    const b = new Uint8Array(24);
    encodeProfile(b, "guardian");
    mutate(b);
    const m = { errorAt: -1 };
    expect([checkProfile(b, length, m), m.errorAt]).toEqual([code, at]);
  });

  test("ACK: two bytes when nothing was appraised, six with the masks; round trips", () => {
    const b = new Uint8Array(REPLY_MAX_BYTES);
    expect(encodeAck(b, 7)).toBe(2);
    expect(decodeAck(b.subarray(0, 2))).toEqual({ stimulus: 7, served: 0, violated: 0 });
    for (const [s, v] of [[bit("learning") | bit("innovation"), 0], [0, bit("integrity")], [0xfff, 0xfff], [bit("privacy"), bit("autonomy")]]) {
      expect(encodeAck(b, 40, s, v)).toBe(ACK_APPRAISAL_BYTES);
      expect(decodeAck(b)).toEqual({ stimulus: 40, served: s, violated: v });
    }
    expect(decodeAck(new Uint8Array([MSG_ACK, 1, 2]))).toBeUndefined();
    expect(ERROR_TEXT[ERR_PROFILE]).toBe("unknown profile");
  });
});

describe("session: PROFILE is for paired peers only", () => {
  const msg = () => {
    const b = new Uint8Array(20);
    return b.slice(0, encodeProfile(b, "guardian"));
  };
  test("an unpaired peer gets 'not paired' and the robot keeps its profile", () => {
    const { robot: r } = robot();
    const s = new LinkSession(r);
    s.connect(0);
    const before = snapshot(r);
    const reply = new Uint8Array(REPLY_MAX_BYTES);
    const m = msg();
    expect(Array.from(reply.subarray(0, s.write(m, m.length, reply, 0)))).toEqual([MSG_ERROR, ERR_NOT_PAIRED, 0]);
    expect(snapshot(r)).toBe(before);
  });

  test("a paired peer switches it: DONE 13, the levels stay, the new weights apply", () => {
    const { robot: r } = robot();
    r.frame(0);
    const s = new LinkSession(r);
    s.connect(0);
    s.secured(SEC_PAIRED);
    const levels = Array.from(r.engine.state.levels);
    const reply = new Uint8Array(REPLY_MAX_BYTES);
    const m = msg();
    expect(Array.from(reply.subarray(0, s.write(m, m.length, reply, 0)))).toEqual([MSG_DONE, MSG_PROFILE]);
    expect(r.engine.profile.name).toBe("guardian");
    expect(Array.from(r.engine.state.levels)).toEqual(levels);
    // The lie is now appraised by the guardian, and the ACK says so.
    const b = new Uint8Array(20);
    const n = encodeStimulus(b, r.engine.stimulusIndex("lie"), 255);
    const k = s.write(b, n, reply, 1);
    expect(decodeAck(reply.subarray(0, k))).toEqual({ stimulus: r.engine.stimulusIndex("lie"), served: 0, violated: bit("integrity") });
  });

  test("a sink without switchProfile answers PROFILE as an unknown type", () => {
    const s = new LinkSession({ stimulusCount: 1, tagCount: 0, apply: () => undefined });
    s.connect(0);
    s.secured(SEC_PAIRED);
    const reply = new Uint8Array(REPLY_MAX_BYTES);
    const m = msg();
    expect(Array.from(reply.subarray(0, s.write(m, m.length, reply, 0)))).toEqual([MSG_ERROR, ERR_UNKNOWN_TYPE, 0]);
  });
});

describe("fuzz: PROFILE from a paired peer", () => {
  test("any bytes after 0x13: DONE to a shipped profile, or an ERROR and the robot exactly as it was", () => {
    const { robot: r } = robot();
    r.frame(0);
    const s = new LinkSession(r);
    s.connect(0);
    s.secured(SEC_PAIRED);
    const reply = new Uint8Array(REPLY_MAX_BYTES);
    const shipped = ["anxious", "cheerful", "default", "guardian", "inventor", "lovheim"];
    const nameBytes = fc.oneof(
      fc.constantFrom(...shipped).map((n) => Array.from(n, (c) => c.charCodeAt(0))),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 20 }), nameBytes, fc.boolean(), (version, n, name, exact) => {
        const bytes = Uint8Array.from([MSG_PROFILE, version, exact ? name.length : n, ...name]);
        const before = snapshot(r);
        const k = s.write(bytes, bytes.length, reply, 0);
        if (reply[0] === MSG_DONE) {
          expect(Array.from(reply.subarray(0, k))).toEqual([MSG_DONE, MSG_PROFILE]);
          expect(shipped).toContain(r.engine.profile.name);
        } else {
          expect(reply[0]).toBe(MSG_ERROR);
          expect(snapshot(r)).toBe(before);
        }
      }),
      { numRuns: 400, seed: 22 },
    );
  });
});

describe("robot: a switched profile is saved with the state", () => {
  test("unknown or invalid profiles are refused with byte 3 and change nothing", () => {
    const { robot: r } = robot();
    r.frame(0);
    r.engine.stimulate(r.engine.stimulusIndex("gift"), 1 << 24);
    const before = snapshot(r);
    const reply = new Uint8Array(REPLY_MAX_BYTES);
    const b = new Uint8Array(20);
    for (const name of ["nosuch", "stimuli", "wheel"]) {
      const n = encodeProfile(b, name);
      expect(checkProfile(b, n, { errorAt: 0 })).toBe(0);
      expect(r.switchProfile(profileName(b.subarray(0, n)))).toBe(ERR_PROFILE);
      expect(snapshot(r)).toBe(before);
    }
  });

  test("every shipped profile's name is its file name, so the saved name finds the file at boot", () => {
    for (const n of ["anxious", "cheerful", "default", "guardian", "inventor", "lovheim"]) {
      const doc = JSON.parse(readFileSync(join(REPO_ROOT, "modules", "emotion", "data", "profiles", `${n}.json`), "utf8"));
      expect([n, doc.name]).toEqual([n, n]);
    }
  });

  test("the choice is saved at once and the robot boots into it", () => {
    const dir = tempDir();
    const state = join(dir, "state.bin");
    const { robot: r } = robot(state);
    r.frame(0);
    const b = new Uint8Array(20);
    const reply = new Uint8Array(REPLY_MAX_BYTES);
    r.engine.stimulate(r.engine.stimulusIndex("loss"), 1 << 24);
    const n = encodeProfile(b, "inventor");
    expect(r.switchProfile(profileName(b.subarray(0, n)))).toBe(0);
    const saved = decodeSaved(readStateFile(state)!);
    expect(saved?.profile).toBe("inventor");
    expect(Array.from(saved!.levels)).toEqual(Array.from(r.engine.state.levels));
    const again = robot(state).robot;
    expect(again.engine.profile.name).toBe("inventor");
    expect(Array.from(again.engine.state.levels)).toEqual(Array.from(r.engine.state.levels));
  });

  test("a state file written before passions (same version-1 payload, built here byte by byte) still loads", () => {
    const dir = tempDir();
    const state = join(dir, "state.bin");
    const name = "cheerful";
    const level = 0x00900000; // 0.5625 of K
    const bytes = [1, name.length, ...Array.from(name, (c) => c.charCodeAt(0))];
    for (let c = 0; c < 6; c++) bytes.push(level & 0xff, (level >>> 8) & 0xff, (level >>> 16) & 0xff, level >>> 24);
    writeFileSync(state, Buffer.from(bytes));
    const r = robot(state).robot;
    expect(r.engine.profile.name).toBe("cheerful");
    expect(Array.from(r.engine.state.levels)).toEqual(new Array(6).fill(level));
  });
});
