/*
 * The firmware's frame work in C, the SSD1306 driver's (native/display/frame.c) and the animator's
 * (native/face/animator.c), as a Node addon built with the machine's C compiler when missing or older
 * than its sources, so that the host can check it against the portable TypeScript
 * (tests/display/native-frame.test.ts, tests/face/native-animator.test.ts).
 */
import { join } from "node:path";
import type { FrameOps } from "../../modules/display/planner.js";
import type { AnimatorOps } from "../../modules/face/animator.js";
import { REPO_ROOT } from "../lib/data.js";
import { buildNodeAddon, loadNodeAddon } from "../lib/node-addon.js";

export const FRAME_ADDON = join(REPO_ROOT, "build", "native", "frame.node");
const SOURCES = [join(REPO_ROOT, "native", "node", "frame.c"), join(REPO_ROOT, "native", "display", "frame.c"), join(REPO_ROOT, "native", "face", "animator.c")];
const HEADERS = [join(REPO_ROOT, "native", "display", "frame.h"), join(REPO_ROOT, "native", "face", "animator.h"), join(REPO_ROOT, "native", "common", "geometry.h")];

export function buildFrameAddon(): string {
  return buildNodeAddon({ output: FRAME_ADDON, name: "moodface_frame", sources: SOURCES, headers: HEADERS, flags: ["-Wextra", "-Wno-unused-parameter"] });
}

/** The C frame work as the driver's FrameOps (what the board runs through display/native-frame). */
export function nativeFrameOps(): FrameOps {
  return loadNodeAddon<FrameOps>(buildFrameAddon());
}

/** The C animator work as the animator's AnimatorOps (what the board runs through face/native-animator). */
export function nativeAnimatorOps(): AnimatorOps {
  return loadNodeAddon<AnimatorOps>(buildFrameAddon());
}
