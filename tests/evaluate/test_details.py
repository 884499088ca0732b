"""kembed.evaluate.details: the failed analogies are exactly those gensim marks incorrect
(real GloVe, a section of questions-words.txt), and the worst pairs are ranked by the rank
gap between the vectors' cosine and people's score."""

from __future__ import annotations

import numpy as np
import pytest

from kembed import Vectors
from kembed.evaluate import Analogies, WordPairs, read_analogies, read_word_pairs
from kembed.evaluate.details import failed_analogies, worst_pairs
from tests.conftest import shared_data


@pytest.mark.slow
@pytest.mark.oracle
def test_failed_analogies_are_the_questions_gensim_gets_wrong(glove_both, tmp_path):
    ours, theirs = glove_both
    questions = read_analogies(shared_data("word-analogy", "questions-words.txt"))
    subset = Analogies(
        "subset", [s for s in questions.sections if s[0] in ("family", "gram2-opposite")]
    )
    path = tmp_path / "subset.txt"
    path.write_text(
        "".join(
            f": {name}\n" + "".join(" ".join(q) + "\n" for q in qs) for name, qs in subset.sections
        ),
        encoding="utf-8",
    )
    _, sections = theirs.evaluate_word_analogies(str(path), restrict_vocab=300_000)
    expected = {
        tuple(w.lower() for w in question)
        for section in sections[:-1]
        for question in section["incorrect"]
    }
    found = failed_analogies(ours, subset, n=10_000)
    assert {(f.a, f.b, f.c, f.expected) for f in found} == expected
    assert all(f.answer != f.expected for f in found) and len(found) > 10
    for f in found[:5]:
        assert ours.analogy(f.a, f.b, f.c, restrict_vocab=300_000)[0].word == f.answer


def test_failed_analogies_keep_file_order_and_stop_at_n():
    rows = [[1, 0], [1, 1], [0, 1], [0.1, 2], [1, 0.1], [0.1, 1]]
    v = Vectors(["man", "king", "woman", "queen", "boy", "girl"], np.array(rows, "float32"))
    questions = Analogies("toy", [("a", [("man", "king", "woman", "queen"),
                                          ("man", "woman", "king", "boy"),
                                          ("king", "man", "queen", "girl"),
                                          ("man", "nope", "woman", "queen")])])  # fmt: skip
    found = failed_analogies(v, questions)
    assert [(f.a, f.b, f.c) for f in found] == [("man", "woman", "king"), ("king", "man", "queen")]
    assert failed_analogies(v, questions, n=1) == found[:1]
    assert failed_analogies(v, Analogies("none", [("a", [("x", "y", "z", "w")])])) == []


def test_worst_pairs_are_the_largest_rank_gaps():
    v = Vectors(["cat", "dog", "car", "Tiger"],
                np.array([[1, 0], [0.9, 0.2], [0, 1], [1, 0.05]], "float32"))  # fmt: skip
    asked = [("cat", "dog"), ("cat", "car"), ("dog", "car"), ("cat", "tiger"), ("cat", "nope")]
    pairs = WordPairs("toy", asked, np.array([9.0, 8.0, 1.0, 2.0, 5.0]))
    found = worst_pairs(v, pairs, n=10)
    assert len(found) == 3  # "tiger" is only "Tiger": no lower-case fallback that way round
    cosines = {(p.word1, p.word2): p.cosine for p in found}
    assert cosines[("cat", "car")] == pytest.approx(0.0, abs=1e-6)
    # Ranks by cosine: cat-car 1, dog-car 2, cat-dog 3; by people: dog-car 1, cat-car 2, cat-dog 3.
    assert [(p.word1, p.word2, p.gap) for p in found] == [
        ("cat", "car", pytest.approx(1 / 3)),
        ("dog", "car", pytest.approx(1 / 3)),
        ("cat", "dog", 0.0),
    ]
    assert [p.gap for p in found] == sorted((p.gap for p in found), reverse=True)


@pytest.mark.slow
def test_worst_pairs_on_ws353_use_the_cosines_gensim_reports(glove_both):
    ours, theirs = glove_both
    pairs = read_word_pairs(shared_data("word-similarity", "EN-WS-353-ALL.txt"))
    found = worst_pairs(ours, pairs, n=20)
    assert len(found) == 20
    for p in found:
        assert p.cosine == pytest.approx(
            theirs.similarity(p.word1.lower(), p.word2.lower()), abs=1e-5
        )
