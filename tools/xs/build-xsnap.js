#!/usr/bin/env node
/*
 * Builds the plain `xsnap` command line (the real XS engine that runs ES modules from files) from the
 * XS sources that npm `@agoric/xsnap` installs, with that package's own makefile. Runs as our
 * postinstall, so `npm ci` leaves a ready engine for the parity suite and the bench; idempotent.
 * Plain JavaScript because it runs before anything else is set up.
 */
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = join(root, "node_modules", "@agoric", "xsnap");
export const XSNAP_BIN = join(pkg, "moddable", "build", "bin", "lin", "release", "xsnap");

function build() {
  if (existsSync(XSNAP_BIN)) return;
  if (!existsSync(pkg)) {
    console.error("build-xsnap: node_modules/@agoric/xsnap is missing; run npm ci first");
    process.exit(1);
  }
  console.log("build-xsnap: building the xsnap command line from @agoric/xsnap's XS sources (about 20 s)");
  const r = spawnSync("make", ["-f", "xsnap.mk", "GOAL=release", `MODDABLE=${join(pkg, "moddable")}`, "-j2"], {
    cwd: join(pkg, "xsnap-native", "xsnap", "makefiles", "lin"),
    stdio: "inherit",
  });
  if (r.status !== 0 || !existsSync(XSNAP_BIN)) {
    console.error("build-xsnap: make failed; the XS parity suite needs gcc and make");
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
