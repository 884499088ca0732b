"""`model="auto"`: the architectures and embedding modes a `TextClassifier` may use, each
tried by stratified cross-validation on the training texts, in order of how well they did
on MR and SUBJ, for as long as the time budget allows; the best one wins. `Selection` is
what was tried, with each score. Keras code (it trains)."""

from __future__ import annotations

import collections
import dataclasses
import statistics
import time
import warnings
from collections.abc import Callable, Sequence

import numpy as np

from kembed.classify.data import stratified_folds
from kembed.errors import DataWarning

# Most accurate first (BENCHMARKS.md, "Sentence classification"): what is tried first
# is what a short budget gets.
WITH_VECTORS = (
    ("hybrid", "non-static"),
    ("bag", "non-static"),
    ("hybrid", "learned"),
    ("cnn", "non-static"),
    ("bag", "learned"),
    ("cnn", "multichannel"),
    ("cnn", "learned"),
)
WITHOUT_VECTORS = (("hybrid", "learned"), ("bag", "learned"), ("cnn", "learned"))
DEFAULT = ("hybrid", "learned")
FOLDS = 3
FINAL = 1.6  # the final training's time over a fold's: 3/2 the texts, and some margin


@dataclasses.dataclass
class Selection:
    """What `model="auto"` tried and chose.

    Example:

    >>> s = Selection(budget=60.0, folds=3)
    >>> s.tried.append({"model": "bag", "embedding": "learned", "accuracy": 0.8,
    ...                 "accuracies": [0.8, 0.8, 0.8], "seconds": 3.0})
    >>> s.chosen = {"model": "bag", "embedding": "learned"}
    >>> print(s)
    auto: 3-fold accuracy on the training texts (budget 60 s)
      bag/learned            80.00 %     3.0 s  <- chosen

    Attributes:
        budget: The time budget in seconds.
        folds: The folds of each cross-validation.
        tried: One dict per architecture and embedding tried to the end: `model`,
            `embedding`, `accuracy` (the mean over the folds), `accuracies`, `seconds`.
        skipped: The `model/embedding` names the budget left out.
        chosen: The `model` and `embedding` trained on all the data.
        fallback: Why the default was trained without a comparison, if it was.
    """

    budget: float
    folds: int
    tried: list[dict] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)
    chosen: dict | None = None
    fallback: str | None = None

    def to_dict(self) -> dict:
        """The selection as JSON-ready data (saved in the archive's settings).

        Example:

        >>> Selection(budget=60.0, folds=3).to_dict()["budget"]
        60.0
        """
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        lines = [
            f"auto: {self.folds}-fold accuracy on the training texts (budget {self.budget:g} s)"
        ]
        for row in self.tried:
            name = f"{row['model']}/{row['embedding']}"
            mark = "  <- chosen" if self.chosen and _name(self.chosen) == name else ""
            lines.append(
                f"  {name:<22}{100 * row['accuracy']:>6.2f} %{row['seconds']:>8.1f} s{mark}"
            )
        if self.skipped:
            lines.append(f"  not tried (budget): {', '.join(self.skipped)}")
        if self.fallback:
            lines.append(f"  {self.fallback}")
        return "\n".join(lines)


def _name(candidate: dict) -> str:
    return f"{candidate['model']}/{candidate['embedding']}"


