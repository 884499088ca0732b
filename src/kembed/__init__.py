"""kembed: word embeddings on Keras 3, on every backend.

Importing kembed chooses the Keras backend (JAX unless `KERAS_BACKEND` is set) and loads
nothing heavy: Keras itself is imported only when a Keras-facing name is first used.
"""

from kembed.__about__ import __version__
from kembed.backend import select_backend
from kembed.classify import Dataset, Evaluation, read_dataset
from kembed.embedding import CoverageReport, CoverageWarning, candidate_words, embedding_matrix
from kembed.errors import (
    CacheWarning,
    CorpusError,
    DataWarning,
    KembedError,
    KembedWarning,
    OutputError,
    SourceError,
    TrainingInterrupted,
    VectorFormatError,
)
from kembed.text import (
    Tokenizer,
    hashing_trick,
    make_sampling_table,
    one_hot,
    read_lines,
    skipgrams,
    text_to_word_sequence,
    tokenizer_from_json,
)
from kembed.vectors import LoadReport, Neighbor, Vectors

select_backend()

# Keras-facing names, imported on first use: name -> (module, attribute).
_LAZY = {
    "pad_sequences": ("keras.utils", "pad_sequences"),
    "FrozenRowsEmbedding": ("kembed.embedding.layers", "FrozenRowsEmbedding"),
    "fill_embedding": ("kembed.embedding.layers", "fill_embedding"),
    "pretrained_embedding": ("kembed.embedding.layers", "pretrained_embedding"),
    "TextClassifier": ("kembed.classify.classifier", "TextClassifier"),
    "learned_vectors": ("kembed.classify.models", "learned_vectors"),
    "DataParallelTraining": ("kembed.distribute", "DataParallelTraining"),
    "evaluate_analogies": ("kembed.evaluate", "evaluate_analogies"),
    "evaluate_word_pairs": ("kembed.evaluate", "evaluate_word_pairs"),
    "train_glove": ("kembed.training", "train_glove"),
    "train_word2vec": ("kembed.training", "train_word2vec"),
    "train_fasttext": ("kembed.training", "train_fasttext"),
}

__all__ = [
    "CacheWarning",
    "CorpusError",
    "CoverageReport",
    "CoverageWarning",
    "DataParallelTraining",
    "DataWarning",
    "Dataset",
    "Evaluation",
    "FrozenRowsEmbedding",
    "KembedError",
    "KembedWarning",
    "LoadReport",
    "Neighbor",
    "OutputError",
    "SourceError",
    "TextClassifier",
    "Tokenizer",
    "TrainingInterrupted",
    "VectorFormatError",
    "Vectors",
    "__version__",
    "candidate_words",
    "embedding_matrix",
    "evaluate_analogies",
    "evaluate_word_pairs",
    "fill_embedding",
    "hashing_trick",
    "learned_vectors",
    "make_sampling_table",
    "one_hot",
    "pad_sequences",
    "pretrained_embedding",
    "read_dataset",
    "read_lines",
    "skipgrams",
    "text_to_word_sequence",
    "tokenizer_from_json",
    "train_fasttext",
    "train_glove",
    "train_word2vec",
]

# Submodules that load something heavy (Keras, scipy, numba), imported on first use.
_SUBMODULES = ("distribute", "evaluate", "training")


def __getattr__(name: str):
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"kembed.{name}")
    if name not in _LAZY:
        raise AttributeError(f"module 'kembed' has no attribute {name!r}")
    import importlib

    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
