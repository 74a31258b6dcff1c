#!/usr/bin/env node
// The `moodface` command. Tools are TypeScript; tsx compiles them on load (no build step to forget).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../tools/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
