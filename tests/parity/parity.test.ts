/*
 * The XS parity suite: the engine's test vectors run on the real XS engine (xsnap, built from npm
 * @agoric/xsnap's sources) and on Node.js from the same compiled modules; the outputs must be equal
 * line for line, which means bit-identical trajectories.
 */
import { buildParity, runNode, runXs } from "../../tools/xs/harness.js";

describe("XS parity", () => {
  let entry: string;
  beforeAll(() => {
    entry = buildParity();
  });

  test("engine trajectories, animator frames and link session replies are bit-identical on XS and on Node", () => {
    const xs = runXs(entry, "PARITY-DONE").lines;
    const node = runNode(entry, "PARITY-DONE").lines;
    expect(xs.length).toBeGreaterThan(100);
    for (let i = 0; i < Math.max(xs.length, node.length); i++) {
      // Compare line by line so a failure shows the first diverging vector and step.
      expect([i, xs[i]]).toEqual([i, node[i]]);
    }
  });
});
