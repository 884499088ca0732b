"""`kembed classify ...`: train, evaluate, predict and cross-validate text classifiers.
Thin: parses options, calls `kembed.classify`, prints."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from kembed.cli.options import Encoding, Json, Overwrite, Seed

app = typer.Typer(help="Train, evaluate and use text classifiers.")

Data = Annotated[
    list[Path],
    typer.Argument(
        help="A .csv / .tsv file, a folder with one folder per class, or one file per class "
        "(one document a line)."
    ),
]
ModelPath = Annotated[Path, typer.Argument(help="A classifier saved by `classify fit`.")]
TextColumn = Annotated[str, typer.Option(help="CSV column holding the texts.")]
LabelColumn = Annotated[str, typer.Option(help="CSV column holding the labels.")]
Errors = Annotated[str, typer.Option(help="raise, or skip (and list) rows that cannot be read.")]
Model = Annotated[
    str,
    typer.Option(
        help="cnn (Kim 2014), bag, bilstm, hybrid (bag + NB-weighted n-grams), or auto "
        "(cross-validate them on the training data within --budget, train the best)."
    ),
]
Budget = Annotated[
    float, typer.Option(min=0.0, help="Seconds --model auto may take, choice and training.")
]
Embedding = Annotated[str, typer.Option(help="learned, static, non-static, oov or multichannel.")]
VectorsOption = Annotated[
    str | None,
    typer.Option(help="Pretrained vectors: a file or a named source (e.g. glove-6B-50d)."),
]
Epochs = Annotated[
    int | None,
    typer.Option(min=1, help="Most epochs to train (default: 100 on val_loss, else 25)."),
]
Patience = Annotated[
    int, typer.Option(min=1, help="Epochs without improvement before early stopping.")
]
Monitor = Annotated[
    str | None,
    typer.Option(
        help="What early stopping watches: val_accuracy or val_loss "
        "(default: val_loss for bag, else val_accuracy)."
    ),
]
Plots = Annotated[
    Path | None, typer.Option(help="Folder for PNG plots (learning curves, confusion).")
]
BatchSize = Annotated[
    int, typer.Option(min=1, help="Global mini-batch size (split evenly over --devices).")
]
Devices = Annotated[
    str,
    typer.Option(help="Train data-parallel on 'all' devices or on the first N (JAX backend)."),
]
Coordinator = Annotated[
    str | None,
    typer.Option(
        help="Several hosts: host:port of process 0 (or $KERAS_DISTRIBUTION_JOB_ADDRESSES).",
        rich_help_panel="Several hosts",
    ),
]
NumProcesses = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Several hosts: processes in all (or $KERAS_DISTRIBUTION_NUM_PROCESSES).",
        rich_help_panel="Several hosts",
    ),
]
ProcessId = Annotated[
    int | None,
    typer.Option(
        min=0,
        help="Several hosts: this process, 0 to N-1 (or $KERAS_DISTRIBUTION_PROCESS_ID).",
        rich_help_panel="Several hosts",
    ),
]
Clitics = Annotated[
    bool, typer.Option("--split-clitics", help="it's -> it 's, don't -> do n't (as GloVe).")
]
Optimizer = Annotated[
    str | None,
    typer.Option(help="adam (the default), adagrad or adadelta (Kim 2014)."),
]


def _read(data, text_column, label_column, encoding, errors):
    from kembed.classify import read_dataset

    dataset = read_dataset(
        data if len(data) > 1 else data[0],
        text_column=text_column,
        label_column=label_column,
        encoding=encoding,
        errors=errors,
    )
    typer.echo(str(dataset), err=True)
    return dataset


def _classifier(model, embedding, vectors, **options):
    """The classifier of the options given, through the `ClassifierSettings` that it and
    its saved archive share."""
    from kembed.classify.classifier import TextClassifier
    from kembed.classify.settings import ClassifierSettings

    settings = ClassifierSettings(model=model, embedding=embedding, vectors=vectors, **options)
    return TextClassifier(settings=settings)


def _devices(devices: str) -> str | int:
    if devices == "all":
        return devices
    if devices.isdigit() and int(devices) > 0:
        return int(devices)
    raise typer.BadParameter(f"expected 'all' or a number of devices, got {devices!r}")


@app.command()
def fit(
    data: Data,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to save the classifier.")],
    model: Model = "cnn",
    embedding: Embedding = "learned",
    vectors: VectorsOption = None,
    budget: Budget = 600.0,
    epochs: Epochs = None,
    validation_split: Annotated[
        float, typer.Option(min=0.0, max=0.9, help="Fraction held out for early stopping.")
    ] = 0.1,
    early_stopping: Annotated[bool, typer.Option(help="Stop when validation stalls.")] = True,
    patience: Patience = 5,
    monitor: Monitor = None,
    num_words: Annotated[int | None, typer.Option(min=2, help="Vocabulary size.")] = None,
    max_length: Annotated[int | None, typer.Option(min=1, help="Words per text.")] = None,
    batch_size: BatchSize = 50,
    optimizer: Optimizer = None,
    seed: Seed = None,
    split_clitics: Clitics = False,
    plots: Plots = None,
    text_column: TextColumn = "text",
    label_column: LabelColumn = "label",
    encoding: Encoding = "utf-8",
    errors: Errors = "raise",
    verbose: Annotated[int, typer.Option(min=0, max=2, help="Keras' progress bars.")] = 1,
    devices: Devices = "1",
    shard_embeddings: Annotated[
        bool,
        typer.Option("--shard-embeddings", help="Split the embedding's rows over the devices."),
    ] = False,
    coordinator: Coordinator = None,
    num_processes: NumProcesses = None,
    process_id: ProcessId = None,
    overwrite: Overwrite = False,
    save_interrupted: Annotated[
        bool,
        typer.Option(
            "--save-interrupted",
            help="On Ctrl-C, save the best model so far instead of nothing.",
        ),
    ] = False,
) -> None:
    """Train a classifier on labelled documents and save it.

    With --coordinator, --num-processes and --process-id (or their environment
    variables), run the same command on every host: each trains on its slice of every
    batch, and process 0 saves the model. Ctrl-C stops at the end of the current batch
    and saves nothing (the best model so far with --save-interrupted).
    """
    from kembed._io import check_output
    from kembed.errors import TrainingInterrupted

    check_output(out, overwrite=overwrite)
    if plots is not None:
        _check_plots(plots)
    devices = _devices(devices)
    rank = 0
    several = any(option is not None for option in (coordinator, num_processes, process_id))
    if several or os.environ.get("KERAS_DISTRIBUTION_NUM_PROCESSES"):
        from kembed import distribute

        rank = distribute.initialize(
            coordinator, num_processes=num_processes, process_id=process_id
        )
    dataset = _read(data, text_column, label_column, encoding, errors)
    clf = _classifier(
        model,
        embedding,
        vectors,
        num_words=num_words,
        max_length=max_length,
        batch_size=batch_size,
        optimizer=optimizer,
        split_clitics=split_clitics,
        seed=seed,
        budget=budget,
    )
    try:
        history = clf.fit(
            dataset.texts,
            dataset.labels,
            validation_split=validation_split,
            epochs=epochs,
            early_stopping=early_stopping,
            patience=patience,
            monitor=monitor,
            verbose=verbose,
            devices=devices,
            shard_embeddings=shard_embeddings,
        )
    except TrainingInterrupted as stop:
        if save_interrupted and not rank:
            clf.save(out, overwrite=overwrite)
            typer.echo(f"{stop}: saved the best model so far to {out}.", err=True)
        else:
            typer.echo(f"{stop}: nothing saved.", err=True)
        raise typer.Exit(130) from None
    if rank:
        typer.echo(f"process {rank}: trained; process 0 saves the model.")
        return
    if clf.selection is not None:
        typer.echo(str(clf.selection))
    if clf.coverage is not None:
        typer.echo(str(clf.coverage))
    clf.save(out, overwrite=overwrite)
    typer.echo(f"saved {clf!r} to {out}")
    result = clf.evaluate_held_out(dataset.texts, dataset.labels)
    if result is not None:
        typer.echo(f"\non the {len(clf.held_out):,} held-out documents:\n{result}")
    if plots is not None:
        from kembed.cli import plots as drawing

        typer.echo(f"wrote {drawing.learning_curves(history.history, plots)}")
        if result is not None:
            typer.echo(f"wrote {drawing.confusion_matrix(result, plots)}")
        shift = drawing.embedding_shift(clf, plots)
        if shift is not None:
            typer.echo(f"wrote {shift}")


@app.command()
def evaluate(
    model: ModelPath,
    data: Data,
    plots: Plots = None,
    json_output: Json = False,
    text_column: TextColumn = "text",
    label_column: LabelColumn = "label",
    encoding: Encoding = "utf-8",
    errors: Errors = "raise",
) -> None:
    """Accuracy, macro-F1, per-class precision / recall and the confusion matrix."""
    from kembed.classify.classifier import TextClassifier

    clf = TextClassifier.load(model)
    dataset = _read(data, text_column, label_column, encoding, errors)
    labels = _as_trained(dataset.labels, clf.classes)
    result = clf.evaluate(dataset.texts, labels)
    typer.echo(json.dumps(result.to_dict(), indent=2) if json_output else str(result))
    if plots is not None:
        from kembed.cli import plots as drawing

        typer.echo(f"wrote {drawing.confusion_matrix(result, plots)}", err=json_output)


@app.command()
def predict(
    model: ModelPath,
    text: Annotated[str, typer.Argument(help="A text, or a file with one text a line.")],
    encoding: Encoding = "utf-8",
    json_output: Json = False,
) -> None:
    """Predict the label of a text, or of each line of a file."""
    from kembed.classify.classifier import TextClassifier
    from kembed.text import read_lines

    clf = TextClassifier.load(model)
    path = Path(text)
    texts = list(read_lines(path, encoding=encoding)) if path.is_file() else [text]
    proba = clf.predict_proba(texts)
    best = proba.argmax(axis=1)
    if json_output:
        rows = [
            {"label": clf.classes[b], "probability": float(p[b])}
            for b, p in zip(best, proba, strict=True)
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    for b, p, t in zip(best, proba, texts, strict=True):
        typer.echo(f"{clf.classes[b]}\t{p[b]:.3f}\t{t[:80]}")


@app.command()
def cv(
    data: Data,
    folds: Annotated[int, typer.Option(min=2, help="Number of folds.")] = 10,
    model: Model = "cnn",
    embedding: Embedding = "learned",
    vectors: VectorsOption = None,
    budget: Budget = 600.0,
    epochs: Epochs = None,
    patience: Patience = 5,
    monitor: Monitor = None,
    num_words: Annotated[int | None, typer.Option(min=2, help="Vocabulary size.")] = None,
    optimizer: Optimizer = None,
    seed: Annotated[int, typer.Option(help="Seed of the folds and the models.")] = 0,
    split_clitics: Clitics = False,
    text_column: TextColumn = "text",
    label_column: LabelColumn = "label",
    encoding: Encoding = "utf-8",
    errors: Errors = "raise",
    json_output: Json = False,
) -> None:
    """Cross-validate: train on k-1 folds, test on the last, k times (stratified)."""
    from kembed.classify.validation import cross_validate
    from kembed.errors import TrainingInterrupted

    dataset = _read(data, text_column, label_column, encoding, errors)
    template = _classifier(
        model,
        embedding,
        vectors,
        num_words=num_words,
        optimizer=optimizer,
        split_clitics=split_clitics,
        budget=budget,
    )

    def progress(k, result):
        typer.echo(
            f"fold {k}/{folds}: accuracy {result.accuracy:.4f}, macro-F1 {result.macro_f1:.4f}",
            err=True,
        )

    try:
        result = cross_validate(
            template,
            dataset.texts,
            dataset.labels,
            folds=folds,
            seed=seed,
            fit={"epochs": epochs, "patience": patience, "monitor": monitor},
            on_fold=progress,
        )
    except TrainingInterrupted as stop:
        typer.echo(f"{stop}: no result.", err=True)
        raise typer.Exit(130) from None
    typer.echo(json.dumps(result.to_dict(), indent=2) if json_output else str(result))


def _check_plots(folder: Path) -> None:
    """The plots' folder, made now and checked writable, before training."""
    from kembed.errors import OutputError

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(folder, f"cannot make the folder for plots: {error.strerror}.") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(folder, "the folder for plots is read-only.")


def _as_trained(labels: list[str], classes: list) -> list:
    """Labels read from a file are strings; a model trained on integers expects ints."""
    if classes and isinstance(classes[0], int):
        try:
            return [int(label) for label in labels]
        except ValueError:
            return labels
    return labels
