/*
 * The fixed vocabularies of the engine. Their order is the index order of every Int32Array in the
 * engine state, the wire protocol and the pack format, so new names are only ever appended.
 */

/** Neuromodulator channels. Adrenaline stands for the whole stress axis (adrenaline and cortisol). */
export const CHANNELS = ["dopamine", "serotonin", "noradrenaline", "adrenaline", "oxytocin", "endorphins"] as const;
export type ChannelName = (typeof CHANNELS)[number];
export const CHANNEL_COUNT = CHANNELS.length;

/** Primary emotions: the author's seven plus calm, shown when nothing stands out. */
export const EMOTIONS = ["fear", "mad", "joy", "love", "sad", "surprise", "power", "calm"] as const;
export type EmotionName = (typeof EMOTIONS)[number];
export const EMOTION_COUNT = EMOTIONS.length;
export const CALM = EMOTIONS.indexOf("calm");

/** Gloria Willcox's Feeling Wheel cores (1982). */
export const CORES = ["mad", "scared", "joyful", "powerful", "peaceful", "sad"] as const;
export type CoreName = (typeof CORES)[number];
export const CORE_COUNT = CORES.length;
export const WORDS_PER_CORE = 6;

/** Intensity bands used by faces and by the wheel's fallback words. */
export const BAND_NAMES = ["mild", "medium", "strong"] as const;
export const INTENSITY_BANDS = BAND_NAMES.length;

/**
 * The robot's twelve passions, the values it holds (the author's design, issue 22). A profile weighs
 * each 0..1; the catalog says which context tags serve or violate each (docs/emotion-model.md,
 * "Passions"). Appended only, like every vocabulary here.
 */
export const PASSIONS = [
  "learning",
  "empathy",
  "efficiency",
  "integrity",
  "collaboration",
  "innovation",
  "reliability",
  "respect",
  "adaptability",
  "personal_growth",
  "autonomy",
  "privacy",
] as const;
export type PassionName = (typeof PASSIONS)[number];
export const PASSION_COUNT = PASSIONS.length;
