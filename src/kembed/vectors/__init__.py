"""Pretrained word vectors: `Vectors` (the store and its maths), the readers and writers of
every common format, the cache and the named sources. Nothing here imports Keras."""

from kembed.vectors.options import ReadOptions
from kembed.vectors.queries import Neighbor
from kembed.vectors.report import LoadReport
from kembed.vectors.store import Vectors

__all__ = ["LoadReport", "Neighbor", "ReadOptions", "Vectors"]
