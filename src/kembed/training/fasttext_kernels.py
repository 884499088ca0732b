"""The fastText training kernels (numba): skip-gram and CBOW over words and their character
n-grams with negative sampling, as fastText's `FastText::skipgram` / `cbow` and
`Model::update`: a word's input is the mean of its own row and its n-gram rows, the
gradient goes in full to each of those rows, a noise word equal to the target is drawn
again, and the sigmoid is looked up in fastText's table (0 or 1 beyond +-8). Lines end
with `</s>`. Noise words are drawn with the chances of fastText's 10 M-entry table from
an alias table of the vocabulary's size, which stays in the core's cache. Parts of the
corpus run lock-free in parallel (Hogwild), like the word2vec kernels; the random
numbers come from word2vec's generator, its top bits only (its low bits repeat with
short periods).

One exact shortcut: skip-gram updates the centre word's rows once per centre word instead
of once per context word. After each context the mean of those rows moves by `factor`
times the gradient (1 when no row repeats), so the mean is carried along instead of
being summed again; the rows receive the summed gradient at the end. On one thread this
gives fastText's numbers (to float32 rounding) for a third of the memory traffic. The
rows a word will need next are prefetched while it trains (`kembed._prefetch`).
"""

from __future__ import annotations

import numba
import numpy as np

from kembed._prefetch import prefetch as _prefetch
from kembed._prefetch import prefetch_rows as _prefetch_rows
from kembed.training.kernels import _next

_SIGMOID_CLIP = np.float32(8.0)  # fastText's MAX_SIGMOID
_SIGMOID_SIZE = 512  # fastText's SIGMOID_TABLE_SIZE: the sigmoid is looked up, as there
_SIGMOID = (1 / (1 + np.exp(-(np.arange(_SIGMOID_SIZE + 1) * 16 / _SIGMOID_SIZE - 8)))).astype(
    np.float32
)
_SIGMOID_SCALE = np.float32(_SIGMOID_SIZE / 16)
_UNIT = np.float32(2.0**-24)  # the top 24 bits of a state as a number in [0, 1)


@numba.njit(nogil=True, inline="always", cache=True)
def _below(state, n):
    """A number in 0 .. n - 1 from the state's top 32 bits (a multiply and a shift; the low
    bits of a power-of-two LCG repeat with short periods)."""
    return np.int64(((state >> np.uint64(32)) * np.uint64(n)) >> np.uint64(32))


@numba.njit(cache=True)
def alias_table(each):
    """The alias table (Walker; Vose's construction) of a word drawn with chance
    `each[w] / each.sum()`, in integers so that the chances are exactly those: row `w` is
    `(keep, alias)`, and a draw takes a column `w` uniformly, then `w` itself with chance
    `keep / each.sum()`, else `alias`. The same distribution as fastText's table of
    `each[w]` copies of each word, in `8 * len(each)` bytes instead of 40 MB, so that it
    stays in the core's cache (its random reads were about a quarter of the training time)."""
    n = each.shape[0]
    total = each.sum()
    scaled = each * n  # every column holds `total`
    table = np.empty((n, 2), dtype=np.int32)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    ns, nl = 0, 0
    for w in range(n):
        if scaled[w] < total:
            small[ns] = w
            ns += 1
        else:
            large[nl] = w
            nl += 1
    while ns and nl:
        ns -= 1
        low = small[ns]
        high = large[nl - 1]
        table[low, 0] = scaled[low]
        table[low, 1] = high
        scaled[high] -= total - scaled[low]
        if scaled[high] < total:
            nl -= 1
            small[ns] = high
            ns += 1
    for k in range(nl):  # exactly full, in integers
        table[large[k], 0] = total
        table[large[k], 1] = large[k]
    return table


