"""The explorer's local web server: the page and its three static files from the package,
and `/api/...` answered by an `Explorer` as JSON. The standard library's threading HTTP
server; it binds to 127.0.0.1 unless told otherwise, answers only requests addressed to
it by that name (a page elsewhere cannot reach it through DNS rebinding), and serves no
file that a request names.
"""

from __future__ import annotations

import json
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qsl, urlsplit

from kembed._io import json_text
from kembed.explore.app import Explorer, RequestError, UnknownWord

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# The page's files: URL path -> (file in kembed/explore/static, content type).
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/explore.js": ("explore.js", "text/javascript; charset=utf-8"),
    "/explore.css": ("explore.css", "text/css; charset=utf-8"),
}
MAX_BODY = 2 * 1024 * 1024  # bytes of a POSTed JSON body
# The page loads nothing from anywhere else.
_SECURITY = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class ExplorerServer(ThreadingHTTPServer):
    """Serves an `Explorer` on `host:port` (port 0: a free one, see `url`).

    Example:

    >>> import json, numpy as np, urllib.request
    >>> from kembed import Vectors
    >>> explorer = Explorer({"toy": Vectors(["a", "b", "c"], np.eye(3, dtype="float32"))})
    >>> with ExplorerServer(explorer) as server:
    ...     server.start()
    ...     with urllib.request.urlopen(server.url + "api/info") as response:
    ...         json.load(response)["sets"][0]["name"]
    'toy'

    Args:
        explorer: The `Explorer` that answers.
        host: The address to listen on. Defaults to 127.0.0.1 (this machine only).
        port: The port; 0 (the default) picks a free one.

    Raises:
        OSError: if the port is taken or the address cannot be bound.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, explorer: Explorer, host: str = "127.0.0.1", port: int = 0):
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)
        self.explorer = explorer
        self.host = host
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port listened on."""
        return self.server_address[1]

    @property
    def url(self) -> str:
        """The page's address, such as `http://127.0.0.1:8765/`."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def is_local(self) -> bool:
        """Whether only this machine can connect."""
        return self.host in LOCAL_HOSTS

    def start(self) -> None:
        """Serves in a background thread (`shutdown` or leaving the `with` stops it).

        Example:

        >>> import urllib.request, numpy as np
        >>> from kembed import Vectors
        >>> explorer = Explorer({"toy": Vectors(["a", "b", "c"], np.eye(3, dtype="float32"))})
        >>> with ExplorerServer(explorer) as server:
        ...     server.start()
        ...     urllib.request.urlopen(server.url).status
        200
        """
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def __exit__(self, *exc_info) -> None:
        if self._thread is not None:
            self.shutdown()
        super().__exit__(*exc_info)


class _Handler(BaseHTTPRequestHandler):
    server: ExplorerServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if not self._addressed_to_us():
            return
        parts = urlsplit(self.path)
        if parts.path in STATIC:
            name, content_type = STATIC[parts.path]
            data = resources.files("kembed.explore").joinpath("static", name).read_bytes()
            return self._send(HTTPStatus.OK, data, content_type)
        if parts.path.startswith("/api/"):
            return self._api(parts.path, dict(parse_qsl(parts.query)), None)
        self._json(HTTPStatus.NOT_FOUND, {"error": f"Nothing at {parts.path!r}."})

    def do_POST(self) -> None:
        if not self._addressed_to_us():
            return
        parts = urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._json(HTTPStatus.LENGTH_REQUIRED, {"error": "Content-Length required."})
        if not 0 <= length <= MAX_BODY:
            return self._json(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": f"At most {MAX_BODY:,} bytes."}
            )
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": f"The body is not JSON: {error}"})
        self._api(parts.path, dict(parse_qsl(parts.query)), body)

    def _api(self, route: str, params: dict, body) -> None:
        try:
            answer = self.server.explorer.answer(route, params, body)
        except UnknownWord as error:
            payload = {"error": str(error), "word": error.word, "suggestions": error.suggestions}
            return self._json(HTTPStatus.NOT_FOUND, payload)
        except (RequestError, ValueError, ImportError) as error:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": str(error)})
        self._json(HTTPStatus.OK, answer)

    def _addressed_to_us(self) -> bool:
        """On a local address, refuse requests whose Host header names another host."""
        if not self.server.is_local:
            return True
        host = self.headers.get("Host", "")
        try:
            if urlsplit(f"//{host}").hostname in LOCAL_HOSTS:
                return True
        except ValueError:  # not a host name at all ("[", a bad port)
            pass
        self._json(HTTPStatus.FORBIDDEN, {"error": f"Not served to the host {host!r}."})
        return False

    def _json(self, status: HTTPStatus, payload: dict) -> None:
        data = json_text(payload).encode("utf-8")
        self._send(status, data, "application/json; charset=utf-8")

    def _send(self, status: HTTPStatus, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in _SECURITY.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        """Quiet: the CLI prints the address, not every request."""
