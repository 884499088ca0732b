"""From pretrained vectors to Keras: the embedding matrix in a tokenizer's id order and its
`CoverageReport` (numpy only), and the Keras layers built from it (`kembed.embedding.layers`,
which imports Keras)."""

from kembed.embedding.coverage import CoverageReport
from kembed.embedding.matrix import (
    CoverageWarning,
    MatrixOptions,
    candidate_words,
    embedding_matrix,
)

__all__ = [
    "CoverageReport",
    "CoverageWarning",
    "MatrixOptions",
    "candidate_words",
    "embedding_matrix",
]
