"""Geometric in-betweens of two 1-bit keyframes (docs/decoder.md, "In-betweens the decoder learns").

A crossfade of two drawings shows half of each; a hand draws the line moved half-way. This moves the
ink: per face part, displacement interpolation along the optimal transport (POT's exact EMD, squared
Euclidean cost) between the two keyframes' ink pixels. Each unit of ink mass travels in a straight
line from where it is in one drawing to where the plan sends it in the other; at t it sits (1-t) of
the way back. Parts are found as connected components (scikit-image) of the two drawings' ink
together, grown by GROW px, so a brow is matched with the same brow, a mouth with the mouth, and
ink never travels from an eye to the mouth. Ink both drawings share maps onto itself (zero cost), so
what does not change stays. A part with ink in one drawing only (a tear that appears) is shown from
the nearer end. The splatted points leave pinholes where a line stretches: a morphological closing
fills them, at the stroke width the two ends already have.
"""
import numpy as np
import ot
from scipy import ndimage

GROW = 5
MAX_POINTS = 900  # per part and side: the EMD is O(n^3); a bigger part is subsampled evenly


def _points(mask):
    ys, xs = np.nonzero(mask)
    p = np.stack([ys, xs], 1).astype(np.float64)
    if len(p) > MAX_POINTS:
        p = p[np.linspace(0, len(p) - 1, MAX_POINTS).astype(int)]
    return p


def inbetween(a, b, ts):
    """a, b: (H, W) 0/1 arrays. Returns one (H, W) uint8 0/1 array per t in ts (0 = a, 1 = b)."""
    a = a.astype(bool)
    b = b.astype(bool)
    h, w = a.shape
    out = [np.zeros((h, w), bool) for _ in ts]
    grown = ndimage.binary_dilation(a | b, iterations=GROW)
    labels, n = ndimage.label(grown, structure=np.ones((3, 3)))
    for part in range(1, n + 1):
        region = labels == part
        pa, pb = a & region, b & region
        if not pa.any() or not pb.any():
            for k, t in enumerate(ts):
                out[k] |= pa if t < 0.5 else pb
            continue
        xa, xb = _points(pa), _points(pb)
        plan = ot.emd(np.full(len(xa), 1 / len(xa)), np.full(len(xb), 1 / len(xb)), ot.dist(xa, xb))
        i, j = np.nonzero(plan > 1e-12)
        # Each piece of the plan is one point on its way; heavier pieces are more of a pixel.
        for k, t in enumerate(ts):
            p = np.rint((1 - t) * xa[i] + t * xb[j]).astype(int)
            canvas = np.zeros((h, w), bool)
            canvas[np.clip(p[:, 0], 0, h - 1), np.clip(p[:, 1], 0, w - 1)] = True
            out[k] |= ndimage.binary_closing(canvas, structure=np.ones((3, 3)), border_value=0) | (canvas)
    return [o.astype(np.uint8) for o in out]
