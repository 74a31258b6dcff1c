/*
 * Bundled into one script for the xsnap worker, which reports XS heap slots after each evaluation:
 * probe(n) runs n steps, so equal slot counts after probe(0) and probe(100000) mean the step
 * allocates nothing on XS.
 */
import data from "../../tests/parity/data.js";
import { makeEngine, runSteps } from "./workload.js";

const engine = makeEngine(data);
runSteps(engine, 1000);
(globalThis as unknown as { probe: (n: number) => number }).probe = (n: number) => runSteps(engine, n);