def select(
    make: Callable[[str, str, int], object],
    texts: Sequence[str],
    labels: Sequence,
    *,
    candidates: Sequence[tuple[str, str]],
    budget: float,
    seed: int,
    fit: dict,
    on_result: Callable[[dict], None] | None = None,
) -> Selection:
    """Cross-validates each candidate in turn while the budget lasts.

    A candidate starts a fold only if that fold (timed on the candidate's earlier folds,
    else on the slowest candidate so far) and the final training (`FINAL` times the
    slower of the two) still fit in the budget; a candidate that cannot finish its folds
    is left out. If none finishes, the first candidate is chosen untested (`fallback`
    says so).

    Example:

    >>> class Guess:  # stands for a TextClassifier: predicts its fixed label
    ...     def __init__(self, label): self.label = label
    ...     def fit(self, texts, labels, **options): pass
    ...     def predict(self, texts): return [self.label] * len(texts)
    >>> make = lambda model, embedding, seed: Guess("a" if model == "x" else "b")
    >>> result = select(make, ["t"] * 9, ["a"] * 6 + ["b"] * 3, seed=0, fit={},
    ...                 candidates=[("y", "learned"), ("x", "learned")], budget=60)
    >>> result.chosen, [round(r["accuracy"], 2) for r in result.tried]
    ({'model': 'x', 'embedding': 'learned'}, [0.33, 0.67])

    Args:
        make: Builds an untrained classifier from a model, an embedding and a seed.
        texts: The training texts.
        labels: Their labels.
        candidates: `(model, embedding)` pairs, the most promising first.
        budget: Seconds for the whole selection and the final training.
        seed: The seed of the folds (fold `k` trains with `seed + k`).
        fit: Keyword arguments of each fold's `fit`.
        on_result: Optional function called with each finished candidate's row.

    Returns:
        A `Selection`.

    Raises:
        ValueError: if a class has fewer texts than the folds (naming it and its count).
    """
    texts, labels = list(texts), list(labels)
    folds = FOLDS if min(collections.Counter(labels).values()) >= FOLDS else 2
    splits = stratified_folds(labels, folds, seed=seed)  # checked before training
    selection = Selection(budget=float(budget), folds=folds)
    deadline = time.perf_counter() + budget
    slowest = 0.0
    for model, embedding in candidates:
        scores, times = [], []
        for test in splits:
            estimate = statistics.mean(times) if times else slowest
            final = FINAL * max(estimate, slowest)  # the winner's training on all the texts
            if time.perf_counter() + estimate + final > deadline:
                break  # this fold, or the final training after it, would not fit
            started = time.perf_counter()
            k = len(scores)
            scores.append(_score(make(model, embedding, seed + k), texts, labels, test, fit))
            times.append(time.perf_counter() - started)
        if len(scores) < folds:
            selection.skipped.append(f"{model}/{embedding}")
            continue
        slowest = max(slowest, statistics.mean(times))
        row = {"model": model, "embedding": embedding, "accuracy": statistics.mean(scores)}
        row |= {"accuracies": scores, "seconds": round(sum(times), 2)}
        selection.tried.append(row)
        if on_result is not None:
            on_result(row)
    if selection.tried:
        best = max(selection.tried, key=lambda row: row["accuracy"])  # first of equals
        selection.chosen = {"model": best["model"], "embedding": best["embedding"]}
    else:
        model, embedding = candidates[0]
        selection.chosen = {"model": model, "embedding": embedding}
        selection.fallback = (
            f"The budget of {budget:g} s was too small to cross-validate anything: "
            f"{model}/{embedding} was trained untested. Give a larger budget to compare."
        )
    return selection


def choose(make_classifier, arguments, vectors, texts: list, labels: list, settings):
    """`select` for a `TextClassifier` made with `model="auto"`: the candidates (with
    pretrained embeddings if `arguments` name vectors or `vectors` are given), budget and
    seed of its `ClassifierSettings` `arguments`, each fold trained with the `FitSettings`
    `settings`; `make_classifier(settings=..., vectors=...)` builds each candidate. A
    fallback to the default also warns (`DataWarning`). Returns the `Selection`."""
    pretrained = arguments.vectors is not None or vectors is not None

    def make(model: str, embedding: str, seed: int):
        chosen = dataclasses.replace(arguments, model=model, embedding=embedding, seed=seed)
        return make_classifier(settings=chosen, vectors=vectors)

    selection = select(
        make,
        texts,
        labels,
        candidates=WITH_VECTORS if pretrained else WITHOUT_VECTORS,
        budget=arguments.budget,
        seed=arguments.seed if arguments.seed is not None else 0,
        fit={"settings": settings, "verbose": 0},
    )
    if selection.fallback:
        warnings.warn(selection.fallback, DataWarning, stacklevel=3)
    return selection


def _score(classifier, texts: list, labels: list, test: np.ndarray, fit: dict) -> float:
    """The accuracy on fold `test` of `classifier` trained on the other texts."""
    train = np.setdiff1d(np.arange(len(texts)), test).tolist()
    classifier.fit([texts[i] for i in train], [labels[i] for i in train], **fit)
    predicted = classifier.predict([texts[i] for i in test])
    return float(np.mean([p == labels[i] for p, i in zip(predicted, test, strict=True)]))
