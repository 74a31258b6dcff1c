/* Shared test helpers: engines on the shipped data, and stimulus storms. */
import fc from "fast-check";
import { readCatalog, readProfile, readWheel, shippedProfileNames } from "../../tools/lib/data.js";
import { EmotionEngine } from "../../modules/emotion/engine.js";
import type { Profile } from "../../modules/emotion/profile.js";
import { ONE } from "../../modules/emotion/fixed.js";

export const catalog = readCatalog();
export const wheel = readWheel(catalog);
export const profiles = shippedProfileNames();

const loaded = new Map<string, Profile>();

/** A fresh engine; shipped profiles are read once per test file. */
export function engineFor(profile: string | Profile): EmotionEngine {
  if (typeof profile === "string") {
    if (!loaded.has(profile)) loaded.set(profile, readProfile(profile));
    profile = loaded.get(profile)!;
  }
  return new EmotionEngine(profile, catalog, wheel);
}

export interface StormEvent {
  t: number;
  stimulus: number;
  intensity: number;
}

/** Random stimulus storms: bursts (several events within ms), repeats and quiet gaps. */
export const stormArb = (maxEvents: number, spanMs: number) =>
  fc
    .array(
      fc.record({
        t: fc.integer({ min: 0, max: spanMs }),
        stimulus: fc.integer({ min: 0, max: catalog.names.length - 1 }),
        intensity: fc.integer({ min: 0, max: ONE }),
      }),
      { maxLength: maxEvents },
    )
    .map((evs) => evs.sort((a, b) => a.t - b.t));

/** A raw profile document with the given channel constants and the default readout. */
export function profileDoc(channels: Record<string, { r: number; K: number; s: number; M: number }>): Record<string, unknown> {
  return {
    format: "moodface-profile",
    version: 1,
    name: "test",
    channels,
    readout: {
      temperature: 0.08,
      hysteresis: 0.05,
      minDwellMs: 300,
      emotions: {
        fear: [{ terms: [{ channel: "adrenaline", feature: "above", weight: 1 }] }],
        mad: [{ terms: [{ channel: "endorphins", feature: "above", weight: 1 }] }],
        joy: [{ terms: [{ channel: "dopamine", feature: "above", weight: 1 }] }],
        love: [{ terms: [{ channel: "oxytocin", feature: "above", weight: 1 }] }],
        sad: [{ terms: [{ channel: "dopamine", feature: "below", weight: 1 }] }],
        surprise: [{ terms: [{ channel: "noradrenaline", feature: "above", weight: 1 }] }],
        power: [{ terms: [{ channel: "serotonin", feature: "above", weight: 1 }] }],
        calm: [{ bias: 0.15, terms: [] }],
      },
    },
  };
}
