"""`Explorer`: the answers behind the explorer page, as plain data. Each request of the page
(`/api/...` with its query parameters) becomes a call of a `kembed.space` or
`kembed.evaluate` function on the vector sets the explorer was started with; no request
ever names a file. Bad parameters raise `RequestError` (the server answers 400), unknown
words `UnknownWord` (404, with the closest spellings). No HTTP here, no Keras.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from kembed.evaluate import (
    Analogies,
    WordPairs,
    evaluate_analogies,
    evaluate_word_pairs,
    is_analogy_file,
    read_analogies,
    read_word_pairs,
)
from kembed.evaluate.details import failed_analogies, worst_pairs
from kembed.space import (
    WordFinder,
    available_methods,
    compare,
    nearest,
    parse_expression,
    project,
)
from kembed.space.projection import METHODS as MAP_METHODS
from kembed.space.query import METHODS as QUERY_METHODS
from kembed.vectors import Vectors

MAX_TOP = 100_000  # words on a map at most
MAX_TOPN = 100  # neighbours at most
MAX_PASTED = 20_000  # words pasted for a map at most
_CACHED_MAPS = 16  # maps kept per explorer (a 50,000-word map is about 1 MB)


class RequestError(ValueError):
    """A request the explorer cannot answer as asked (HTTP 400).

    Example:

    >>> import numpy as np
    >>> explorer = Explorer({"toy": Vectors(["a", "b", "c"], np.eye(3, dtype="float32"))})
    >>> explorer.answer("/api/neighbors", {"q": "a", "topn": "many"})
    Traceback (most recent call last):
    ...
    kembed.explore.app.RequestError: `topn` must be an integer. Received: 'many'
    """


class UnknownWord(KeyError):
    """A word that is not in the vector set (HTTP 404), with its closest spellings.

    Example:

    >>> error = UnknownWord("Londn", "glove", ["london"])
    >>> str(error), error.suggestions
    ("'Londn' is not in glove. Did you mean london?", ['london'])
    """

    def __init__(self, word: str, set_name: str, suggestions: list[str]):
        self.word, self.suggestions = word, suggestions
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"{word!r} is not in {set_name}.{hint}")

    def __str__(self) -> str:
        return self.args[0]


@dataclass
class VectorSet:
    """A named vector set and what the explorer keeps for it."""

    name: str
    vectors: Vectors
    finder: WordFinder = field(init=False)

    def __post_init__(self):
        self.finder = WordFinder(self.vectors.index_to_key)
        self.vectors.unit  # noqa: B018 (normalised once, before the first query)


@dataclass
class Evaluation:
    """A benchmark file read at start-up."""

    name: str
    data: WordPairs | Analogies


class Explorer:
    """Answers the explorer page's requests about the vector sets it holds.

    Example:

    >>> import numpy as np
    >>> v = Vectors(["king", "queen", "man", "woman"],
    ...             np.array([[1, 1], [0.1, 2], [1, 0], [0, 1]], "float32"))
    >>> explorer = Explorer({"toy": v})
    >>> explorer.answer("/api/neighbors", {"set": "0", "q": "king - man + woman", "topn": "1"})
    {'query': 'king - man + woman', 'method': '3cosadd', 'neighbors': [['queen', 0.9...]]}

    Args:
        sets: Vector sets by name (the page shows the names), in the order to show them.
        evaluations: Optional benchmark files (word pairs or analogies) to offer.

    Raises:
        ValueError: if there is no vector set.
        CorpusError: if an evaluation file cannot be read.
    """

    def __init__(
        self,
        sets: Mapping[str, Vectors],
        evaluations: Sequence[str | os.PathLike[str]] = (),
    ):
        if not sets:
            raise ValueError("The explorer needs at least one vector set.")
        self.sets = [VectorSet(name, vectors) for name, vectors in sets.items()]
        self.evaluations = [_read_evaluation(path) for path in evaluations]
        self._maps: OrderedDict[tuple, dict] = OrderedDict()
        self._lock = threading.Lock()
        self._routes: dict[str, Callable[[Mapping[str, str], object], dict]] = {
            "/api/info": self._info,
            "/api/complete": self._complete,
            "/api/neighbors": self._neighbors,
            "/api/map": self._map,
            "/api/compare": self._compare,
            "/api/compare/word": self._compare_word,
            "/api/evaluate": self._evaluate,
        }

    def answer(self, route: str, params: Mapping[str, str], body: object = None) -> dict:
        """The answer to one request: `route` (such as `/api/neighbors`), its query
        parameters and, for a POST, its decoded JSON body.

        Example:

        >>> import numpy as np
        >>> explorer = Explorer({"toy": Vectors(["a", "b", "c"], np.eye(3, dtype="float32"))})
        >>> explorer.answer("/api/complete", {"prefix": "b"})
        {'prefix': 'b', 'words': ['b']}
        >>> explorer.answer("/api/neighbors", {"q": "zz"})
        Traceback (most recent call last):
        ...
        kembed.explore.app.UnknownWord: 'zz' is not in toy.

        Raises:
            RequestError: for an unknown route or a bad parameter.
            UnknownWord: for a word that is not in the set.
        """
        handler = self._routes.get(route)
        if handler is None:
            raise RequestError(f"There is no {route!r}; the routes are {sorted(self._routes)}.")
        return handler(params, body)

    # --- routes ------------------------------------------------------------------------

    def _info(self, params, body=None) -> dict:
        """The vector sets, the map methods that can run, and the evaluations."""
        return {
            "sets": [
                {
                    "id": i,
                    "name": s.name,
                    "words": len(s.vectors),
                    "dim": s.vectors.dim,
                    "counts": s.vectors.counts is not None,
                }
                for i, s in enumerate(self.sets)
            ],
            "methods": available_methods(),
            "query_methods": list(QUERY_METHODS),
            "evaluations": [
                {"id": i, "name": e.name, "kind": _kind(e.data)}
                for i, e in enumerate(self.evaluations)
            ],
        }

    def _complete(self, params, body=None) -> dict:
        """The most frequent words starting with `prefix`."""
        chosen = self._set(params)
        limit = _integer(params, "limit", 10, 1, 50)
        prefix = params.get("prefix", "")
        return {"prefix": prefix, "words": chosen.finder.complete(prefix, limit=limit)}

    def _neighbors(self, params, body=None) -> dict:
        """The nearest words to the expression `q` by `method`."""
        chosen = self._set(params)
        text = params.get("q", "").strip()
        method = _choice(params, "method", QUERY_METHODS)
        topn = _integer(params, "topn", 10, 1, MAX_TOPN)
        try:
            expression = parse_expression(text, chosen.vectors)
        except ValueError as error:
            raise RequestError(str(error)) from None
        self._known(chosen, expression.words)
        found = nearest(chosen.vectors, expression, method=method, topn=topn)
        return {
            "query": text,
            "method": method,
            "neighbors": [[word, round(score, 4)] for word, score in found],
        }

    def _map(self, params, body=None) -> dict:
        """A 2-D map of the first `top` words, or of the words posted in `body`."""
        source = params if body is None else _body(body)
        chosen = self._set(source)
        method = _choice(source, "method", MAP_METHODS, default="pca")
        if method not in available_methods():
            raise RequestError(f"The {method} map needs a package that is not installed.")
        words, top, missing = None, 0, []
        if body is None:
            top = min(_integer(source, "top", 5_000, 3, MAX_TOP), len(chosen.vectors))
        else:
            words = source.get("words")
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise RequestError("`words` must be a list of words.")
            if len(words) > MAX_PASTED:
                raise RequestError(f"At most {MAX_PASTED:,} pasted words; got {len(words):,}.")
            words = list(dict.fromkeys(words))
            missing = [w for w in words if w not in chosen.vectors]
        key = (id(chosen), method, top, None if words is None else tuple(words))
        with self._lock:  # one map at a time: each takes both cores
            if key not in self._maps:
                self._maps[key] = self._draw(chosen, words, top, method)
                while len(self._maps) > _CACHED_MAPS:
                    self._maps.popitem(last=False)
            self._maps.move_to_end(key)
            drawn = self._maps[key]
        return {**drawn, "missing": missing[:100], "missing_count": len(missing)}

    def _compare(self, params, body=None) -> dict:
        """Sets `a` and `b` aligned: mean neighbour overlap and the words that moved most."""
        first, second = self._set(params, "a"), self._set(params, "b")
        top = _integer(params, "top", 5_000, 1, MAX_TOP)
        topn = _integer(params, "topn", 10, 1, MAX_TOPN)
        n = _integer(params, "n", 50, 1, 1_000)
        try:
            result = compare(first.vectors, second.vectors, top=top, topn=topn)
        except ValueError as error:
            raise RequestError(str(error)) from None
        return {
            "a": first.name,
            "b": second.name,
            "shared": result.shared,
            "compared": len(result.words),
            "topn": topn,
            "mean_overlap": round(result.mean_overlap, 4),
            "most_moved": [[w, round(m, 4), round(o, 4)] for w, m, o in result.most_moved(n)],
        }

    def _compare_word(self, params, body=None) -> dict:
        """The neighbours of one word in sets `a` and `b`, and those they share."""
        first, second = self._set(params, "a"), self._set(params, "b")
        word = params.get("word", "").strip()
        topn = _integer(params, "topn", 10, 1, MAX_TOPN)
        self._known(first, [word])
        self._known(second, [word])
        lists = [[w for w, _ in s.vectors.most_similar(word, topn=topn)] for s in (first, second)]
        shared = sorted(set(lists[0]) & set(lists[1]))
        return {"word": word, "a": lists[0], "b": lists[1], "shared": shared}

    def _evaluate(self, params, body=None) -> dict:
        """One evaluation of one set: its scores and its worst pairs or failed analogies."""
        chosen = self._set(params)
        index = _integer(params, "eval", 0, 0, max(len(self.evaluations) - 1, 0))
        if not self.evaluations:
            raise RequestError("No evaluation set was given: start with --eval FILE.")
        evaluation = self.evaluations[index]
        if isinstance(evaluation.data, WordPairs):
            result = evaluate_word_pairs(chosen.vectors, evaluation.data)
            worst = worst_pairs(chosen.vectors, evaluation.data, n=20)
            items = [[*p[:3], round(p.cosine, 4), round(p.gap, 4)] for p in worst]
        else:
            result = evaluate_analogies(chosen.vectors, evaluation.data)
            items = [list(f) for f in failed_analogies(chosen.vectors, evaluation.data, n=50)]
        return {
            "set": chosen.name,
            "evaluation": evaluation.name,
            "result": result.to_dict(),
            "items": items,
        }

    # --- helpers -----------------------------------------------------------------------

    def _set(self, params: Mapping[str, object], name: str = "set") -> VectorSet:
        index = _integer(params, name, 0, 0, len(self.sets) - 1)
        return self.sets[index]

    def _known(self, chosen: VectorSet, words) -> None:
        """Raises `UnknownWord` for a word with no vector (with subwords, every word has
        one)."""
        if chosen.vectors.has_subwords:
            return
        for word in words:
            if word not in chosen.vectors:
                raise UnknownWord(word, chosen.name, chosen.finder.suggest(word))

    def _draw(self, chosen: VectorSet, words, top: int, method: str) -> dict:
        try:
            projection = project(chosen.vectors, words, top=top or 1, method=method)
        except ValueError as error:
            raise RequestError(str(error)) from None
        return {
            "set": chosen.name,
            "method": method,
            "words": projection.words,
            "x": projection.xy[:, 0].round(4).tolist(),
            "y": projection.xy[:, 1].round(4).tolist(),
            "explained": projection.explained,
        }


def _read_evaluation(path: str | os.PathLike[str]) -> Evaluation:
    data = read_analogies(path) if is_analogy_file(path) else read_word_pairs(path)
    return Evaluation(data.name, data)


def _kind(data: WordPairs | Analogies) -> str:
    return "word-pairs" if isinstance(data, WordPairs) else "analogies"


def _body(body: object) -> Mapping[str, object]:
    if not isinstance(body, dict):
        raise RequestError("The request body must be a JSON object.")
    return body


def _integer(params: Mapping[str, object], name: str, default: int, low: int, high: int) -> int:
    value = params.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RequestError(f"`{name}` must be an integer. Received: {value!r}") from None
    if isinstance(value, bool) or not low <= number <= high:
        raise RequestError(f"`{name}` must be from {low} to {high}. Received: {value!r}")
    return number


def _choice(params: Mapping[str, object], name: str, choices, default: str | None = None) -> str:
    value = params.get(name, default or choices[0])
    if value not in choices:
        raise RequestError(f"`{name}` must be one of {list(choices)}. Received: {value!r}")
    return value
