"""The backend is chosen before Keras loads: JAX unless KERAS_BACKEND says otherwise, and
`import kembed` alone never imports Keras."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=300
    )


def test_import_kembed_loads_no_framework():
    result = run(
        "import sys, kembed, kembed.text, kembed.vectors, kembed.vectors.io, kembed.cli\n"
        "print(sorted(m for m in ('keras', 'jax', 'torch', 'tensorflow') if m in sys.modules))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_default_backend_is_jax():
    result = run("import kembed, keras; print(keras.backend.backend())")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "jax"


def test_user_choice_is_honoured():
    pytest.importorskip("torch")
    result = run("import kembed, keras; print(keras.backend.backend())", KERAS_BACKEND="torch")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "torch"


def test_unknown_backend_is_a_clear_error():
    result = run("import kembed", KERAS_BACKEND="theano")
    assert result.returncode == 1
    assert "KERAS_BACKEND='theano' is not a Keras backend" in result.stderr


def test_pad_sequences_is_keras_own():
    result = run(
        "import kembed, keras\n"
        "assert kembed.pad_sequences is keras.utils.pad_sequences\n"
        "print(kembed.pad_sequences([[1, 2], [3]], maxlen=3).tolist())"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[[0, 1, 2], [0, 0, 3]]"


def test_unknown_attribute():
    import kembed

    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        kembed.nope  # noqa: B018
