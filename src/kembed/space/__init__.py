"""Looking inside a vector space: queries a person types (`parse_expression`, `nearest`,
`WordFinder`), 2-D maps (`project`), two sets compared (`align`, `compare`), pictures
(`plot_map`, `plot_shift`) and files for other tools (`write_projector`,
`write_coordinates`, `write_neighbors`). The explorer page (`kembed.explore`) is a thin
layer over these. numpy and scipy (matplotlib for pictures); no Keras.
"""

from kembed.space.compare import Comparison, align, compare, shared_words
from kembed.space.export import write_coordinates, write_neighbors, write_projector
from kembed.space.plot import plot_map, plot_shift
from kembed.space.projection import Projection, available_methods, pca_coordinates, project
from kembed.space.query import Expression, WordFinder, nearest, parse_expression

__all__ = [
    "Comparison",
    "Expression",
    "Projection",
    "WordFinder",
    "align",
    "available_methods",
    "compare",
    "nearest",
    "parse_expression",
    "pca_coordinates",
    "plot_map",
    "plot_shift",
    "project",
    "shared_words",
    "write_coordinates",
    "write_neighbors",
    "write_projector",
]
