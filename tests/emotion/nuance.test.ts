import { ONE } from "../../modules/emotion/fixed.js";
import { CORES, WORDS_PER_CORE } from "../../modules/emotion/names.js";
import { loadWheel } from "../../modules/emotion/wheel.js";
import { readJson, DATA_DIR } from "../../tools/lib/data.js";
import { catalog, engineFor, wheel } from "../helpers/engine.js";
import { join } from "node:path";

const INTENSITIES = [0.3, 0.6, 1].map((x) => Math.round(x * ONE));

/**
 * Searches short stimulus histories (one stimulus, or two a second apart, at three intensities,
 * looking 0.3 s and 3 s after) and records the first history that shows each word.
 */
function findHistories(): Map<string, string> {
  const found = new Map<string, string>();
  const look = (engine: ReturnType<typeof engineFor>, label: string) => {
    for (const wait of [300, 2700]) {
      engine.step(wait);
      const w = engine.wheel.words[engine.state.nuance];
      if (!found.has(w)) found.set(w, `${label}, then ${wait === 300 ? "0.3" : "3"} s`);
    }
  };
  const n = catalog.names.length;
  const name = (i: number, q: number) => `${catalog.names[i]}@${(q / ONE).toFixed(1)}`;
  look(engineFor("default"), "rest");
  for (let a = 0; a < n; a++) {
    for (const qa of INTENSITIES) {
      const e = engineFor("default");
      e.stimulate(a, qa);
      look(e, name(a, qa));
    }
  }
  for (let a = 0; a < n && found.size < wheel.words.length; a++) {
    for (let b = 0; b < n; b++) {
      for (const qa of INTENSITIES) {
        for (const qb of INTENSITIES) {
          const e = engineFor("default");
          e.stimulate(a, qa);
          e.step(1000);
          e.stimulate(b, qb);
          look(e, `${name(a, qa)} then ${name(b, qb)}`);
        }
      }
    }
  }
  return found;
}

describe("feeling wheel nuance", () => {
  test("the wheel has 6 cores of 6 middle words: 36 words in all", () => {
    expect(wheel.words).toHaveLength(CORES.length * WORDS_PER_CORE);
    expect(new Set(wheel.words).size).toBe(36);
  });

  test("every one of the 36 words is reachable by some stimulus history", () => {
    const found = findHistories();
    const missing = wheel.words.filter((w) => !found.has(w));
    if (process.env.MOODFACE_SHOW_HISTORIES) for (const [w, h] of found) console.log(`${w}: ${h}`);
    expect(missing).toEqual([]);
  });

  test("context picks the word: scared + social rejection -> rejected; sad + blame -> guilty", () => {
    const e = engineFor("default");
    e.stimulate(e.stimulusIndex("surprise"), (ONE * 0.3) | 0);
    e.step(1000);
    e.stimulate(e.stimulusIndex("ignore"), (ONE * 0.3) | 0);
    e.step(300);
    expect(CORES[e.state.core]).toBe("scared");
    expect(e.wheel.words[e.state.nuance]).toBe("rejected");

    const g = engineFor("default");
    g.stimulate(g.stimulusIndex("blame"), (ONE * 0.6) | 0);
    g.step(300);
    expect(CORES[g.state.core]).toBe("sad");
    expect(g.wheel.words[g.state.nuance]).toBe("guilty");
  });

  test("context fades: with no new stimuli the word falls back to the intensity word", () => {
    const e = engineFor("default");
    e.stimulate(e.stimulusIndex("touch"), ONE);
    e.step(300);
    expect(e.wheel.words[e.state.nuance]).toBe("loving");
    e.step(120_000);
    expect(e.wheel.words[e.state.nuance]).toBe("content");
  });

  test("a wheel whose word can never be chosen is rejected, naming the word", () => {
    const doc = readJson(join(DATA_DIR, "wheel.json")) as Record<string, any>;
    doc.cores.mad.words.hurt = [];
    expect(() => loadWheel(doc, "wheel.json", catalog.tags)).toThrow("wheel.json: cores.mad.words.hurt: this word has no tags");
    doc.cores.mad.words.hurt = ["no_such_tag"];
    expect(() => loadWheel(doc, "wheel.json", catalog.tags)).toThrow('wheel.json: cores.mad.words.hurt[0]: unknown name "no_such_tag"');
  });
});
