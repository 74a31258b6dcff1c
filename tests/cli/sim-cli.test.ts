/*
 * `moodface sim` started as a user starts it: a saved state that is corrupt or names a path is moved
 * aside with a warning, stale temp files of a killed run are removed, a busy port is one line.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeSaved } from "../../modules/app/saved.js";
import { startSim } from "../../tools/sim/server.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { moodfaceAsync, moodfaceRunning, stop, tempDir } from "../helpers/cli.js";

import { encodeFlash } from "../../tools/sim/flash-file.js";
import { encodeRecord, KEY_A } from "../../modules/app/state-store.js";

const URL_LINE = /moodface simulator: (http:\/\/\S+)/;

describe("moodface sim", () => {
  test("a corrupt saved state is named, kept as .corrupt, and the robot starts at rest", async () => {
    const dir = tempDir();
    const state = join(dir, "state.bin");
    writeFileSync(state, Buffer.from("not a state at all"));
    const run = await moodfaceRunning(["sim", "--port", "0", "--state", state], URL_LINE);
    expect(run.match).toBeTruthy();
    expect(run.stderr()).toContain(`moodface: --state ${state}: not a saved state (docs/formats/saved-state.md); kept a copy as ${state}.corrupt, starting at rest`);
    expect(readFileSync(`${state}.corrupt`, "utf8")).toBe("not a state at all");
    expect(await stop(run)).toBe(0);
    expect(existsSync(state)).toBe(true); // saved again on exit
  });

  test("a profile name from the state file is never used as a path", async () => {
    const dir = tempDir();
    const state = join(dir, "state.bin");
    // Whole and CRC-checked, as the simulator writes it (the board's A/B store over its flash file).
    writeFileSync(state, encodeFlash(new Map([[KEY_A, encodeRecord(1, encodeSaved("../../../package", new Int32Array(6)))]])));
    const run = await moodfaceRunning(["sim", "--port", "0", "--state", state], URL_LINE);
    expect(run.match).toBeTruthy();
    expect(run.stderr()).toContain('names the profile "../../../package", which is not shipped; kept a copy');
    expect(run.stderr()).not.toContain("package.json");
    expect(run.stderr()).toContain("moodface: profile default");
    await stop(run);
  });

  test("temp files left by a killed run (state.bin.<number>) are removed at start", async () => {
    const dir = tempDir();
    const state = join(dir, "state.bin");
    writeFileSync(join(dir, "state.bin.1234567"), "half");
    writeFileSync(join(dir, "state.bin.keep-me"), "mine");
    const run = await moodfaceRunning(["sim", "--port", "0", "--state", state], URL_LINE);
    expect(readdirSync(dir).sort()).toEqual(["state.bin.keep-me"].concat(existsSync(state) ? ["state.bin"] : []).sort());
    await stop(run);
  });

  test("a busy port is one line naming it and suggesting --port 0", async () => {
    const dir = tempDir();
    const sim = await startSim({ port: 0, framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile: join(dir, "a.bin"), speed: 1, hz: 400000, seed: 1, quiet: true });
    const port = new URL(sim.url).port;
    try {
      const r = await moodfaceAsync(["sim", "--port", port, "--state", join(dir, "b.bin")]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split("\n").filter((l) => l.startsWith("moodface: --port"))).toEqual([`moodface: --port ${port}: port ${port} is in use (another simulator?): try --port 0 for any free port`]);
      expect(r.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
      // Checked before the robot boots: that one line is all of stderr.
      expect(r.stderr).toBe(`moodface: --port ${port}: port ${port} is in use (another simulator?): try --port 0 for any free port\n`);
      const host = await moodfaceAsync(["sim", "--port", "0", "--host", "10.255.255.254", "--state", join(dir, "c.bin")]);
      expect([host.status, host.stderr]).toEqual([1, "moodface: --host 10.255.255.254: no such address on this machine\n"]);
    } finally {
      await sim.close();
    }
  });
});
