#!/usr/bin/env node
/*
 * Part of `npm ci` (postinstall, first step) and of .ci/run: the system packages the tools and tests
 * need besides Node: a C toolchain (the XS engine, the decoder's C backend), Debian's chromium (the
 * browser tests drive /usr/bin/chromium through playwright-core) and python3-venv (the decoder's
 * Python side lives in .venv), meson and ninja (`npm run test:device` builds picolibc for the emulated
 * ESP32-S3 with them, tools/s3/xs). Missing ones are installed with apt-get when we are root on a Debian
 * system; otherwise one line says what to install. MOODFACE_SKIP_SYSTEM=1 skips this step;
 * MOODFACE_SKIP_PYTHON=1 leaves python3-venv out.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ok = (cmd, args = ["--version"]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;

export function missingPackages() {
  const need = [];
  if (!ok("make")) need.push("make");
  if (!ok("cc")) need.push("gcc");
  if (!ok("g++")) need.push("g++");
  if (!existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")) need.push("chromium");
  if (!ok("meson")) need.push("meson");
  if (!ok("ninja")) need.push("ninja-build");
  if (process.env.MOODFACE_SKIP_PYTHON !== "1") {
    if (!ok("python3")) need.push("python3");
    if (!ok("python3", ["-c", "import ensurepip, venv"])) need.push("python3-venv");
  }
  return need;
}

function main() {
  if (process.env.MOODFACE_SKIP_SYSTEM === "1") return;
  const need = missingPackages();
  if (need.length === 0) return;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !ok("apt-get", ["--version"])) {
    console.error(`setup: missing ${need.join(", ")}: install them with \`sudo apt-get install ${need.join(" ")}\` (or your system's packages), then run npm test`);
    return;
  }
  console.log(`setup: installing ${need.join(", ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const install = update.status === 0 && spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...need], { stdio: "inherit", env });
  if (!install || install.status !== 0) {
    console.error(`setup: apt-get install ${need.join(" ")} failed; install them by hand, then run npm test`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
