/*
 * The one palette of the page. Emotions by convention, by name: joy yellow, sad blue, mad red, fear
 * purple, love pink, surprise orange, power green, calm grey-teal. Neuromodulators: a separate family
 * (earthy and pale), none of the emotions' colours.
 */
export const EMOTION_COLOURS: Readonly<Record<string, string>> = Object.freeze({
  joy: "#ffd60a",
  sad: "#3d8bfd",
  mad: "#ef3e36",
  fear: "#a05cf0",
  love: "#ff6fb5",
  surprise: "#ff8c1a",
  power: "#3fbf5f",
  calm: "#7fa7a4",
});
export const CHANNEL_COLOURS: Readonly<Record<string, string>> = Object.freeze({
  dopamine: "#d4e157",
  serotonin: "#4dd0e1",
  noradrenaline: "#bcaaa4",
  adrenaline: "#f5f0e1",
  oxytocin: "#b0bec5",
  endorphins: "#9e9d24",
});
export const FALLBACK_COLOUR = "#cccccc";
/** The glass's tints: the blue of most SSD1306 modules, or white. */
export const TINTS: Readonly<Record<string, readonly [number, number, number]>> = Object.freeze({ blue: [120, 200, 255] as const, white: [255, 255, 255] as const });
