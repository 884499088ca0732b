"""The file of a saved `TextClassifier`: one zip holding `model.keras`, `tokenizer.json`
and `classifier.json` (format, version, labels, settings), written atomically and read
back with Keras' `safe_mode=True`. Keras code; no training."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from typing import Any

import keras

from kembed._io import atomic_write, check_output, format_problem
from kembed.classify.selection import Selection
from kembed.classify.settings import ClassifierSettings, FitSettings
from kembed.errors import CorpusError
from kembed.text import Tokenizer, tokenizer_from_json

FORMAT = "kembed-classifier"
VERSION = 1


def write_classifier(
    path: str | os.PathLike[str],
    model: keras.Model,
    tokenizer: Tokenizer,
    meta: dict,
    *,
    overwrite: bool = False,
) -> None:
    """Writes the archive (a whole file or none): `meta` gains the format and version.
    An existing file is replaced only with `overwrite`."""
    check_output(path, overwrite=overwrite)
    meta = {"format": FORMAT, "version": VERSION, **meta}
    with tempfile.TemporaryDirectory() as folder:
        model_file = os.path.join(folder, "model.keras")
        model.save(model_file)
        with atomic_write(path, mode="wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            archive.write(model_file, "model.keras")
            archive.writestr("tokenizer.json", tokenizer.to_json())
            archive.writestr("classifier.json", json.dumps(meta, indent=2))


def read_classifier(path: str | os.PathLike[str]) -> tuple[dict[str, Any], Tokenizer, keras.Model]:
    """Reads an archive written by `write_classifier`: its meta, tokenizer and model.

    Raises:
        CorpusError: if the file is not a kembed classifier, is damaged, or was saved by
            a newer version.
    """
    path = os.fspath(path)
    try:
        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("classifier.json").decode("utf-8"))
            tokenizer_json = archive.read("tokenizer.json").decode("utf-8")
            model_bytes = archive.read("model.keras")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise CorpusError(
            path, None, f"not a kembed classifier, or damaged ({error}). Train and save it again."
        ) from None
    problem = format_problem(meta, FORMAT, VERSION)
    if problem is not None:
        raise CorpusError(path, None, problem)
    if not isinstance(meta.get("classes"), list) or not isinstance(meta.get("settings"), dict):
        raise CorpusError(path, None, "its classifier.json lacks the classes or the settings.")
    try:
        tokenizer = tokenizer_from_json(tokenizer_json)
    except ValueError as error:
        raise CorpusError(path, None, f"its tokenizer.json: {error}") from None
    with tempfile.TemporaryDirectory() as folder:
        model_file = os.path.join(folder, "model.keras")
        with open(model_file, "wb") as f:
            f.write(model_bytes)
        try:
            model = keras.saving.load_model(model_file, safe_mode=True)
        except (ValueError, OSError, zipfile.BadZipFile) as error:
            raise CorpusError(path, None, f"its Keras model cannot be loaded: {error}") from None
    outputs = model.output_shape[-1] if isinstance(model.output_shape, tuple) else None
    if outputs != len(meta["classes"]):
        raise CorpusError(
            path,
            None,
            f"its classifier.json lists {len(meta['classes'])} classes but the model has "
            f"{outputs} outputs: the archive is damaged. Train and save it again.",
        )
    return meta, tokenizer, model


def read_state(meta: dict, path: str | os.PathLike[str]):
    """The settings in an archive's `classifier.json`: `(ClassifierSettings, FitSettings or
    None, temperature, Selection or None)`.

    Raises:
        CorpusError: if a setting holds a bad value.
    """
    try:
        saved = ClassifierSettings.from_dict(meta["settings"])
        fit = FitSettings.from_dict(meta["fit"]) if meta.get("fit") is not None else None
        temperature = meta.get("temperature", 1.0)
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            raise ValueError(f"`temperature` must be a number. Received: {temperature!r}")
        if not 0 < temperature < float("inf"):
            raise ValueError(f"`temperature` must be positive. Received: {temperature!r}")
        chosen = meta["settings"].get("selection")
        selection = Selection(**chosen) if chosen is not None else None
    except (TypeError, ValueError) as error:
        raise CorpusError(path, None, f"its classifier.json holds bad settings: {error}") from None
    return saved, fit, float(temperature), selection
