/*
 * Fuzz suite: at least 1,000,000 random and mutated messages through codec, link session and a real
 * Robot (tests/fuzz/fuzz.ts says what is checked after each). The million run in a child Node
 * process from an esbuild bundle of fuzz.ts: inside jest's module sandbox the engine's integer
 * arithmetic runs ~7x slower, too slow for CI. A short run also goes through jest itself.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { describeCounts, runFuzz } from "./fuzz.js";

const MESSAGES = 1_000_000;
const SEED = 0x5eed1234;

test("fuzz, short run in jest: every check holds", () => {
  const c = runFuzz(20000, 7);
  expect(c.messages).toBe(20000);
  expect(c.acked).toBeGreaterThan(0);
  expect(c.notPaired).toBeGreaterThan(0);
  console.log(describeCounts(c, 7));
});

test(`fuzz: ${MESSAGES.toLocaleString("en")} random and mutated messages through codec, session and robot`, () => {
  const out = join(REPO_ROOT, "build", "fuzz", "fuzz.mjs");
  buildSync({
    entryPoints: [join(REPO_ROOT, "tests", "fuzz", "fuzz.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: out,
    logLevel: "error",
    // CommonJS dependencies of the simulator's host (write-file-atomic) need a require in ESM.
    banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
  });
  const r = spawnSync(process.execPath, [out, String(MESSAGES), String(SEED)], { encoding: "utf8", cwd: REPO_ROOT });
  if (r.status !== 0) throw new Error(`fuzz failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  const line = r.stdout.split("\n").find((l) => l.startsWith("fuzz: "));
  expect(line).toBeDefined();
  console.log(line);
  const m = /^fuzz: (\d+) messages .*?: (\d+) authorised stimuli reached the robot, (\d+) applied, (\d+) refused as not paired, (\d+) malformed/.exec(line!);
  expect(m).not.toBeNull();
  const [messages, robot, applied, notPaired, malformed] = m!.slice(1).map(Number);
  expect(messages).toBeGreaterThanOrEqual(1_000_000);
  expect(robot).toBeGreaterThan(messages / 3); // a large share reaches the robot
  expect(applied).toBeGreaterThan(messages / 10);
  expect(notPaired).toBeGreaterThan(messages / 10);
  expect(malformed).toBeGreaterThan(messages / 10);
});
