#!/usr/bin/env node
// The `moodface` command. Tools are TypeScript; tsx compiles them on load (no build step to forget).
import { register } from "tsx/esm/api";

register();
const { main, errorLine } = await import("../tools/cli/main.ts");
const { oneLine } = await import("../tools/lib/text.ts");
// A failure outside the command's own flow (a stream error, a socket) is still one line and exit 1.
for (const event of ["uncaughtException", "unhandledRejection"]) {
  process.on(event, (e) => {
    if (process.env.MOODFACE_DEBUG === "1") console.error(e);
    process.stderr.write(`moodface: ${oneLine(errorLine(e))}\n`);
    process.exit(1);
  });
}
process.exitCode = await main(process.argv.slice(2));
