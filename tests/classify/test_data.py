"""The dataset readers: CSV / TSV, one folder per class, one file per class; every row that
cannot be read named by file and line; a round trip through Python's csv writer."""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kembed.classify import read_csv, read_dataset, read_folders, read_line_files
from kembed.errors import CorpusError, DataWarning
from tests.conftest import shared_data


def test_csv_with_quotes_commas_line_breaks_and_a_bom(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_bytes(
        b'\xef\xbb\xbfid,text,label\n1,"Great, really great",pos\n2,"two\nlines",neg\n'
    )
    data = read_csv(path)

    assert data.texts == ["Great, really great", "two\nlines"]
    assert data.labels == ["pos", "neg"]
    assert data.skipped == []


def test_tsv_is_tab_separated_by_its_suffix(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("label\ttext\n1\ta, b\n0\tc\n", encoding="utf-8")
    data = read_dataset(path)
    assert (data.texts, data.labels) == (["a, b", "c"], ["1", "0"])


def test_a_missing_column_lists_the_columns(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("review,sentiment\nok,pos\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"line 1: no column 'text'; the columns are \['review"):
        read_csv(path)
    data = read_csv(path, text_column="review", label_column="sentiment")
    assert data.labels == ["pos"]


@pytest.mark.parametrize(
    ("body", "line", "where", "reason"),
    [
        (b"good,pos\nbad,neg,extra\nok,pos\n", 3, "line 3", "expected 2 fields, found 3"),
        (b"good,pos\n,neg\nok,pos\n", 3, "line 3", "empty text or label"),
        (
            b"good,pos\nbad\xff,neg\nok,pos\n",
            3,
            "line 3",
            "bytes that are not valid utf-8; pass the file's encoding, e.g. encoding='latin-1' "
            "(--encoding latin-1)",
        ),
        (
            b'good,pos\n"multi\nline",\nok,pos\n',
            3,
            "lines 3-4",
            "a row opens on line 3 and runs 2 lines, to line 4: a quote is probably not "
            "closed (empty text or label)",
        ),
        (
            b'good,pos\nbad,"neg\nx"\nok,pos\n',
            3,
            "lines 3-4",
            "a row opens on line 3 and runs 2 lines, to line 4: a quote is probably not "
            "closed (a label over several lines)",
        ),
    ],
)
def test_bad_rows_are_named_by_line_and_raise_or_are_listed(tmp_path, body, line, where, reason):
    path = tmp_path / "d.csv"
    path.write_bytes(b"text,label\n" + body)

    with pytest.raises(
        CorpusError, match=rf"d.csv, line {line}: {re.escape(reason)}.*errors='skip'"
    ):
        read_csv(path)
    data = read_csv(path, errors="skip")
    assert data.texts[0] == "good" and data.texts[-1] == "ok" and len(data) == 2
    assert data.skipped == [(f"{path}, {where}", reason)]
    assert "skipped 1" in str(data)


def test_an_unclosed_quote_is_reported_with_every_line_it_swallowed(tmp_path):
    # A hostile test's case: one stray quote swallowed 196 of 200 rows, "skipped 1".
    rows = [f"row {i},{'pos' if i % 2 else 'neg'}\n" for i in range(200)]
    rows[4] = '"row 4 with a stray quote,neg\n'
    path = tmp_path / "d.csv"
    path.write_text("text,label\n" + "".join(rows), encoding="utf-8")
    with pytest.raises(
        CorpusError, match=r"line 6: a row opens on line 6 and runs 196 lines, to line 201"
    ):
        read_csv(path)
    data = read_csv(path, errors="skip")
    assert len(data) == 4 and data.lines_lost == 196
    assert data.skipped[0][0] == f"{path}, lines 6-201"
    assert "skipped 1 (196 lines)" in str(data)


def test_encoding_is_an_option(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes("text,label\ncaf\u00e9,pos\nna\u00efve,neg\n".encode("latin-1"))
    assert read_csv(path, encoding="latin-1").texts == ["caf\u00e9", "na\u00efve"]


def test_an_empty_file_or_no_rows_is_an_error(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="empty; expected a header row"):
        read_csv(path)
    path.write_text("text,label\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no documents found"):
        read_csv(path)


def test_one_folder_per_class(tmp_path):
    for label, docs in {"pos": ["great", "fine"], "neg": ["awful"]}.items():
        (tmp_path / label).mkdir()
        for i, doc in enumerate(docs):
            (tmp_path / label / f"{i}.txt").write_text(doc, encoding="utf-8")
    (tmp_path / "neg" / "bad.txt").write_bytes(b"\xff\xfe")
    (tmp_path / "neg" / "notes.md").write_text("ignored", encoding="utf-8")

    with pytest.raises(CorpusError, match=r"bad.txt: not valid utf-8"):
        read_dataset(tmp_path)
    data = read_folders(tmp_path, errors="skip")
    assert sorted(zip(data.labels, data.texts, strict=True)) == [
        ("neg", "awful"),
        ("pos", "fine"),
        ("pos", "great"),
    ]
    assert data.skipped[0][0].endswith("bad.txt")


def test_one_file_per_class_labels_from_suffixes_and_only_newline_ends_a_line(tmp_path):
    (tmp_path / "rt.pos").write_bytes(b"good\rstill one line\n\nfine\n")
    (tmp_path / "rt.neg").write_bytes(b"bad\n\xe9t\xe9 nul\n")

    with pytest.raises(CorpusError, match=r"rt.neg, line 2: not valid utf-8"):
        read_dataset(tmp_path)
    data = read_line_files([tmp_path / "rt.pos", tmp_path / "rt.neg"], encoding="latin-1")
    assert data.texts == ["good\rstill one line", "fine", "bad", "\u00e9t\u00e9 nul"]
    assert data.labels == ["pos", "pos", "neg", "neg"]


def test_files_with_one_suffix_are_labelled_by_name(tmp_path):
    (tmp_path / "spam.txt").write_text("buy now\n", encoding="utf-8")
    (tmp_path / "ham.txt").write_text("hello\n", encoding="utf-8")
    assert read_dataset(tmp_path).labels == ["ham", "spam"]


def test_documentation_beside_class_files_is_no_class(tmp_path):
    (tmp_path / "spam.txt").write_text("buy now\n", encoding="utf-8")
    (tmp_path / "ham.txt").write_text("hello\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# About\nspam and ham\n", encoding="utf-8")
    (tmp_path / "LICENSE").write_text("CC0\n", encoding="utf-8")
    data = read_dataset(tmp_path)
    assert data.labels == ["ham", "spam"]
    assert [(Path(where).name, why[:15]) for where, why in data.skipped] == [
        ("LICENSE", "a documentation"),
        ("README.md", "a documentation"),
    ]
    assert "skipped 2" in str(data)
    # Named explicitly, a file is read as a class, whatever its name.
    named = read_dataset([tmp_path / "spam.txt", tmp_path / "README.md"])
    assert len(set(named.labels)) == 2 and not named.skipped


@pytest.mark.slow
def test_the_mr_folder_with_its_source_notes():
    mr = read_dataset(shared_data("mr"), encoding="latin-1")
    assert len(mr) == 10_662 and set(mr.labels) == {"pos", "neg"}
    assert [Path(where).name for where, _ in mr.skipped] == ["SOURCE.md"]


def test_missing_path_and_bad_errors_option(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file or folder"):
        read_dataset(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match=r"`errors` must be one of \('raise', 'skip'\)"):
        read_dataset(tmp_path, errors="ignore")


@pytest.mark.slow
def test_reads_mr_and_subj():
    mr = read_dataset(
        [shared_data("mr", "rt-polarity.pos"), shared_data("mr", "rt-polarity.neg")],
        encoding="latin-1",
    )
    assert len(mr) == 10_662 and mr.labels.count("pos") == 5_331
    subj = read_dataset(
        [shared_data("subj", "subj.objective"), shared_data("subj", "subj.subjective")],
        encoding="latin-1",
    )
    assert len(subj) == 10_000 and set(subj.labels) == {"objective", "subjective"}


_field = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(_field, _field), min_size=1, max_size=8))
def test_round_trip_through_the_csv_writer(tmp_path_factory, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["text", "label"])
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("csv") / "d.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    kept = [(t, lab.strip()) for t, lab in rows if t.strip() and lab.strip() and "\n" not in lab]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # labels such as "NA"
        if not kept:
            with pytest.raises(CorpusError):
                read_csv(path, errors="skip")
            return
        data = read_csv(path, errors="skip")
    assert list(zip(data.texts, data.labels, strict=True)) == kept
