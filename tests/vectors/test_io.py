"""`Vectors.load` / `save`: format sniffing, compression, zip members, the cache, and
gensim's loaders as the oracle on gensim's own test files."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from kembed.errors import OutputError, VectorFormatError
from kembed.vectors import ReadOptions, Vectors, cache
from kembed.vectors.formats import sniff

TEXT = b"the 0.5 -1\ncat 2 3.25\n"


@pytest.fixture
def small():
    return Vectors(["the", "cat", "caf\u00e9"], np.float32([[0.5, -1], [2, 3.25], [1e-8, 7]]))


@pytest.mark.parametrize(
    "format, suffix",
    [("native", "")]  # a folder, never compressed
    + [
        (f, s)
        for f in ("glove", "word2vec", "word2vec-binary")
        for s in ("", ".gz", ".bz2", ".xz")
    ],
)
def test_save_load_round_trip(tmp_path, small, format, suffix):
    path = tmp_path / f"v{suffix}"
    small.save(path, format=format)
    assert sniff(path) == format
    loaded = Vectors.load(path)
    assert loaded.index_to_key == small.index_to_key
    np.testing.assert_array_equal(loaded.vectors, small.vectors)


@pytest.mark.parametrize("opener", [gzip.open, bz2.open, lzma.open])
def test_compression_is_sniffed_not_named(tmp_path, opener):
    path = tmp_path / "vectors.txt"  # no telling suffix
    with opener(path, "wb") as f:
        f.write(TEXT)
    assert Vectors.load(path, cache=False).index_to_key == ["the", "cat"]


def test_zip_members(tmp_path):
    path = tmp_path / "glove.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("glove.50d.txt", TEXT)
        archive.writestr("glove.100d.txt", b"dog 1 2 3\n")
    with pytest.raises(VectorFormatError, match=r"several files.*glove.50d.txt, glove.100d.txt"):
        Vectors.load(path)
    with pytest.raises(VectorFormatError, match=r"no member 'x'"):
        Vectors.load(path, member="x")
    vectors = Vectors.load(path, member="glove.100d.txt")
    assert vectors.index_to_key == ["dog"] and vectors.dim == 3
    assert Vectors.load(path, member="glove.50d.txt").index_to_key == ["the", "cat"]


def test_cache_is_used_then_rebuilt_when_damaged_or_stale(tmp_path, private_cache):
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT)
    first = Vectors.load(path)
    assert not first.report.from_cache
    second = Vectors.load(path)
    assert second.report.from_cache and isinstance(second.vectors, np.memmap)
    np.testing.assert_array_equal(second.vectors, first.vectors)
    cache.wait()  # the first load writes its entry in a background thread
    entry = next((private_cache / "vectors").iterdir())
    (entry / "vectors.npy").write_bytes(b"damaged")
    third = Vectors.load(path)
    assert not third.report.from_cache and third.index_to_key == ["the", "cat"]
    path.write_bytes(b"dog 1 1\n")  # a changed file gets a new entry
    os.utime(path, ns=(1, 1))
    assert Vectors.load(path).index_to_key == ["dog"]
    assert Vectors.load(path, cache=False).report.from_cache is False


def test_vocab_and_limit_through_the_cache(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT)
    Vectors.load(path)
    subset = Vectors.load(path, vocab={"cat": 1, "dog": 2})
    assert subset.index_to_key == ["cat"] and subset.report.from_cache
    assert subset.report.vectors_kept == 1 and subset.report.skipped == {"not in vocab": 1}
    first = Vectors.load(path, limit=1)
    assert first.index_to_key == ["the"] and first.report.skipped == {"past limit": 1}
    np.testing.assert_array_equal(first.vectors, [[0.5, -1]])
    assert Vectors.load(path, vocab=["the"], cache=False).report.from_cache is False


def test_a_cached_load_does_not_load_the_parsers(tmp_path, private_cache):
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT)
    Vectors.load(path)
    cache.wait()
    code = (
        "import sys\nfrom kembed import Vectors\n"
        f"v = Vectors.load({str(path)!r}, vocab=['cat'])\n"
        "print(v.report.from_cache, 'numba' in sys.modules)"
    )
    env = {**os.environ, "KEMBED_CACHE": str(private_cache)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.split() == ["True", "False"], out.stderr


def test_bad_options(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT)
    with pytest.raises(ValueError, match=r"`errors` must be one of 'raise', 'skip'"):
        Vectors.load(path, errors="ignore")
    with pytest.raises(ValueError, match=r"`duplicates` must be one of"):
        Vectors.load(path, duplicates="both")
    with pytest.raises(FileNotFoundError, match="neither a file nor a named source"):
        Vectors.load(tmp_path / "missing.txt")


GENSIM_FILES = [
    "test_glove.txt",
    "lee_fasttext.vec",
    "crime-and-punishment.vec",
    "pang_lee_polarity_fasttext.vec",
    "EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt",
    "high_precision.kv.txt",
    "euclidean_vectors.bin",
    "high_precision.kv.bin",
    "toy-model.vec",
]


@pytest.mark.oracle
@pytest.mark.filterwarnings("ignore::ResourceWarning")  # gensim leaves a file open
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("name", GENSIM_FILES)
def test_same_as_gensim_on_its_test_files(name):
    keyedvectors = pytest.importorskip("gensim.models.keyedvectors")
    from gensim.test.utils import datapath

    path = Path(datapath(name))
    ours = Vectors.load(path, cache=False)
    theirs = keyedvectors.KeyedVectors.load_word2vec_format(
        path,
        binary=ours.report.format == "word2vec-binary",
        no_header=ours.report.format == "glove",
        unicode_errors="surrogateescape",  # kembed keeps invalid UTF-8 that way
    )
    assert ours.index_to_key == theirs.index_to_key
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)


@pytest.mark.slow
def test_named_source_and_the_real_file_agree(glove_file):
    named = Vectors.load("glove-6B-50d")
    from_file = Vectors.load(glove_file)
    assert named.index_to_key == from_file.index_to_key
    np.testing.assert_array_equal(named.vectors, from_file.vectors)
    again = Vectors.load(glove_file, vocab=named.index_to_key[::20])
    assert again.index_to_key == named.index_to_key[::20]
    np.testing.assert_array_equal(again.vectors, named.vectors[::20])


@pytest.mark.oracle
def test_refuses_what_gensim_refuses():
    keyedvectors = pytest.importorskip("gensim.models.keyedvectors")
    from gensim.test.utils import datapath

    path = datapath("pretrained.vec")  # its header promises 3 vectors, it holds 1
    with pytest.raises(EOFError):
        keyedvectors.KeyedVectors.load_word2vec_format(path)
    with pytest.raises(VectorFormatError, match="the header says 3 vectors"):
        Vectors.load(path)
    assert Vectors.load(path, errors="skip").index_to_key == ["dummy"]


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_truncated_or_damaged_compressed_vectors_name_the_file(tmp_path, compress):
    data = compress(b"".join(b"w%d 0.5 -1 2\n" % i for i in range(5_000)))
    path = tmp_path / "v.txt.z"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(VectorFormatError, match=r"v.txt.z: the compressed file is truncated"):
        Vectors.load(path, cache=False)
    damaged = bytearray(data)
    damaged[20:60] = bytes(b ^ 0x55 for b in damaged[20:60])
    path.write_bytes(bytes(damaged))
    with pytest.raises(VectorFormatError, match=r"v.txt.z: the compressed data is damaged"):
        Vectors.load(path, cache=False)


def test_a_damaged_zip_names_the_file(tmp_path):
    path = tmp_path / "glove.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("glove.txt", TEXT * 1000)
    data = bytearray(path.read_bytes())
    data[100:140] = bytes(40)
    path.write_bytes(bytes(data))
    with pytest.raises(VectorFormatError, match=r"glove.zip:glove.txt: the compressed data"):
        Vectors.load(path)


@pytest.mark.parametrize(
    ("data", "looks"),
    [
        ("the 0.5 -1\n".encode("utf-16"), "UTF-16 text"),
        (b"<!DOCTYPE html>\n<html><title>404 Not Found</title></html>\n", "an HTML or XML page"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "binary data"),
    ],
)
def test_a_file_that_is_no_vector_text_says_what_it_looks_like(tmp_path, data, looks):
    path = tmp_path / "glove.6B.50d.txt"
    path.write_bytes(data)
    with pytest.raises(
        VectorFormatError,
        match=rf"glove.6B.50d.txt: this is no vector text file: it looks like {looks}",
    ):
        Vectors.load(path)


def test_save_never_replaces_what_kembed_did_not_write(tmp_path, small):
    project = tmp_path / "proj"  # the hostile test's `kembed vectors convert a.txt proj`
    project.mkdir()
    (project / "work.py").write_text("print('mine')\n", encoding="utf-8")
    for format in ("native", "glove"):
        for overwrite in (False, True):
            with pytest.raises(OutputError, match=r"proj: is a folder that kembed did not write"):
                small.save(project, format=format, overwrite=overwrite)
    assert [p.name for p in project.iterdir()] == ["work.py"]
    text = tmp_path / "v.txt"
    small.save(text, format="glove")
    with pytest.raises(OutputError, match=r"v.txt: exists. Pass overwrite=True"):
        small.save(text, format="glove")
    small.subset(["cat"]).save(text, format="glove", overwrite=True)
    assert Vectors.load(text, cache=False).index_to_key == ["cat"]
    with pytest.raises(OutputError, match=r"the folder .*nowhere does not exist"):
        small.save(tmp_path / "nowhere" / "v.txt", format="glove")


@pytest.mark.parametrize(
    ("name", "format"),
    [
        ("v.txt", "glove"),
        ("v.TXT.gz", "glove"),
        ("v.vec.xz", "word2vec"),
        ("v.bin.bz2", "word2vec-binary"),
        ("v.bin", "word2vec-binary"),
        ("v.kembed", "native"),
        ("v", "native"),
    ],
)
def test_save_takes_the_format_from_the_name(tmp_path, small, name, format):
    path = tmp_path / name
    small.save(path)
    assert sniff(path) == format
    assert Vectors.load(path, cache=False).index_to_key == small.index_to_key


def test_read_options_are_the_keywords_in_one_object(tmp_path, private_cache):
    path = tmp_path / "v.txt"
    path.write_bytes(b"the 1 2\nbad 1\nthe 3 4\ncat 5 6\n")
    options = ReadOptions(errors="skip", duplicates="last")
    by_object = Vectors.load(path, options=options)
    by_keywords = Vectors.load(path, errors="skip", duplicates="last")
    assert by_object.index_to_key == by_keywords.index_to_key == ["the", "cat"]
    np.testing.assert_array_equal(by_object.vectors, by_keywords.vectors)
    np.testing.assert_array_equal(by_object["the"], [3, 4])
    assert by_object.report.from_cache is False and by_keywords.report.from_cache is True
    with pytest.raises(ValueError, match="Pass `options` or the keyword arguments"):
        Vectors.load(path, options=options, errors="skip")


@pytest.mark.parametrize(
    "field, value, error, message",
    [
        ("errors", "ignore", ValueError, "`errors` must be one of 'raise', 'skip'"),
        ("duplicates", "any", ValueError, "`duplicates` must be one of"),
        ("format", "gloVe", ValueError, "`format` must be one of"),
        ("dim", 0, ValueError, "`dim` must be a positive integer. Received: dim=0"),
        ("dim", True, ValueError, "`dim` must be a positive integer"),
        ("member", 3, TypeError, "`member` must be a str or None"),
    ],
)
def test_bad_read_options_are_named(field, value, error, message):
    with pytest.raises(error, match=message):
        ReadOptions(**{field: value})
