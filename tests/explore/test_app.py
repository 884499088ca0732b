"""kembed.explore.app: each route answers what the library functions answer, and every bad
parameter is a `RequestError` naming it (the server's 400)."""

from __future__ import annotations

import numpy as np
import pytest

from kembed import Vectors
from kembed.explore import Explorer, RequestError, UnknownWord
from kembed.space import compare, nearest, parse_expression, project


def test_info_lists_the_sets_methods_and_evaluations(explorer):
    info = explorer.answer("/api/info", {})
    assert [s["name"] for s in info["sets"]] == ["first", "second"]
    assert info["sets"][0]["words"] == 416 and info["sets"][0]["dim"] == 12
    assert info["methods"][0] == "pca" and info["query_methods"] == ["3cosadd", "3cosmul"]
    assert [(e["name"], e["kind"]) for e in info["evaluations"]] == [
        ("pairs", "word-pairs"),
        ("analogies", "analogies"),
    ]


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_neighbours_are_what_nearest_answers(explorer, method):
    params = {"set": "0", "q": "king - man + woman", "method": method, "topn": "5"}
    answer = explorer.answer("/api/neighbors", params)
    vectors = explorer.sets[0].vectors
    expected = nearest(vectors, parse_expression("king - man + woman"), method=method, topn=5)
    assert [w for w, _ in answer["neighbors"]] == [w for w, _ in expected]
    assert answer["neighbors"][0][0] == "queen"


def test_an_unknown_word_comes_with_its_closest_spellings(explorer):
    with pytest.raises(UnknownWord) as caught:
        explorer.answer("/api/neighbors", {"q": "kinq - man"})
    assert caught.value.word == "kinq" and "king" in caught.value.suggestions
    assert "Did you mean king" in str(caught.value)


def test_completion_offers_the_most_frequent_words_first(explorer):
    answer = explorer.answer("/api/complete", {"set": "1", "prefix": "pr", "limit": "5"})
    assert answer["words"] == ["prince", "princess"]


def test_maps_are_the_projection_and_are_cached(explorer):
    answer = explorer.answer("/api/map", {"set": "0", "top": "100"})
    expected = project(explorer.sets[0].vectors, top=100)
    assert answer["words"] == expected.words
    np.testing.assert_allclose(answer["x"], expected.xy[:, 0], atol=1e-4)
    assert explorer.answer("/api/map", {"set": "0", "top": "100"})["x"] == answer["x"]
    pasted = explorer.answer("/api/map", {}, {"set": 0, "words": ["cat", "dog", "nope", "car"]})
    assert pasted["words"] == ["cat", "dog", "car"] and pasted["missing"] == ["nope"]


def test_comparison_finds_the_word_that_moved(explorer):
    answer = explorer.answer("/api/compare", {"a": "0", "b": "1", "top": "416", "topn": "5"})
    expected = compare(explorer.sets[0].vectors, explorer.sets[1].vectors, top=416, topn=5)
    assert answer["most_moved"][0][0] == "cat" == expected.most_moved(1)[0][0]
    assert answer["mean_overlap"] == pytest.approx(expected.mean_overlap, abs=1e-4)
    word = explorer.answer("/api/compare/word", {"a": "0", "b": "1", "word": "king"})
    assert word["a"] == [w for w, _ in explorer.sets[0].vectors.most_similar("king")]
    assert set(word["shared"]) == set(word["a"]) & set(word["b"])


def test_evaluations_list_the_worst_pairs_and_the_failed_analogies(explorer):
    pairs = explorer.answer("/api/evaluate", {"set": "0", "eval": "0"})
    assert pairs["result"]["kind"] == "word-pairs" and pairs["result"]["pairs"] == 4
    assert len(pairs["items"]) == 4 and pairs["items"][0][4] >= pairs["items"][-1][4]
    analogies = explorer.answer("/api/evaluate", {"set": "0", "eval": "1"})
    assert analogies["result"]["kind"] == "analogies"
    failed = {tuple(item[1:5]) for item in analogies["items"]}
    assert ("man", "king", "woman", "queen") not in failed  # queen is king - man + woman
    assert analogies["result"]["incorrect"] == len(analogies["items"])


@pytest.mark.parametrize(
    "route, params, match",
    [
        ("/api/nothing", {}, r"There is no '/api/nothing'"),
        ("/api/neighbors", {"set": "7", "q": "king"}, r"`set` must be from 0 to 1"),
        ("/api/neighbors", {"set": "x", "q": "king"}, r"`set` must be an integer"),
        ("/api/neighbors", {"q": "king", "topn": "0"}, r"`topn` must be from 1 to 100"),
        ("/api/neighbors", {"q": "king", "method": "cos"}, r"`method` must be one of"),
        ("/api/neighbors", {"q": ""}, r"The query is empty"),
        ("/api/neighbors", {"q": "- king"}, r"Nothing to subtract from"),
        ("/api/map", {"method": "mds"}, r"`method` must be one of"),
        ("/api/map", {"top": "2"}, r"`top` must be from 3 to 100000"),
        ("/api/compare", {"a": "0", "b": "1", "topn": "1000"}, r"`topn` must be from 1 to 100"),
        ("/api/evaluate", {"eval": "9"}, r"`eval` must be from 0 to 1"),
        ("/api/complete", {"limit": "51"}, r"`limit` must be from 1 to 50"),
    ],
)
def test_bad_parameters_are_request_errors(explorer, route, params, match):
    with pytest.raises(RequestError, match=match):
        explorer.answer(route, params)


@pytest.mark.parametrize(
    "body, match",
    [
        ([1, 2], r"must be a JSON object"),
        ({"words": "cat dog"}, r"`words` must be a list of words"),
        ({"words": ["cat", 3]}, r"`words` must be a list of words"),
        ({"words": ["w"] * 20_001}, r"At most 20,000 pasted words"),
        ({"words": ["cat", "nope"]}, r"at least 3 words in the vectors; found 1"),
    ],
)
def test_bad_pasted_words_are_request_errors(explorer, body, match):
    with pytest.raises(RequestError, match=match):
        explorer.answer("/api/map", {}, body)


def test_without_evaluations_the_page_is_told_how_to_add_them():
    explorer = Explorer({"toy": Vectors(["a", "b", "c"], np.eye(3, dtype="float32"))})
    assert explorer.answer("/api/info", {})["evaluations"] == []
    with pytest.raises(RequestError, match=r"start with --eval FILE"):
        explorer.answer("/api/evaluate", {})
    with pytest.raises(ValueError, match=r"at least one vector set"):
        Explorer({})
