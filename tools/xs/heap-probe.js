#!/usr/bin/env node
/*
 * Measures XS heap use of a bundled script with the xsnap worker from npm @agoric/xsnap, whose
 * replies carry the machine's heap slot count. Usage: heap-probe.js bundle.js n1 n2 ...
 * Evaluates the bundle, then `function(n)` for each n, and prints JSON: the slot count after each.
 * A separate process because @agoric/xsnap needs SES (@endo/init), which hardens the host realm.
 */
import "@endo/init";
import { xsnap } from "@agoric/xsnap";
import { spawn } from "node:child_process";
import * as fsp from "node:fs/promises";
import { createReadStream, readFileSync } from "node:fs";
import os from "node:os";
import tmp from "tmp";

const [bundle, fn, ...counts] = process.argv.slice(2);
if (!/^[A-Za-z_]\w*$/.test(fn ?? "")) {
  process.stderr.write("usage: heap-probe.js bundle.js function n1 n2 ...\n");
  process.exit(2);
}
const worker = await xsnap({
  os: os.type(),
  spawn,
  fs: { ...fsp, createReadStream, tmpName: tmp.tmpName },
  meteringLimit: 0,
  stderr: "inherit",
});
try {
  await worker.evaluate(readFileSync(bundle, "utf8"));
  const results = [];
  for (const n of counts) {
    const r = await worker.evaluate(`${fn}(${Number(n)})`);
    results.push({ steps: Number(n), heapSlots: r.meterUsage.currentHeapCount, computrons: r.meterUsage.compute });
  }
  process.stdout.write(JSON.stringify(results) + "\n");
} finally {
  await worker.close();
}
