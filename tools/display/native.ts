/*
 * The firmware's frame work in C, the SSD1306 driver's (native/display/frame.c) and the animator's
 * (native/face/animator.c), as a Node addon built with the machine's C compiler when missing or older
 * than its sources, so that the host can check it against the portable TypeScript
 * (tests/display/native-frame.test.ts, tests/face/native-animator.test.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FrameOps } from "../../modules/display/planner.js";
import type { AnimatorOps } from "../../modules/face/animator.js";
import { REPO_ROOT } from "../lib/data.js";

export const FRAME_ADDON = join(REPO_ROOT, "build", "native", "frame.node");
const SOURCES = [join(REPO_ROOT, "native", "node", "frame.c"), join(REPO_ROOT, "native", "display", "frame.c"), join(REPO_ROOT, "native", "face", "animator.c")];
const HEADERS = [join(REPO_ROOT, "native", "display", "frame.h"), join(REPO_ROOT, "native", "face", "animator.h"), join(REPO_ROOT, "native", "common", "geometry.h")];

export function buildFrameAddon(): string {
  const newest = Math.max(...[...SOURCES, ...HEADERS].map((f) => statSync(f).mtimeMs));
  if (existsSync(FRAME_ADDON) && statSync(FRAME_ADDON).mtimeMs >= newest) return FRAME_ADDON;
  mkdirSync(dirname(FRAME_ADDON), { recursive: true });
  // Node-API's headers from npm node-api-headers, as tools/decoder/native.ts builds the decoder's.
  const include = join(dirname(createRequire(import.meta.url).resolve("node-api-headers/package.json")), "include");
  const tmp = `${FRAME_ADDON}.${process.pid}.tmp`;
  const r = spawnSync("cc", ["-O2", "-std=c99", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter", "-DNODE_GYP_MODULE_NAME=moodface_frame", `-I${include}`, "-o", tmp, ...SOURCES], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`building the frame addon (native/display) failed:\n${r.stderr}`);
  renameSync(tmp, FRAME_ADDON); // atomic: a concurrent test never loads a half-written addon
  return FRAME_ADDON;
}

/** The C frame work as the driver's FrameOps (what the board runs through display/native-frame). */
export function nativeFrameOps(): FrameOps {
  return createRequire(import.meta.url)(buildFrameAddon()) as FrameOps;
}

/** The C animator work as the animator's AnimatorOps (what the board runs through face/native-animator). */
export function nativeAnimatorOps(): AnimatorOps {
  return createRequire(import.meta.url)(buildFrameAddon()) as AnimatorOps;
}