@numba.njit(nogil=True, inline="always", cache=True)
def _draw(table, total, state):
    """A noise word from the alias table (`total` = the sum of the chances), with the next
    two states: a column, then whether it keeps its word or gives its alias."""
    state = _next(state)
    word = _below(state, table.shape[0])
    state = _next(state)
    alias = np.int64(table[word, 1])
    keep = np.int64(_below(state, total) < table[word, 0])  # no branch to mispredict
    return alias + (word - alias) * keep, state


@numba.njit(nogil=True, inline="always", cache=True)
def _prefetch_noise(wo, table, total, negative, state):
    """Prefetches the output rows of the noise words the next update will draw (the
    `negative` draws after this update's, when none is drawn again): only a hint, the
    draws themselves are unchanged."""
    for d in range(2 * negative):
        word, state = _draw(table, total, state)
        if d >= negative:
            for k in range(0, wo.shape[1], 16):
                _prefetch(wo, word, k)


@numba.njit(nogil=True, fastmath=True, cache=True)
def _negative_sampling(hidden, target, wo, table, total, negative, alpha, state, grad):
    """fastText's `NegativeSamplingLoss::forward` with back-propagation: the target and
    `negative` noise words (a draw equal to the target is drawn again) against `hidden`;
    updates `wo` and adds the input's gradient to `grad`. Returns the random state."""
    dim = hidden.shape[0]
    for d in range(negative + 1):
        if d == 0:
            word, label = target, np.float32(1.0)
        else:
            word, state = _draw(table, total, state)
            while word == target:
                word, state = _draw(table, total, state)
            label = np.float32(0.0)
        f = np.float32(0.0)
        for k in range(dim):
            f += hidden[k] * wo[word, k]
        if f > _SIGMOID_CLIP:
            score = np.float32(1.0)
        elif f < -_SIGMOID_CLIP:
            score = np.float32(0.0)
        else:
            score = _SIGMOID[np.int64((f + _SIGMOID_CLIP) * _SIGMOID_SCALE)]
        g = alpha * (label - score)
        for k in range(dim):
            grad[k] += g * wo[word, k]
            wo[word, k] += g * hidden[k]
    return state


@numba.njit(nogil=True, fastmath=True, cache=True)
def _mean(wi, rows, first, last, hidden):
    hidden[:] = 0
    for r in range(first, last):
        for k in range(hidden.shape[0]):
            hidden[k] += wi[rows[r], k]
    scale = np.float32(1.0) / (last - first)
    for k in range(hidden.shape[0]):
        hidden[k] *= scale


@numba.njit(nogil=True, fastmath=True, cache=True)
def _skipgram(line, n, wi, wo, offsets, rows, factor, table, total, window, negative, alpha,
              state, hidden, grad, summed):  # fmt: skip
    dim = wi.shape[1]
    for pos in range(n):
        state = _next(state)
        boundary = 1 + _below(state, window)  # 1 .. window
        word = line[pos]
        if pos + 1 < n:  # the next centre word's rows, while this one trains
            _prefetch_rows(wi, rows, offsets[line[pos + 1]], offsets[line[pos + 1] + 1])
        first, last = offsets[word], offsets[word + 1]
        _mean(wi, rows, first, last, hidden)
        summed[:] = 0
        for c in range(max(pos - boundary, 0), min(pos + boundary + 1, n)):
            if c == pos:
                continue
            grad[:] = 0
            _prefetch_noise(wo, table, total, negative, state)
            state = _negative_sampling(hidden, line[c], wo, table, total, negative, alpha, state,
                                       grad)  # fmt: skip
            for k in range(dim):
                summed[k] += grad[k]
                hidden[k] += factor[word] * grad[k]
        for r in range(first, last):
            for k in range(dim):
                wi[rows[r], k] += summed[k]
    return state


