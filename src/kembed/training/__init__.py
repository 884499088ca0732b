"""Learning word vectors on their own: a streamed, encoded corpus (`encode_corpus`),
word2vec (`train_word2vec`), fastText subword vectors (`train_fasttext`) and GloVe
(`count_cooccurrences`, `train_glove`). numpy and numba; no Keras."""

from kembed.training.cooccurrence import Cooccurrences, count_cooccurrences
from kembed.training.corpus import EncodedCorpus, Vocabulary, encode_corpus
from kembed.training.fasttext import train_fasttext
from kembed.training.glove import train_glove
from kembed.training.settings import (
    CorpusOptions,
    FastTextSettings,
    GloVeSettings,
    Word2VecSettings,
)
from kembed.training.word2vec import train_word2vec

__all__ = [
    "Cooccurrences",
    "CorpusOptions",
    "EncodedCorpus",
    "FastTextSettings",
    "GloVeSettings",
    "Vocabulary",
    "Word2VecSettings",
    "count_cooccurrences",
    "encode_corpus",
    "train_fasttext",
    "train_glove",
    "train_word2vec",
]
