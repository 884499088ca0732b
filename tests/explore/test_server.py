"""kembed.explore.server over real HTTP on 127.0.0.1: the page and its files, JSON answers,
400 / 403 / 404 / 413 as JSON, 50 simultaneous queries answered right, and no file ever
served by a path a request names."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from kembed.explore import ExplorerServer


def _request(server, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _json(server, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    status, head, raw = _request(server, "POST" if body else "GET", path, data, headers)
    assert head["Content-Type"] == "application/json; charset=utf-8"
    return status, json.loads(raw)


def test_the_page_and_its_files_are_served_with_a_strict_policy(server):
    assert server.url.startswith("http://127.0.0.1:") and server.is_local
    status, head, raw = _request(server, "GET", "/")
    assert status == 200 and head["Content-Type"].startswith("text/html")
    assert b'src="/explore.js"' in raw and b"http" not in raw.replace(b"http-equiv", b"")
    assert head["Content-Security-Policy"].startswith("default-src 'self'")
    for name, kind in (("/explore.js", "text/javascript"), ("/explore.css", "text/css")):
        status, head, raw = _request(server, "GET", name)
        assert status == 200 and head["Content-Type"].startswith(kind) and raw


def test_answers_are_json(server, explorer):
    query = urllib.parse.urlencode({"q": "king - man + woman", "topn": 3})
    status, answer = _json(server, f"/api/neighbors?{query}")
    assert status == 200
    assert answer == explorer.answer("/api/neighbors", {"q": "king - man + woman", "topn": "3"})
    status, answer = _json(server, "/api/map", {"set": 1, "words": ["cat", "dog", "car"]})
    assert status == 200 and answer["words"] == ["cat", "dog", "car"]


def test_errors_are_json_with_the_right_status(server):
    status, answer = _json(server, "/api/neighbors?q=kinq")
    assert status == 404 and answer["suggestions"][0] == "king" and "kinq" in answer["error"]
    status, answer = _json(server, "/api/neighbors?q=king&topn=lots")
    assert status == 400 and answer == {"error": "`topn` must be an integer. Received: 'lots'"}
    status, answer = _json(server, "/api/nothing")
    assert status == 400 and "There is no" in answer["error"]
    status, _, raw = _request(server, "POST", "/api/map", b"{not json", {"Content-Length": "9"})
    assert status == 400 and "not JSON" in json.loads(raw)["error"]
    status, _, raw = _request(server, "POST", "/api/map", b"", {"Content-Length": str(10**9)})
    assert status == 413
    status, answer = _json(server, "/nothing/here")
    assert status == 404


@pytest.mark.parametrize(
    "path",
    ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/static/../app.py", "/index.html",
     "/explore.js/../../server.py", "//etc/passwd"],
)  # fmt: skip
def test_no_request_names_a_file(server, path):
    status, _, raw = _request(server, "GET", path)
    assert status == 404 and b"root:" not in raw and b"import" not in raw


def test_requests_for_another_host_are_refused(server):
    for host in ("attacker.example:80", "[", "127.0.0.1.attacker.example", "x:notaport"):
        status, answer = _json(server, "/api/info", headers={"Host": host})
        assert status == 403 and host in answer["error"]
    for host in (f"localhost:{server.port}", f"127.0.0.1:{server.port}"):
        assert _json(server, "/api/info", headers={"Host": host})[0] == 200


def test_fifty_simultaneous_queries_are_each_answered_right(server, explorer):
    words = explorer.sets[0].vectors.index_to_key[:50]
    expected = {w: explorer.answer("/api/neighbors", {"q": w, "topn": "7"}) for w in words}

    def ask(word):
        query = urllib.parse.urlencode({"q": word, "topn": 7})
        return word, _json(server, f"/api/neighbors?{query}")

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(ask, words))
    assert len(answers) == 50
    for word, (status, answer) in answers:
        assert status == 200 and answer == expected[word]


def test_a_taken_port_is_an_os_error(server, explorer):
    with pytest.raises(OSError), ExplorerServer(explorer, port=server.port):
        pass