@numba.njit(nogil=True, fastmath=True, cache=True)
def _cbow(line, n, wi, wo, offsets, rows, table, total, window, negative, alpha, state, hidden,
          grad, bag):  # fmt: skip
    dim = wi.shape[1]
    for pos in range(n):
        state = _next(state)
        boundary = 1 + _below(state, window)
        if pos + window + 1 < n:  # the rows of the word the window reaches next
            ahead = line[pos + window + 1]
            _prefetch_rows(wi, rows, offsets[ahead], offsets[ahead + 1])
        size = 0
        for c in range(max(pos - boundary, 0), min(pos + boundary + 1, n)):
            if c == pos:
                continue
            for r in range(offsets[line[c]], offsets[line[c] + 1]):
                bag[size] = rows[r]
                size += 1
        if size == 0:
            continue
        _mean(wi, bag, 0, size, hidden)
        grad[:] = 0
        state = _negative_sampling(hidden, line[pos], wo, table, total, negative, alpha, state,
                                   grad)  # fmt: skip
        for r in range(size):
            for k in range(dim):
                wi[bag[r], k] += grad[k]
    return state


@numba.njit(nogil=True, fastmath=True, cache=True)
def _train_part(ids, bounds, first, last, eos, wi, wo, offsets, rows, factor, keep, table,
                window, negative, alpha0, alpha1, sg, state):  # fmt: skip
    """Trains on sentences `first` to `last - 1`, each followed by `eos` (when >= 0; ids
    from `eos` up are one higher, the corpus not knowing `</s>`); the learning rate falls
    linearly from `alpha0` to `alpha1` over their words. Returns the random state."""
    dim = wi.shape[1]
    hidden = np.empty(dim, dtype=np.float32)
    grad = np.empty(dim, dtype=np.float32)
    summed = np.empty(dim, dtype=np.float32)
    total = table[:, 0].max()  # the chance of a full column: see `alias_table`
    longest, widest = 0, 0
    for s in range(first, last):
        longest = max(longest, bounds[s + 1] - bounds[s] + 1)
    for w in range(offsets.shape[0] - 1):
        widest = max(widest, offsets[w + 1] - offsets[w])
    line = np.empty(longest, dtype=np.int32)
    bag = np.empty(0 if sg else 2 * window * widest, dtype=np.int64)
    words = bounds[last] - bounds[first]
    done = 0
    for s in range(first, last):
        alpha = np.float32(alpha0 + (alpha1 - alpha0) * done / max(words, 1))
        n = 0
        end = bounds[s + 1] + (1 if eos >= 0 else 0)
        for i in range(bounds[s], end):
            if i == bounds[s + 1]:
                w = eos
            else:
                w = ids[i]
                if 0 <= eos <= w:
                    w += 1
            if keep[w] < 1.0:
                state = _next(state)
                if keep[w] < np.float32(state >> np.uint64(40)) * _UNIT:
                    continue
            line[n] = w
            n += 1
        done += bounds[s + 1] - bounds[s]
        if sg:
            state = _skipgram(line, n, wi, wo, offsets, rows, factor, table, total, window,
                              negative, alpha, state, hidden, grad, summed)  # fmt: skip
        else:
            state = _cbow(line, n, wi, wo, offsets, rows, table, total, window, negative, alpha,
                          state, hidden, grad, bag)  # fmt: skip
    return state


@numba.njit(nogil=True, parallel=True, cache=True)
def train_parts(ids, bounds, parts, eos, wi, wo, offsets, rows, factor, keep, table, window,
                negative, alpha0, alpha1, sg, states):  # fmt: skip
    """Trains the parts at the same time: part p is sentences `parts[p, 0]` to
    `parts[p, 1] - 1`, with the random state `states[p]` (updated). Word `w`'s input rows
    are `rows[offsets[w]:offsets[w + 1]]` (its own row first, then its n-grams')."""
    for p in numba.prange(parts.shape[0]):
        states[p] = _train_part(ids, bounds, parts[p, 0], parts[p, 1], eos, wi, wo, offsets,
                                rows, factor, keep, table, window, negative, alpha0, alpha1, sg,
                                states[p])  # fmt: skip
