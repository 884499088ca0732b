"""Intrinsic evaluation of word vectors: the benchmark readers (`readers`) and the
metrics (`metrics`), as gensim computes them. numpy and scipy; no Keras.
"""

from kembed.evaluate.metrics import (
    AnalogyResult,
    PairsResult,
    evaluate_analogies,
    evaluate_word_pairs,
)
from kembed.evaluate.readers import (
    Analogies,
    WordPairs,
    is_analogy_file,
    read_analogies,
    read_word_pairs,
)

__all__ = [
    "Analogies",
    "AnalogyResult",
    "PairsResult",
    "WordPairs",
    "evaluate_analogies",
    "evaluate_word_pairs",
    "is_analogy_file",
    "read_analogies",
    "read_word_pairs",
]
