"""`ClassifierSettings`: validated when made, the same object for the classifier, the CLI
and the archive, read back from `to_dict`; dict-style reads still work."""

from __future__ import annotations

import pytest

from kembed.classify.settings import ClassifierSettings


def test_round_trip_and_defaults():
    settings = ClassifierSettings("bag", embedding="static", vectors="glove-6B-50d", seed=3)
    assert ClassifierSettings.from_dict(settings.to_dict()) == settings
    assert (
        settings.learning_rate == 1e-3
        and ClassifierSettings(optimizer="adadelta").learning_rate == 1.0
    )
    assert settings["model"] == "bag" and settings.get("seed") == 3 and settings.get("x", 7) == 7
    with pytest.raises(KeyError):
        settings["nothing"]


def test_an_archive_from_before_the_optimizer_setting_reads_as_adadelta():
    old = {"model": "cnn", "embedding": "learned", "learning_rate": 1.0, "unknown_key": 1}
    assert ClassifierSettings.from_dict(old).optimizer == "adadelta"


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        (
            {"model": "rnn"},
            ValueError,
            r"`model` must be one of \('cnn', 'bag', 'bilstm', 'hybrid', 'auto'\)",
        ),
        ({"embedding": "frozen"}, ValueError, r"`embedding` must be one of"),
        (
            {"optimizer": "sgd"},
            ValueError,
            r"`optimizer` must be one of \('adam', 'adadelta', 'adagrad'\)",
        ),
        ({"learning_rate": 0}, ValueError, r"`learning_rate` must be positive"),
        ({"max_length": 0}, ValueError, r"`max_length` must be a positive integer"),
        ({"batch_size": 2.5}, ValueError, r"`batch_size` must be a positive integer"),
        ({"vectors": 3}, TypeError, r"`vectors` must be a file or source name or None"),
    ],
)
def test_bad_values_are_refused_when_made(options, error, match):
    with pytest.raises(error, match=match):
        ClassifierSettings(**options)


@pytest.mark.keras
def test_the_classifier_takes_settings_or_keywords_not_both():
    pytest.importorskip("keras")
    from kembed.classify.classifier import TextClassifier

    settings = ClassifierSettings("bag", output_dim=8)
    assert TextClassifier(settings=settings).settings == settings
    assert TextClassifier("bag", output_dim=8).settings == settings
    with pytest.raises(ValueError, match=r"Pass `settings` or the keyword arguments"):
        TextClassifier(settings=settings, output_dim=16)
    with pytest.raises(ValueError, match=r"needs pretrained vectors"):
        TextClassifier(settings=ClassifierSettings(embedding="static"))
