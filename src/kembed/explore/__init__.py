"""The explorer: a local web page over vector sets (`kembed explore`). `Explorer` answers
the page's requests with `kembed.space` and `kembed.evaluate`; `ExplorerServer` serves the
page and those answers on 127.0.0.1. No Keras.
"""

from kembed.explore.app import Explorer, RequestError, UnknownWord
from kembed.explore.server import ExplorerServer

__all__ = ["Explorer", "ExplorerServer", "RequestError", "UnknownWord"]
