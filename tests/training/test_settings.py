"""The trainers' settings objects: validated once, the same object whether built by the
function's keywords, the CLI or read back from a saved header; one type per field."""

from __future__ import annotations

import json

import pytest

from kembed import Vectors
from kembed.training import (
    CorpusOptions,
    GloVeSettings,
    Word2VecSettings,
    train_glove,
    train_word2vec,
)


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 30, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("train", "settings"),
    [
        (train_word2vec, Word2VecSettings(mode="cbow", dim=6, epochs=2)),
        (train_glove, GloVeSettings(dim=6, epochs=2, shuffle="once")),
    ],
)
def test_the_saved_header_reads_back_as_the_same_settings(corpus, tmp_path, train, settings):
    options = CorpusOptions(min_count=2, skip_prefix="#")
    vectors = train(corpus, settings=settings, corpus_options=options, workers=1, seed=0)
    vectors.save(tmp_path / "v")
    header = Vectors.load(tmp_path / "v").header["settings"]
    assert type(settings).from_dict(header) == settings
    assert CorpusOptions.from_dict(header) == options
    assert json.loads(json.dumps(header)) == header  # plain JSON
    assert isinstance(header["seconds"], dict)  # one type for both trainers
    assert all(isinstance(v, float) for v in header["seconds"].values())
    keywords = {k: v for k, v in settings.to_dict().items() if k != "alpha" or v is not None}
    again = train(corpus, **keywords, min_count=2, skip_prefix="#", workers=1, seed=0)
    assert type(settings).from_dict(again.header["settings"]) == settings


def test_settings_or_keywords_not_both(corpus):
    with pytest.raises(ValueError, match=r"Pass `settings` or the keyword arguments it holds"):
        train_word2vec(corpus, settings=Word2VecSettings(dim=4), dim=8)
    with pytest.raises(ValueError, match=r"Pass `corpus_options` or the keyword"):
        train_glove(corpus, corpus_options=CorpusOptions(min_count=1), min_count=3)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Word2VecSettings(mode="glove"), r"`mode` must be one of \('skipgram', 'cbow'\)"),
        (lambda: Word2VecSettings(dim=0), r"`dim` must be a positive integer. Received: dim=0"),
        (lambda: Word2VecSettings(sample=1.5), r"`sample` must be in \[0, 1\)"),
        (lambda: Word2VecSettings(alpha=-1.0), r"`alpha` must be positive"),
        (lambda: GloVeSettings(shuffle="twice"), r"`shuffle` must be 'epoch' or 'once'"),
        (lambda: GloVeSettings(memory=0), r"`memory` must be positive"),
        (lambda: CorpusOptions(min_count=0), r"`min_count` must be a positive integer"),
        (lambda: CorpusOptions(max_vocab=True), r"`max_vocab` must be a positive integer"),
        (lambda: CorpusOptions(encoding="klingon"), r"Unknown encoding: 'klingon'"),
    ],
)
def test_bad_values_are_refused_when_the_object_is_made(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_the_default_rate_follows_the_mode():
    assert Word2VecSettings().alpha == 0.025 and Word2VecSettings(mode="cbow").alpha == 0.05
    assert Word2VecSettings(mode="cbow", alpha=0.1).alpha == 0.1
