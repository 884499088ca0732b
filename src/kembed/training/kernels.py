"""The word2vec training kernels (numba): skip-gram and CBOW with negative sampling, as in
`word2vec.c` (dynamic window, frequent-word subsampling, unigram^0.75 noise, linear
learning-rate decay, its linear congruential random numbers), over parts of the corpus
run lock-free in parallel (Hogwild). Nothing else lives here.
"""

from __future__ import annotations

import numba
import numpy as np

_MULTIPLIER = np.uint64(25214903917)
_INCREMENT = np.uint64(11)
_MAX_EXP = np.float32(6.0)


@numba.njit(nogil=True, inline="always", cache=True)
def _next(state):
    return state * _MULTIPLIER + _INCREMENT


@numba.njit(nogil=True, fastmath=True, cache=True)
def _negative_sampling(l1, word, syn1, cum, negative, alpha, state, neu1e):
    """One target `word` and `negative` noise words against the input vector `l1`:
    updates `syn1` and accumulates the input's gradient in `neu1e`."""
    dim = l1.shape[0]
    total = cum[-1]
    for d in range(negative + 1):
        if d == 0:
            target, label = word, np.float32(1.0)
        else:
            state = _next(state)
            target = np.searchsorted(cum, (state >> np.uint64(16)) % total, side="right")
            if target == word:
                continue
            label = np.float32(0.0)
        f = np.float32(0.0)
        for k in range(dim):
            f += l1[k] * syn1[target, k]
        if f > _MAX_EXP:
            g = (label - np.float32(1.0)) * alpha
        elif f < -_MAX_EXP:
            g = label * alpha
        else:
            g = (label - np.float32(1.0) / (np.float32(1.0) + np.exp(-f))) * alpha
        for k in range(dim):
            neu1e[k] += g * syn1[target, k]
            syn1[target, k] += g * l1[k]
    return state


@numba.njit(nogil=True, fastmath=True, cache=True)
def _train_part(
    ids, bounds, first, last, syn0, syn1, keep, cum, window, negative, alpha0, alpha1, sg, state
):
    """Trains on sentences `first` to `last - 1`; the learning rate falls linearly from
    `alpha0` to `alpha1` over their words. Returns the random state."""
    dim = syn0.shape[1]
    neu1 = np.empty(dim, dtype=np.float32)
    neu1e = np.empty(dim, dtype=np.float32)
    longest = 0
    for s in range(first, last):
        longest = max(longest, bounds[s + 1] - bounds[s])
    sentence = np.empty(longest, dtype=np.int32)
    words = bounds[last] - bounds[first]
    done = 0
    for s in range(first, last):
        alpha = np.float32(alpha0 + (alpha1 - alpha0) * done / max(words, 1))
        n = 0
        for i in range(bounds[s], bounds[s + 1]):
            w = ids[i]
            if keep[w] < 1.0:
                state = _next(state)
                if keep[w] < np.float32((state & np.uint64(0xFFFF)) / 65536.0):
                    continue
            sentence[n] = w
            n += 1
        done += bounds[s + 1] - bounds[s]
        for pos in range(n):
            word = sentence[pos]
            state = _next(state)
            b = np.int64(state % np.uint64(window))
            start, stop = max(pos - window + b, 0), min(pos + window - b + 1, n)
            if sg:
                for c in range(start, stop):
                    if c == pos:
                        continue
                    l1 = syn0[sentence[c]]
                    neu1e[:] = 0
                    state = _negative_sampling(l1, word, syn1, cum, negative, alpha, state, neu1e)
                    for k in range(dim):
                        l1[k] += neu1e[k]
            else:
                neu1[:] = 0
                count = 0
                for c in range(start, stop):
                    if c != pos:
                        for k in range(dim):
                            neu1[k] += syn0[sentence[c], k]
                        count += 1
                if count == 0:
                    continue
                for k in range(dim):
                    neu1[k] /= count
                neu1e[:] = 0
                state = _negative_sampling(neu1, word, syn1, cum, negative, alpha, state, neu1e)
                for c in range(start, stop):
                    if c != pos:
                        for k in range(dim):
                            syn0[sentence[c], k] += neu1e[k]
    return state


@numba.njit(nogil=True, parallel=True, cache=True)
def train_parts(
    ids, bounds, parts, syn0, syn1, keep, cum, window, negative, alpha0, alpha1, sg, states
):
    """Trains the parts at the same time: part p is sentences `parts[p, 0]` to
    `parts[p, 1] - 1`, with the random state `states[p]` (updated); the learning rate
    of each falls from `alpha0` to `alpha1` over its words."""
    for p in numba.prange(parts.shape[0]):
        states[p] = _train_part(
            ids,
            bounds,
            parts[p, 0],
            parts[p, 1],
            syn0,
            syn1,
            keep,
            cum,
            window,
            negative,
            alpha0,
            alpha1,
            sg,
            states[p],
        )
