/*
 * The face animator's whole-frame byte work in C (modules/face/animator.ts, docs/faces.md): the
 * ordered-dither crossfade and the one-pixel lift of breathing and reflexes. The firmware calls it
 * through xs_animator.c; the host runs the same steps in TypeScript (PortableAnimatorOps), and
 * tests/face/native-animator.test.ts checks that both give the same frames. Integer-only, no allocation.
 */
#ifndef MOODFACE_ANIMATOR_H
#define MOODFACE_ANIMATOR_H

#include <stdint.h>

#include "../common/geometry.h"

/**
 * out = from where the dither mask is clear, to where it is set, for dither level `level` (0..16):
 * masks[level * 4 + (i & 3)] is the byte mask of rows that show `to` (the animator's table, built
 * from raster.ts's Bayer matrix). `out` may be `from` or `to`.
 */
void md_crossfade(const uint8_t *from, const uint8_t *to, const uint8_t *masks, int level, uint8_t *out);

/** Moves the page-packed frame up one pixel if its top row is empty; returns 1 when it moved. */
int md_lift(uint8_t *frame);

#endif
