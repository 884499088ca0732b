"""`ClassifierSettings`: what a `TextClassifier` is made with, in one frozen object that
validates itself. `TextClassifier`, `kembed classify fit` and the saved archive share it:
what `to_dict` writes into `classifier.json`, `from_dict` reads back, one type per field.
Read access by key (`settings["model"]`) works as it did when the settings were a dict.
No Keras."""

from __future__ import annotations

import dataclasses
from typing import Any

from kembed._settings import positive_integers

ARCHITECTURES = ("cnn", "bag", "bilstm", "hybrid")
MODELS = (*ARCHITECTURES, "auto")  # "auto": chosen by cross-validation in `fit`
EMBEDDINGS = ("learned", "static", "non-static", "oov", "multichannel")
OPTIMIZERS = {"adam": 1e-3, "adadelta": 1.0, "adagrad": 0.1}  # and their default rates


@dataclasses.dataclass(frozen=True)
class ClassifierSettings:
    """The settings of a `TextClassifier` (see it for each field's meaning).

    Example:

    >>> s = ClassifierSettings("bag", optimizer="adadelta")
    >>> s.learning_rate, s["model"]
    (1.0, 'bag')
    >>> ClassifierSettings.from_dict(s.to_dict()) == s
    True

    Attributes:
        vectors: The file or named source of the pretrained vectors, or None (learned
            embeddings, or a `Vectors` object given to the classifier, which is not saved).
        max_length: None until `fit` chooses it (the longest training text, at least 5).
    """

    model: str = "cnn"
    embedding: str = "learned"
    vectors: str | None = None
    num_words: int | None = None
    max_length: int | None = None
    output_dim: int = 100
    batch_size: int = 50
    optimizer: str | None = None
    learning_rate: float | None = None
    split_clitics: bool = False
    seed: int | None = None
    budget: float = 600.0

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"`model` must be one of {MODELS}. Received: model={self.model!r}")
        if isinstance(self.budget, bool) or not isinstance(self.budget, (int, float)):
            raise ValueError(f"`budget` must be a number of seconds. Received: {self.budget!r}")
        if not self.budget >= 0:
            raise ValueError(f"`budget` must be 0 or more seconds. Received: {self.budget!r}")
        if self.embedding not in EMBEDDINGS:
            raise ValueError(
                f"`embedding` must be one of {EMBEDDINGS}. Received: embedding={self.embedding!r}"
            )
        if self.optimizer is not None or self.model != "auto":  # auto: each model's own
            self._resolve_optimizer()
        for name in ("max_length", "num_words", "output_dim", "batch_size"):
            value = getattr(self, name)
            if value is None and name in ("max_length", "num_words"):
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer. Received: {value!r}")
        if self.vectors is not None and not isinstance(self.vectors, str):
            raise TypeError(
                f"`vectors` must be a file or source name or None. Received: {self.vectors!r}"
            )

    def _resolve_optimizer(self) -> None:
        if self.optimizer is None:
            object.__setattr__(self, "optimizer", "adam")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"`optimizer` must be one of {tuple(OPTIMIZERS)}. "
                f"Received: optimizer={self.optimizer!r}"
            )
        if self.learning_rate is None:
            object.__setattr__(self, "learning_rate", OPTIMIZERS[self.optimizer])
        elif isinstance(self.learning_rate, bool) or not self.learning_rate > 0:
            raise ValueError(f"`learning_rate` must be positive. Received: {self.learning_rate!r}")

    def __getitem__(self, name: str) -> Any:
        """Read access by key, as when the settings were a dict."""
        if name not in self.__dataclass_fields__:
            raise KeyError(name)
        return getattr(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        """A setting by name, or `default` if there is no such setting (as `dict.get`).

        Example:

        >>> settings = ClassifierSettings(model="bag")
        >>> settings.get("model"), settings.get("colour", "none")
        ('bag', 'none')
        """
        return getattr(self, name, default) if name in self.__dataclass_fields__ else default

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON-ready values (what `classifier.json` holds).

        Example:

        >>> ClassifierSettings(model="bag", output_dim=64).to_dict()["output_dim"]
        64
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClassifierSettings:
        """The settings saved by `to_dict`. Archives saved before the `optimizer` setting
        were trained with Adadelta, so that is their default here.

        Example:

        >>> ClassifierSettings.from_dict({"model": "cnn"}).optimizer  # saved before `optimizer`
        'adadelta'

        Raises:
            ValueError: if a field holds a bad value.
        """
        names = set(cls.__dataclass_fields__)
        return cls(**{"optimizer": "adadelta", **{k: v for k, v in data.items() if k in names}})


MONITORS = ("val_accuracy", "val_loss")


@dataclasses.dataclass(frozen=True)
class FitSettings:
    """How `TextClassifier.fit` trains (see it for each field's meaning): the part of
    training a saved classifier records (`classifier.json`'s `"fit"`).

    Example:

    >>> FitSettings(epochs=10, monitor="val_loss").to_dict()["epochs"]
    10
    >>> FitSettings.from_dict(FitSettings(patience=2).to_dict()) == FitSettings(patience=2)
    True

    Attributes:
        validation_split: The share of the data held out (stratified) to stop on.
        epochs: Optional int. By default 100 when stopping on the loss, else 25.
        early_stopping: Stop when `monitor` has not improved for `patience` epochs.
        patience: Epochs without improvement before stopping.
        monitor: Optional `"val_accuracy"` or `"val_loss"` (by default the loss for
            `"bag"` and `"hybrid"`, the accuracy for the others).
    """

    validation_split: float = 0.1
    epochs: int | None = None
    early_stopping: bool = True
    patience: int = 5
    monitor: str | None = None

    def __post_init__(self) -> None:
        split = self.validation_split
        if isinstance(split, bool) or not isinstance(split, (int, float)) or not 0 <= split < 1:
            raise ValueError(f"`validation_split` must be in [0, 1). Received: {split!r}")
        if self.epochs is not None:
            positive_integers(epochs=self.epochs)
        if self.patience != 0:
            positive_integers(patience=self.patience)
        if self.monitor is not None and self.monitor not in MONITORS:
            raise ValueError(
                f"`monitor` must be 'val_accuracy' or 'val_loss'. Received: {self.monitor!r}"
            )
        if not isinstance(self.early_stopping, bool):
            raise TypeError(f"`early_stopping` must be a bool. Received: {self.early_stopping!r}")

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON-ready values.

        Example:

        >>> FitSettings().to_dict()["validation_split"]
        0.1
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FitSettings:
        """The settings saved by `to_dict` (other keys are ignored).

        Example:

        >>> FitSettings.from_dict({"patience": 2, "colour": "red"}).patience
        2
        """
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
