/*
 * The simulator on its own process for the link bench: prints its token URL (the terminal's key),
 * then each new passkey as "passkey <client> <digits>" (what the terminal shows), and runs until
 * stdin closes.
 */
import { join } from "node:path";
import { startSim } from "../../tools/sim/server.js";
import { REPO_ROOT } from "../../tools/lib/data.js";

const sim = await startSim({
  port: 0,
  framesFile: join(REPO_ROOT, "frames", "frames.bin"),
  speed: 1,
  hz: 400000,
  seed: 1,
  quiet: true,
  onPasskey: (id, _address, digits) => process.stdout.write(`passkey ${id} ${digits}\n`),
});
process.stdout.write(`${sim.tokenUrl}\n`);
process.stdin.resume();
process.stdin.on("end", () => void sim.close().then(() => process.exit(0)));
