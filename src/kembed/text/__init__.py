"""Text to word ids: the legacy-compatible `Tokenizer`, hashing, and streamed corpora.

Pure Python and numpy; nothing in `kembed.text` imports Keras.
"""

from kembed.text.corpus import read_lines
from kembed.text.skipgrams import make_sampling_table, skipgrams
from kembed.text.tokenizer import Tokenizer, tokenizer_from_json
from kembed.text.words import hashing_trick, one_hot, split_clitics, text_to_word_sequence

__all__ = [
    "Tokenizer",
    "hashing_trick",
    "make_sampling_table",
    "one_hot",
    "read_lines",
    "skipgrams",
    "split_clitics",
    "text_to_word_sequence",
    "tokenizer_from_json",
]
