"""Geometric in-betweens of two 1-bit keyframes (docs/decoder.md, "In-betweens the decoder learns").

A crossfade of two drawings shows half of each; a hand draws the line moved half-way. This moves the
ink: per face part, displacement interpolation along the optimal transport (POT's exact EMD, squared
Euclidean cost) between the two keyframes' ink pixels. Each unit of ink mass travels in a straight
line from where it is in one drawing to where the plan sends it in the other; at t it sits (1-t) of
the way back. Parts are strokes (connected components) matched across the two drawings by mean
distance (_parts), so a brow is matched with the same brow, a mouth with the mouth, and ink never
travels from an eye to the mouth or a brow. Ink both drawings share costs nothing to leave in place,
so what does not change stays. Every stroke joins one of the other drawing's, so a stroke that
appears (a tear) grows out of the nearest one; only when one drawing is blank does each end show
until halfway. The splatted points leave pinholes where a line stretches: a morphological closing
fills them, at the stroke width the two ends already have.
"""
import numpy as np
import ot
from scipy import ndimage

MAX_POINTS = 900  # per part and side: the EMD is O(n^3); a bigger part is subsampled evenly


def _points(mask):
    ys, xs = np.nonzero(mask)
    p = np.stack([ys, xs], 1).astype(np.float64)
    if len(p) > MAX_POINTS:
        p = p[np.linspace(0, len(p) - 1, MAX_POINTS).astype(int)]
    return p


def _parts(a, b):
    """Face parts as pairs of masks (ink of a, ink of b): each stroke (8-connected component) of either
    drawing joins the stroke of the other drawing it lies nearest to on average, and strokes joined
    so form one part. A brow that rises is still nearer the brow than the eye below it, so the brow's
    ink moves to the brow, never into the eye."""
    structure = np.ones((3, 3))
    la, na = ndimage.label(a, structure=structure)
    lb, nb = ndimage.label(b, structure=structure)
    if na == 0 or nb == 0:
        return [], [la == i for i in range(1, na + 1)], [lb == j for j in range(1, nb + 1)]
    # Mean distance from each stroke of one drawing to each stroke of the other.
    da = np.stack([ndimage.distance_transform_edt(la != i) for i in range(1, na + 1)])
    db = np.stack([ndimage.distance_transform_edt(lb != j) for j in range(1, nb + 1)])
    idx_a = np.arange(1, na + 1)
    idx_b = np.arange(1, nb + 1)
    a_to_b = np.array([ndimage.mean(db[j], la, idx_a) for j in range(nb)]).T  # na x nb
    b_to_a = np.array([ndimage.mean(da[i], lb, idx_b) for i in range(na)]).T  # nb x na
    parent = list(range(na + nb))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(na):
        parent[find(i)] = find(na + int(a_to_b[i].argmin()))
    for j in range(nb):
        parent[find(na + j)] = find(int(b_to_a[j].argmin()))
    groups = {}
    for i in range(na):
        groups.setdefault(find(i), ([], []))[0].append(i + 1)
    for j in range(nb):
        groups.setdefault(find(na + j), ([], []))[1].append(j + 1)
    return [(np.isin(la, g[0]), np.isin(lb, g[1])) for g in groups.values()], [], []


def inbetween(a, b, ts):
    """a, b: (H, W) 0/1 arrays. Returns one (H, W) uint8 0/1 array per t in ts (0 = a, 1 = b)."""
    a = a.astype(bool)
    b = b.astype(bool)
    h, w = a.shape
    out = [np.zeros((h, w), bool) for _ in ts]
    parts, only_a, only_b = _parts(a, b)
    # One drawing blank: nothing to move, each end shows until halfway.
    for k, t in enumerate(ts):
        for m in only_a if t < 0.5 else only_b:
            out[k] |= m
    for pa, pb in parts:
        xa, xb = _points(pa), _points(pb)
        plan = ot.emd(np.full(len(xa), 1 / len(xa)), np.full(len(xb), 1 / len(xb)), ot.dist(xa, xb))
        i, j = np.nonzero(plan > 1e-12)
        # Each piece of the plan is one point on its way from a to b.
        for k, t in enumerate(ts):
            p = np.rint((1 - t) * xa[i] + t * xb[j]).astype(int)
            canvas = np.zeros((h, w), bool)
            canvas[np.clip(p[:, 0], 0, h - 1), np.clip(p[:, 1], 0, w - 1)] = True
            out[k] |= ndimage.binary_closing(canvas, structure=np.ones((3, 3))) | canvas
    return [o.astype(np.uint8) for o in out]
