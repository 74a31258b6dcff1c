/*
 * Entry module of the XS parity suite, compiled by tsc and run unchanged by `xsnap -m` (the real XS
 * engine) and by `node`. data.js is written next to the compiled file by the harness (tools/xs).
 */
import data from "./data.js";
import { runEngineVectors, runFaceVectors } from "./vectors.js";
import { runSessionVectors } from "./session-vectors.js";

const g = globalThis as unknown as { print?: (s: string) => void; console?: { log: (s: string) => void } };
const out = g.print ?? ((s: string) => g.console!.log(s));

runEngineVectors(data, out);
runFaceVectors(data, out);
runSessionVectors(data, out);
out("PARITY-DONE");
