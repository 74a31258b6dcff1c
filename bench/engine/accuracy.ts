/*
 * Fixed-point engine against the float64 Runge-Kutta reference: the largest level gap over 10
 * simulated minutes of random stimulus storms (and a quiet run), per shipped profile. The test
 * asserts the 0.5%-of-K bound; this prints how far inside it the engine is.
 */
import fc from "fast-check";
import { largestGap } from "../../tools/engine/reference.js";
import { createEngine, readCatalog, shippedProfileNames } from "../../tools/lib/data.js";
import { ONE } from "../../modules/emotion/fixed.js";

const TEN_MINUTES = 600_000;

export function accuracyBench(): [string, number][] {
  const catalog = readCatalog();
  const storms = fc.sample(
    fc.array(fc.record({ t: fc.integer({ min: 0, max: TEN_MINUTES }), stimulus: fc.integer({ min: 0, max: catalog.names.length - 1 }), intensity: fc.integer({ min: 0, max: ONE }) }), { maxLength: 120 }).map((a) => a.sort((x, y) => x.t - y.t)),
    { seed: 42, numRuns: 3 },
  );
  storms.push([]);
  return shippedProfileNames().map((name) => {
    let worst = 0;
    for (const storm of storms) worst = Math.max(worst, largestGap(createEngine(name), storm, TEN_MINUTES, 250));
    return [name, worst];
  });
}

export function printAccuracy(rows: [string, number][]): void {
  console.log("## Emotion engine accuracy: largest gap to the float64 reference over 10 simulated minutes (bound 0.5% of K)");
  for (const [name, gap] of rows) console.log(`${name.padEnd(10)} ${(gap * 100).toFixed(4)}% of K`);
}
