"""Every reader of user files, fed arbitrary input by hypothesis: it loads, or raises one of
kembed's errors (`KembedError`) naming the file; never another exception, never a hang.

Readers: vector files (text, word2vec binary, compressed, zip: `Vectors.load`), native
folders (`header.json` and its files), datasets (CSV / TSV, one folder per class, one file
per class), similarity and analogy files, tokenizer JSON files and classifier archives.
Each reader's targeted cases live in its mirrored test file; this file holds the fuzzing.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kembed.classify import read_dataset
from kembed.errors import DataWarning, KembedError
from kembed.evaluate import read_analogies, read_word_pairs
from kembed.text import Tokenizer
from kembed.vectors import Vectors
from kembed.vectors.formats.native import read_native, write_native

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Bytes that look like the start of each kind of file, followed by anything.
_PREFIXES = [
    b"",
    b"3 2\n",
    b"2 3\nthe ",
    b"\x1f\x8b\x08\x00",
    b"BZh91AY&SY",
    b"\xfd7zXZ\x00\x00",
    b"PK\x03\x04",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"<!DOCTYPE html>",
    b"text,label\n",
    b": capital\n",
    b'{"class_name": "Tokenizer", "config": {',
]
_TOKENS = [b" ", b"\t", b"\n", b"\r\n", b",", b'"', b"0.5", b"-1e3", b"nan", b"word", b"\x00"]
any_bytes = st.one_of(
    st.binary(max_size=300),
    st.tuples(
        st.sampled_from(_PREFIXES),
        st.lists(st.one_of(st.sampled_from(_TOKENS), st.binary(max_size=8)), max_size=60),
    ).map(lambda t: t[0] + b"".join(t[1])),
)


def _loads_or_raises_ours(read, path) -> None:
    try:
        read(path)
    except KembedError as error:
        assert str(path) in str(error) or path.name in str(error)


@FUZZ
@given(data=any_bytes, name=st.sampled_from(["v.txt", "v.vec", "v.bin", "v.gz", "v.zip"]))
def test_vector_files(tmp_path_factory, data, name):
    path = tmp_path_factory.mktemp("vectors") / name
    path.write_bytes(data)
    for errors in ("raise", "skip"):
        try:
            vectors = Vectors.load(path, cache=False, errors=errors)
        except KembedError as error:
            assert str(path) in str(error)
        else:
            assert vectors.vectors.shape[0] == len(vectors.index_to_key)
            assert np.isfinite(vectors.vectors).all()


@FUZZ
@given(data=st.binary(max_size=200))
def test_compressed_vector_files(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("vectors") / "v.txt.gz"
    whole = gzip.compress(b"the 0.5 1\ncat 2 3\n" + data)
    for cut in (len(whole), len(whole) // 2, 12):
        path.write_bytes(whole[:cut])
        _loads_or_raises_ours(lambda p: Vectors.load(p, cache=False, errors="skip"), path)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**12) | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@FUZZ
@given(
    changes=st.dictionaries(
        st.sampled_from(["format", "version", "shape", "sizes", "sha256", "dtype", "report"]),
        _json_values,
        max_size=4,
    ),
    damage=st.sampled_from([None, "vectors.npy", "vocab.txt", "norms.npy", "word_rows.npy"]),
    junk=st.binary(max_size=64),
)
def test_native_folders(tmp_path_factory, changes, damage, junk):
    folder = tmp_path_factory.mktemp("native") / "v.kembed"
    write_native(folder, ["a", "b"], np.ones((2, 3), np.float32))
    header = json.loads((folder / "header.json").read_text(encoding="utf-8"))
    header.update(changes)
    (folder / "header.json").write_text(json.dumps(header), encoding="utf-8")
    if damage:
        (folder / damage).write_bytes(junk)
    for verify in (False, True):
        try:
            words, matrix, _, _ = read_native(folder, verify=verify)
        except KembedError as error:
            assert str(folder) in str(error)
        else:
            assert len(words) == matrix.shape[0]
        _loads_or_raises_ours(lambda p: Vectors.load(p, vocab=["a"]), folder)


@FUZZ
@given(data=any_bytes, name=st.sampled_from(["d.csv", "d.tsv"]), skip=st.booleans())
def test_csv_and_tsv(tmp_path_factory, data, name, skip):
    path = tmp_path_factory.mktemp("csv") / name
    path.write_bytes(b"text,label\n" + data if name == "d.csv" else b"text\tlabel\n" + data)
    errors = "skip" if skip else "raise"
    with _no_data_warning():
        _loads_or_raises_ours(lambda p: read_dataset(p, errors=errors), path)


@FUZZ
@given(files=st.lists(any_bytes, min_size=1, max_size=3), skip=st.booleans())
def test_one_file_or_folder_per_class(tmp_path_factory, files, skip):
    root = tmp_path_factory.mktemp("classes")
    lines, folders = root / "lines", root / "folders"
    lines.mkdir()
    for i, data in enumerate(files):
        (lines / f"class{i}.txt").write_bytes(data)
        (folders / f"class{i}").mkdir(parents=True)
        (folders / f"class{i}" / "doc.txt").write_bytes(data)
    errors = "skip" if skip else "raise"
    with _no_data_warning():
        for path in (lines, folders):
            _loads_or_raises_ours(lambda p: read_dataset(p, errors=errors), path)


@FUZZ
@given(data=any_bytes)
def test_similarity_and_analogy_files(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("eval") / "set.txt"
    path.write_bytes(data)
    _loads_or_raises_ours(read_word_pairs, path)
    _loads_or_raises_ours(read_analogies, path)


_tokenizer_json = Tokenizer()
_tokenizer_json.fit_on_texts(["the cat sat", "the dog"])
_GOOD_JSON = _tokenizer_json.to_json()


def _tokenizer_with(changes: dict) -> bytes:
    """A good tokenizer's JSON with some config entries replaced."""
    document = json.loads(_GOOD_JSON)
    document["config"].update(changes)
    return json.dumps(document).encode()


@FUZZ
@given(
    data=st.one_of(
        any_bytes,
        _json_values.map(lambda v: json.dumps(v).encode()),
        st.integers(0, len(_GOOD_JSON)).map(lambda cut: _GOOD_JSON[:cut].encode()),
        st.dictionaries(
            st.sampled_from(["word_index", "index_word", "word_counts", "num_words"]),
            _json_values,
        ).map(_tokenizer_with),
    )
)
def test_tokenizer_files(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("tokenizer") / "tokenizer.json"
    path.write_bytes(data)
    _loads_or_raises_ours(Tokenizer.load, path)


@pytest.mark.keras
@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(["classifier.json", "tokenizer.json", "model.keras", "../evil"]),
        st.one_of(any_bytes, _json_values.map(lambda v: json.dumps(v).encode())),
        max_size=3,
    ),
    raw=st.one_of(st.none(), any_bytes),
)
def test_classifier_archives(tmp_path_factory, members, raw):
    from kembed.classify.archive import read_classifier

    path = tmp_path_factory.mktemp("archive") / "m.kembed"
    if raw is not None:
        path.write_bytes(raw)
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        path.write_bytes(buffer.getvalue())
    _loads_or_raises_ours(read_classifier, path)


@contextlib.contextmanager
def _no_data_warning():
    """Fuzzed labels may read "NA" or "none": their DataWarning is expected here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        yield
