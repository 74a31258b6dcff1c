/*
 * Link session vectors for the XS parity suite: seeded transcripts of BLE-style and WebSocket-style
 * sessions (connects, security reports, passkeys, subscriptions, valid, mutated and random writes)
 * against a real emotion engine. Prints a hash of every reply, the session's state and the engine's
 * levels every 2,000 events; equal output on XS and Node means the same replies to the same transcript.
 */
import { EmotionEngine } from "../../modules/emotion/engine.js";
import { loadProfile } from "../../modules/emotion/profile.js";
import { loadCatalog } from "../../modules/emotion/catalog.js";
import { loadWheel } from "../../modules/emotion/wheel.js";
import { encodeForget, encodePair, encodePairStart, encodeProfile, encodeStimulus, ERR_PROFILE } from "../../modules/link/codec.js";
import { LinkSession, PAIRING_MESSAGE, PAIRING_STACK, type StimulusSink } from "../../modules/link/session.js";
import { Random } from "../../modules/common/random.js";
import type { ParityData } from "./vectors.js";

function fnv(h: number, v: number): number {
  for (let i = 0; i < 4; i++) h = Math.imul(h ^ ((v >>> (i * 8)) & 0xff), 16777619);
  return h >>> 0;
}

export function runSessionVectors(data: ParityData, out: (line: string) => void, events = 20000): void {
  const catalog = loadCatalog(data.stimuli, "stimuli.json");
  const wheel = loadWheel(data.wheel, "wheel.json", catalog.tags);
  const profile = loadProfile(data.profiles["default"], "default.json");
  for (const mode of [PAIRING_STACK, PAIRING_MESSAGE]) {
    const engine = new EmotionEngine(profile, catalog, wheel);
    // What Robot.apply does, without the panel.
    const sink: StimulusSink = {
      stimulusCount: catalog.names.length,
      tagCount: catalog.tags.length,
      apply(m) {
        engine.stimulate(m.stimulus, m.intensity, m.tags, m.tagCount);
      },
      get served() {
        return engine.state.served;
      },
      get violated() {
        return engine.state.violated;
      },
      // What Robot.switchProfile does, with the shipped profiles from the data module.
      switchProfile(name) {
        const doc = data.profiles[name];
        if (doc === undefined) return ERR_PROFILE;
        engine.setProfile(loadProfile(doc, "profile.json"));
        return 0;
      },
    };
    const profileNames = Object.keys(data.profiles).sort().concat(["nosuch", "Bad"]);
    const session = new LinkSession(sink, { pairing: mode, passkeys: new Random(77 + mode) });
    const r = new Random(1000 + mode);
    const msg = new Uint8Array(24);
    const reply = new Uint8Array(8);
    const tags = [0, 0];
    let now = 0;
    let h = 2166136261;
    for (let k = 1; k <= events; k++) {
      now = (now + r.range(0, 60)) | 0;
      const roll = r.range(0, 99);
      if (roll < 2) session.connect(now);
      else if (roll < 3) session.disconnect();
      else if (roll < 6) session.secured(r.range(0, 31));
      else if (roll < 7) session.resumed();
      else if (roll < 8) session.showPasskey(r.next() | 0, now);
      else if (roll < 9) session.pairingFailed();
      else if (roll < 11) session.subscribe(r.range(0, 1) === 1, now);
      else if (roll < 14) engine.step(r.range(1, 100));
      else {
        let n: number;
        const kind = r.range(0, 10);
        if (kind < 4) {
          tags.length = r.range(0, 2);
          for (let i = 0; i < tags.length; i++) tags[i] = r.range(0, catalog.tags.length);
          n = encodeStimulus(msg, r.range(0, catalog.names.length), r.range(0, 255), tags);
        } else if (kind === 4) n = encodeForget(msg);
        else if (kind === 5) n = encodePairStart(msg);
        else if (kind === 6) n = encodePair(msg, r.range(0, 2) === 0 ? session.overlay(now) : r.range(0, 1100000));
        else if (kind === 10) n = encodeProfile(msg, profileNames[r.range(0, profileNames.length - 1)]);
        else {
          n = r.range(0, 22);
          for (let i = 0; i < n; i++) msg[i] = r.next() & 0xff;
          if (n > 0 && kind === 7) msg[0] = r.range(0, 1) === 0 ? 0x01 : 0x10 + r.range(0, 3);
        }
        if (n > 2 && r.range(0, 4) === 0) msg[r.range(0, n - 1)] ^= 1 << r.range(0, 7); // mutation
        const len = session.write(msg, n, reply, now);
        h = fnv(h, len);
        for (let i = 0; i < len; i++) h = fnv(h, reply[i]);
        h = fnv(h, session.takeActions());
      }
      if (session.notifyDue(now)) {
        session.notified(now);
        h = fnv(h, now);
      }
      h = fnv(fnv(fnv(h, session.security), session.overlay(now)), session.authorised ? 1 : 0);
      if (k % 2000 === 0) {
        for (let c = 0; c < engine.state.levels.length; c++) h = fnv(h, engine.state.levels[c]);
        out(`session mode=${mode} event=${k} t=${now} hash=${h}`);
      }
    }
    out(`session mode=${mode} profile=${engine.profile.name} writes=${session.counters.writes} accepted=${session.counters.accepted} notPaired=${session.counters.refusedNotPaired} malformed=${session.counters.malformed} notifications=${session.counters.notifications} levels=${Array.from(engine.state.levels).join(",")}`);
  }
}
