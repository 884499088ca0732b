"""Text classification from labelled documents: the readers and the metrics (no Keras),
and `TextClassifier` with its models (`kembed.classify.classifier`, which imports Keras)."""

from kembed.classify.data import (
    Dataset,
    read_csv,
    read_dataset,
    read_folders,
    read_line_files,
    stratified_folds,
)
from kembed.classify.metrics import Evaluation
from kembed.classify.settings import ClassifierSettings, FitSettings

__all__ = [
    "ClassifierSettings",
    "Dataset",
    "Evaluation",
    "FitSettings",
    "read_csv",
    "read_dataset",
    "read_folders",
    "read_line_files",
    "stratified_folds",
]
