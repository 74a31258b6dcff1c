/*
 * Reflexes: short animations laid over the mood face at a stimulus's onset, whatever the dominant
 * emotion (Cozmo and Vector react at once while their mood moves slowly). The animator plays them
 * (modules/face/animator.ts); which stimulus starts which is data (modules/emotion/data/behaviour.json,
 * docs/formats/behaviour.md). Each reflex is a fixed timeline of stages; a stage says what happens
 * to the eyes and the whole face for its span. Integer-only, tables built once at load.
 */

/** Reflex names, in index order (the behaviour table names them). */
export const REFLEXES = Object.freeze(["startle", "flinch", "giggle", "hearts", "double_take"]);
export const STARTLE = 0;
export const FLINCH = 1;
export const GIGGLE = 2;
export const HEARTS = 3;
export const DOUBLE_TAKE = 4;
export const NO_REFLEX = -1;

/** Eye treatments of a stage. */
export const EYES_AS_IS = 0;
/** Eyes squashed about their centre to `amount`/256 of their height. */
export const EYES_SQUASH = 1;
/** Eyes stretched about their centre to 1.25x their height (wide open). */
export const EYES_WIDE = 2;
/** Eyes replaced by filled hearts. */
export const EYES_HEARTS = 3;

/**
 * Stages, one row each: reflex, end (ms from the onset), eye treatment, its amount, eyes' x offset
 * (px), face lift (px up, 0..2). A reflex's stages are consecutive rows, ends increasing.
 */
const STAGES: readonly number[] = [
  // startle: the face jumps up and the eyes fly open, then settle (about 400 ms)
  STARTLE, 66, EYES_SQUASH, 154, 0, 0,
  STARTLE, 250, EYES_WIDE, 0, 0, 2,
  STARTLE, 400, EYES_WIDE, 0, 0, 1,
  // flinch: eyes screwed shut, the face ducks, then peeks (300 ms)
  FLINCH, 200, EYES_SQUASH, 26, 0, 0,
  FLINCH, 300, EYES_SQUASH, 154, 0, 0,
  // giggle: squinting eyes while the face bounces (600 ms)
  GIGGLE, 100, EYES_SQUASH, 102, 0, 2,
  GIGGLE, 200, EYES_SQUASH, 102, 0, 0,
  GIGGLE, 300, EYES_SQUASH, 102, 0, 2,
  GIGGLE, 400, EYES_SQUASH, 102, 0, 0,
  GIGGLE, 500, EYES_SQUASH, 102, 0, 2,
  GIGGLE, 600, EYES_SQUASH, 102, 0, 0,
  // hearts: heart eyes flash twice (600 ms)
  HEARTS, 250, EYES_HEARTS, 0, 0, 1,
  HEARTS, 350, EYES_AS_IS, 0, 0, 0,
  HEARTS, 600, EYES_HEARTS, 0, 0, 1,
  // double take: a glance aside, back, then a wide-eyed second look (700 ms)
  DOUBLE_TAKE, 150, EYES_AS_IS, 0, 10, 0,
  DOUBLE_TAKE, 300, EYES_AS_IS, 0, 0, 0,
  DOUBLE_TAKE, 550, EYES_WIDE, 0, 10, 1,
  DOUBLE_TAKE, 700, EYES_AS_IS, 0, 0, 0,
];
const COLUMNS = 6;
export const STAGE_COUNT = STAGES.length / COLUMNS;
/** Stage table columns as typed arrays, for the animator's per-frame lookups. */
export const STAGE_REFLEX = Int8Array.from({ length: STAGE_COUNT }, (_, i) => STAGES[i * COLUMNS]);
export const STAGE_END = Int16Array.from({ length: STAGE_COUNT }, (_, i) => STAGES[i * COLUMNS + 1]);
export const STAGE_EYES = Int8Array.from({ length: STAGE_COUNT }, (_, i) => STAGES[i * COLUMNS + 2]);
export const STAGE_AMOUNT = Int16Array.from({ length: STAGE_COUNT }, (_, i) => STAGES[i * COLUMNS + 3]);
export const STAGE_DX = Int8Array.from({ length: STAGE_COUNT }, (_, i) => STAGES[i * COLUMNS + 4]);
export const STAGE_LIFT = Int8Array.from({ length: STAGE_COUNT }, (_, i) => STAGES[i * COLUMNS + 5]);
/** First stage of each reflex, and its total length in ms. */
export const REFLEX_FIRST = Int8Array.from(REFLEXES, (_, r) => STAGE_REFLEX.indexOf(r));
export const REFLEX_MS = Int16Array.from(REFLEXES, (_, r) => {
  let end = 0;
  for (let i = 0; i < STAGE_COUNT; i++) if (STAGE_REFLEX[i] === r) end = STAGE_END[i];
  return end;
});
for (let r = 0; r < REFLEXES.length; r++) {
  if (REFLEX_FIRST[r] < 0) throw new Error(`reflexes: ${REFLEXES[r]} has no stages`);
  for (let i = REFLEX_FIRST[r] + 1; i < STAGE_COUNT && STAGE_REFLEX[i] === r; i++) if (STAGE_END[i] <= STAGE_END[i - 1]) throw new Error("reflexes: stage ends must increase");
}
