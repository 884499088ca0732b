"""kembed.space.query: expressions parsed as a person types them, answered as gensim answers
(`most_similar` for 3CosAdd, `most_similar_cosmul` for 3CosMul) on the real GloVe vectors;
completion and spelling suggestions against a plain scan of the vocabulary."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kembed import Vectors
from kembed.space import Expression, WordFinder, nearest, parse_expression


@pytest.mark.parametrize(
    "text, positive, negative",
    [
        ("king", ["king"], []),
        ("king - man + woman", ["king", "woman"], ["man"]),
        ("king -man +woman", ["king", "woman"], ["man"]),
        ("  paris   -  france  +  italy ", ["paris", "italy"], ["france"]),
        ("new york", ["new", "york"], []),
        ("+a -b", ["a"], ["b"]),
    ],
)
def test_expressions_parse_as_typed(text, positive, negative):
    assert parse_expression(text) == Expression(tuple(positive), tuple(negative))


def test_a_word_starting_with_a_sign_stays_whole_when_it_is_in_the_vocabulary():
    vectors = Vectors(["-lrb-", "a", "-", "--", "new york"], np.eye(5, dtype="float32"))
    for word in ("-", "--", "new york", " - "):
        assert parse_expression(word, vectors) == Expression((word.strip(),), ())
    assert parse_expression("new york", None).positive == ("new", "york")
    assert parse_expression("-lrb-", vectors).positive == ("-lrb-",)
    assert parse_expression("a -lrb-", vectors).positive == ("a", "-lrb-")
    assert parse_expression("a - -lrb-", vectors).negative == ("-lrb-",)


@pytest.mark.parametrize(
    "text, match",
    [
        ("", r"empty"),
        ("   ", r"empty"),
        ("king -", r"Expected a word after '-'"),
        ("king - + woman", r"Expected a word after '-'"),
        ("- man", r"Nothing to subtract from"),
        ("-man", r"Nothing to subtract from"),
    ],
)
def test_bad_expressions_say_what_is_wrong(text, match):
    with pytest.raises(ValueError, match=match):
        parse_expression(text)


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_value_error(text):
    try:
        expression = parse_expression(text)
    except ValueError:
        return
    assert expression.positive and all(expression.words)
    assert all(not w.isspace() for w in expression.words)


@pytest.mark.oracle
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")
@pytest.mark.parametrize(
    "positive, negative",
    [(["king"], []), (["king", "woman"], ["man"]), (["paris", "italy"], ["france"])],
)
def test_neighbours_equal_gensims_by_both_methods(glove_both, positive, negative):
    ours, theirs = glove_both
    expression = Expression(tuple(positive), tuple(negative))
    found = nearest(ours, expression, method="3cosadd", topn=10)
    expected = theirs.most_similar(positive=positive, negative=negative, topn=10)
    assert [w for w, _ in found] == [w for w, _ in expected]
    np.testing.assert_allclose([s for _, s in found], [s for _, s in expected], atol=1e-5)

    found = nearest(ours, expression, method="3cosmul", topn=10)
    expected = theirs.most_similar_cosmul(positive=positive, negative=negative, topn=10)
    assert [w for w, _ in found] == [w for w, _ in expected]
    np.testing.assert_allclose([s for _, s in found], [s for _, s in expected], rtol=1e-4)


def test_nearest_rejects_unknown_words_methods_and_topn():
    vectors = Vectors(["a", "b", "c"], np.eye(3, dtype="float32"))
    with pytest.raises(KeyError, match="'zz' is not in the vocabulary"):
        nearest(vectors, parse_expression("a - zz"), method="3cosmul")
    with pytest.raises(ValueError, match=r"`method` must be one of"):
        nearest(vectors, parse_expression("a"), method="cos")
    for method in ("3cosadd", "3cosmul"):
        with pytest.raises(ValueError, match=r"`topn` must be a positive integer"):
            nearest(vectors, parse_expression("a"), method=method, topn=0)


def test_topn_beyond_the_vocabulary_gives_the_other_words_only():
    vectors = Vectors(["a", "b", "c"], np.eye(3, dtype="float32") + 0.1)
    for method in ("3cosadd", "3cosmul"):
        found = nearest(vectors, parse_expression("a - b"), method=method, topn=10)
        assert [w for w, _ in found] == ["c"]


WORDS = ["the", "king", "kingdom", "kings", "King", "KINGS", "queen", "kin", "zebra", "ünïcode"]


@given(st.text(alphabet="kKingdsuü", max_size=4), st.integers(1, 12))
def test_completion_is_the_most_frequent_prefix_matches_then_other_cases(prefix, limit):
    finder = WordFinder(WORDS)
    found = finder.complete(prefix, limit=limit)
    exact = [w for w in WORDS if w.startswith(prefix)]
    assert found[: len(exact[:limit])] == exact[:limit]
    assert len(found) == len(set(found)) <= limit
    variants = {prefix.lower(), prefix.capitalize(), prefix.upper()}
    assert all(any(w.startswith(v) for v in variants) for w in found)


def test_suggestions_are_case_variants_then_close_spellings_most_frequent_first():
    finder = WordFinder(["london", "paris", "London", "parish", "lodging", "apple"])
    assert finder.suggest("LONDON") == ["london", "London"]
    assert finder.suggest("Londn") == ["london"]  # one of the words folding alike
    assert finder.suggest("pariss") == ["paris", "parish"]
    assert finder.suggest("pariss", n=1) == ["paris"]
    assert finder.suggest("xyzzy") == []
    assert finder.suggest("") == []


@given(st.text(max_size=12))
def test_suggestions_are_other_words_of_the_vocabulary(word):
    finder = WordFinder(WORDS)
    found = finder.suggest(word)
    assert len(found) <= 5 and word not in found and set(found) <= set(WORDS)


@pytest.mark.slow
def test_suggestions_on_the_real_vocabulary(glove_both):
    ours, _ = glove_both
    finder = WordFinder(ours.index_to_key)
    assert "london" in finder.suggest("Londn")
    assert "necessary" in finder.suggest("neccessary")
    for prefix in ("kin", "zeb", "new y", "1"):
        scan = [w for w in ours.index_to_key if w.startswith(prefix)][:8]
        assert finder.complete(prefix, limit=8) == scan
