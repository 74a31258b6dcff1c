/* Shared by the link tests and the fuzz suite: a real Robot on the simulator's host, and a fingerprint
 * of everything the emotion engine keeps (public state and private memory), to prove "nothing changed". */
import { join } from "node:path";
import { Robot } from "../../modules/app/robot.js";
import { LinkSession, SEC_PAIRED, type StimulusSink } from "../../modules/link/session.js";
import { REPLY_MAX_BYTES } from "../../modules/link/codec.js";
import type { EmotionEngine } from "../../modules/emotion/engine.js";
import { createSimHost } from "../../tools/sim/host.js";
import { REPO_ROOT } from "../../tools/lib/data.js";

export function makeRobot(): Robot {
  const host = createSimHost({ framesFile: join(REPO_ROOT, "frames", "frames.bin"), config: {}, now: () => 0, trace: () => {} });
  const r = new Robot(host);
  r.frame(0);
  return r;
}

/**
 * What an app's writes go through: a BLE-style session already paired with `robot`. write() returns
 * the reply's bytes.
 */
export function pairedApp(robot: StimulusSink): { session: LinkSession; write(bytes: Uint8Array, length?: number): number[] } {
  const session = new LinkSession(robot);
  session.connect(0);
  session.secured(SEC_PAIRED);
  const reply = new Uint8Array(REPLY_MAX_BYTES);
  return { session, write: (bytes, length = bytes.length) => Array.from(reply.subarray(0, session.write(bytes, length, reply, 0))) };
}

/** FNV-1a over every number and typed array the engine holds (own fields, one level deep into state). */
export function engineFingerprint(e: EmotionEngine): number {
  let h = 2166136261;
  const mix = (v: number) => {
    h = Math.imul(h ^ (v | 0), 16777619) >>> 0;
  };
  const visit = (o: Record<string, unknown>, depth: number) => {
    for (const k of Object.keys(o).sort()) {
      const v = o[k];
      if (typeof v === "number") mix(v);
      else if (ArrayBuffer.isView(v)) {
        const a = v as unknown as ArrayLike<number>;
        for (let i = 0; i < a.length; i++) mix(a[i]);
      } else if (depth === 0 && k === "state" && v && typeof v === "object") visit(v as Record<string, unknown>, 1);
    }
  };
  visit(e as unknown as Record<string, unknown>, 0);
  return h;
}
