"""Learning word vectors on their own: a streamed, encoded corpus (`encode_corpus`) and
word2vec training (`train_word2vec`). numpy and numba; no Keras."""

from kembed.training.corpus import EncodedCorpus, Vocabulary, encode_corpus
from kembed.training.word2vec import train_word2vec

__all__ = ["EncodedCorpus", "Vocabulary", "encode_corpus", "train_word2vec"]
