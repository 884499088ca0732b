"""`kembed.distribute`: data-parallel training over the 8 virtual CPU devices that
conftest.py asks JAX for computes what one device computes (weights, metrics), with
replicated variables and sharded batches; two processes on 127.0.0.1 train one model
together; bad devices, batch sizes and cluster options get clear errors; on PyTorch it
says so and trains on one device."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import DEVICE_COUNT
from tests.distribute_worker import balanced_data

pytestmark = pytest.mark.keras

distribute = pytest.importorskip("kembed.distribute")  # first: it picks the backend
keras = pytest.importorskip("keras")
TextClassifier = pytest.importorskip("kembed.classify.classifier").TextClassifier
DataParallelTraining = distribute.DataParallelTraining

on_jax = pytest.mark.skipif(
    keras.backend.backend() != "jax", reason="keras.distribution runs on JAX only"
)
WORKER = Path(__file__).with_name("distribute_worker.py")


def _dense_model(seed=3):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((10,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy", weighted_metrics=["accuracy"]
    )
    return model


def _xy(rows, seed=0):
    x = np.random.default_rng(seed).random((rows, 10)).astype("float32")
    return x, (x.sum(axis=1) > 5).astype("int32")


def _assert_same_weights(a, b, atol=1e-5):
    for left, right in zip(a, b, strict=True):
        np.testing.assert_allclose(left, right, atol=atol, rtol=1e-4)


@on_jax
def test_eight_devices_train_the_classifier_as_one_device_does(monkeypatch):
    """Same seed, same global batches: the same weights; variables replicated over the 8
    devices, every batch split over them."""
    from keras.src.backend.jax import distribution_lib

    assert len(keras.distribution.list_devices()) == DEVICE_COUNT
    batches = []
    real = distribution_lib.distribute_data_input

    def spy(per_process_batch, layout, batch_dim_name):
        array = real(per_process_batch, layout, batch_dim_name)
        batches.append(array)
        return array

    variables = []

    class Spy(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            variables.append([v.value.sharding for v in self.model.trainable_variables])

    texts, labels = balanced_data()
    one = TextClassifier("cnn", output_dim=16, batch_size=32, seed=5)
    one.fit(texts, labels, epochs=2, validation_split=0.2, verbose=0, devices=1)
    monkeypatch.setattr(distribution_lib, "distribute_data_input", spy)
    eight = TextClassifier("cnn", output_dim=16, batch_size=32, seed=5)
    history = eight.fit(
        texts, labels, epochs=2, validation_split=0.2, verbose=0, devices=8, callbacks=[Spy()]
    )

    _assert_same_weights(one.model.get_weights(), eight.model.get_weights())
    assert len(history.history["loss"]) == 2
    x = batches[0]  # the inputs of the first batch (targets and weights follow)
    assert x.shape[0] == 32 and len(x.sharding.device_set) == DEVICE_COUNT
    assert {shard.data.shape[0] for shard in x.addressable_shards} == {32 // DEVICE_COUNT}
    assert x.sharding.spec[0] == "batch"
    for sharding in variables[0]:
        assert len(sharding.device_set) == DEVICE_COUNT and sharding.is_fully_replicated
    # Trained, the classifier lives on one device again and saves like any other.
    assert all(len(v.value.sharding.device_set) == 1 for v in eight.model.weights)
    assert eight.predict(["great good film"]) == one.predict(["great good film"])


@on_jax
def test_a_partial_last_batch_is_padded_without_changing_the_result():
    """1,001 rows in batches of 256: the last 233 cannot be split 8 ways, so it is padded;
    weights, validation loss and accuracy still equal one device's."""
    x, y = _xy(1001)
    reference = _dense_model()
    reference.fit(x, y, batch_size=256, epochs=3, shuffle=False, verbose=0)
    training = DataParallelTraining("all", batch_size=256)
    with training.scope():
        model = _dense_model()
    history = training.fit(
        model, x, y, epochs=3, shuffle=False, verbose=0, validation_data=(x[:333], y[:333])
    )

    _assert_same_weights(reference.get_weights(), model.get_weights())
    loss, accuracy = reference.evaluate(x[:333], y[:333], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-5)
    assert history.history["val_accuracy"][-1] == pytest.approx(accuracy, rel=1e-5)


@on_jax
def test_sharded_embeddings_train_as_one_device_does():
    """With `shard_embeddings`, the embedding table (64 rows) and its optimizer slots are
    split 8 rows a device, the rest replicated; the result is one device's."""
    from kembed.classify.models import build_model

    ids = np.random.default_rng(0).integers(1, 64, (512, 12)).astype("int32")
    labels = (ids[:, 0] % 2).astype("int32")

    def train(training):
        keras.utils.set_random_seed(4)
        with training.scope():
            layer = keras.layers.Embedding(64, 8, name="embedding")
            model = build_model("cnn", [layer], num_classes=2, max_length=12, dropout=0.0)
            model.compile("adam", "sparse_categorical_crossentropy")
        training.fit(model, ids, labels, epochs=2, seed=1, verbose=0)
        return model

    one = train(DataParallelTraining(1, batch_size=64))
    sharded = train(DataParallelTraining(8, batch_size=64, shard_embeddings=True))
    _assert_same_weights(one.get_weights(), sharded.get_weights())
    table = sharded.get_layer("embedding").embeddings.value
    assert {shard.data.shape for shard in table.addressable_shards} == {(8, 8)}
    slots = [v for v in sharded.optimizer.variables if "embeddings" in v.path]
    assert slots and all(not v.value.sharding.is_fully_replicated for v in slots)
    conv = sharded.get_layer("conv3").kernel.value
    assert conv.sharding.is_fully_replicated


@on_jax
def test_the_classifier_with_sharded_embeddings_comes_back_whole():
    texts, labels = balanced_data()
    one = TextClassifier("bag", output_dim=8, batch_size=32, seed=2, num_words=48)
    one.fit(texts, labels, epochs=2, validation_split=0.2, verbose=0)
    eight = TextClassifier("bag", output_dim=8, batch_size=32, seed=2, num_words=48)
    eight.fit(texts, labels, epochs=2, validation_split=0.2, verbose=0, devices=8,
              shard_embeddings=True)  # fmt: skip
    _assert_same_weights(one.model.get_weights(), eight.model.get_weights())
    table = eight.model.get_layer("embedding").embeddings
    assert table.shape == (48, 8) and len(table.value.sharding.device_set) == 1


def test_one_device_is_plain_fit_with_seeded_shuffling():
    x, y = _xy(300)
    runs = []
    for _ in range(2):
        model = _dense_model()
        DataParallelTraining(1, batch_size=64).fit(model, x, y, epochs=2, seed=7, verbose=0)
        runs.append(model.get_weights())
    _assert_same_weights(*runs, atol=0)
    reference = _dense_model()
    reference.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0)
    model = _dense_model()
    DataParallelTraining(1, batch_size=64).fit(model, x, y, epochs=2, shuffle=False, verbose=0)
    _assert_same_weights(reference.get_weights(), model.get_weights(), atol=0)


@on_jax
@pytest.mark.parametrize(
    ("devices", "batch_size", "match"),
    [
        (8, 50, r"batch_size=50 does not split evenly over 8 devices \(6.25 each\).*48 or 56"),
        (3, 2, r"multiple of 3, such as 3"),
        (16, 64, r"devices=16, but this machine has 8.*xla_force_host_platform_device_count"),
        (["cpu:0", "gpu:7"], 8, r"Unknown devices \['gpu:7'\]"),
        ([], 8, r"Unknown devices \[\]"),
        ("most", 8, r"`devices` must be 'all', a number of devices or a list"),
        (0, 8, r"devices=0"),
    ],
)
def test_bad_devices_or_batch_size(devices, batch_size, match):
    with pytest.raises(ValueError, match=match):
        DataParallelTraining(devices, batch_size=batch_size)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, r"needs coordinator, num_processes, process_id.*KERAS_DISTRIBUTION_JOB_ADDRESSES"),
        ({"coordinator": "10.0.0.1", "num_processes": 2, "process_id": 0}, r"'host:port'"),
        ({"coordinator": "h:1", "num_processes": 2, "process_id": 2}, r"\[0, 1\]"),
        ({"coordinator": "h:1", "num_processes": 0, "process_id": 0}, r"`num_processes`"),
        ({"coordinator": "h:1", "num_processes": "two", "process_id": 0}, r"Received: 'two'"),
    ],
)
def test_bad_cluster_options(kwargs, match, monkeypatch):
    for variable in distribute.hosts._ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(ValueError, match=match):
        distribute.initialize(**kwargs)


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        DataParallelTraining(batch_size=0)


@pytest.mark.skipif(keras.backend.backend() == "jax", reason="JAX distributes")
def test_other_backends_say_so_and_train_on_one_device():
    with pytest.warns(distribute.DistributionWarning, match="cannot train data-parallel"):
        training = DataParallelTraining(8, batch_size=50)
    assert training.distribution is None and training.num_devices == 1
    x, y = _xy(100)
    history = training.fit(_dense_model(), x, y, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    with pytest.warns(distribute.DistributionWarning, match="cannot run multi-process"):
        assert distribute.initialize("h:1", num_processes=2, process_id=1) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_workers(tmp_path, runs, devices_per_process, timeout=240):
    """Starts every run of `runs` (extra worker arguments) at once; waits, kills on
    timeout; returns each run's saved weights."""
    env = {
        **os.environ,
        "KERAS_BACKEND": "jax",
        "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices_per_process}",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(WORKER.parents[1]), os.environ.get("PYTHONPATH")])
        ),
    }
    processes, outputs = [], []
    for i, extra in enumerate(runs):
        out = tmp_path / f"weights{i}.npz"
        outputs.append(out)
        log = open(tmp_path / f"log{i}.txt", "wb")  # noqa: SIM115 - closed below
        command = [sys.executable, str(WORKER), str(out), *map(str, extra)]
        processes.append((subprocess.Popen(command, env=env, stdout=log, stderr=log), log))
    try:
        for process, _ in processes:
            process.wait(timeout=timeout)
    finally:
        for process, log in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()
    for i, (process, _) in enumerate(processes):
        log = (tmp_path / f"log{i}.txt").read_text(encoding="utf-8", errors="replace")
        assert process.returncode == 0, f"worker {i} failed:\n{log[-3000:]}"
    return [
        [w for _, w in sorted(np.load(out).items(), key=lambda kv: int(kv[0][4:]))]
        for out in outputs
    ]


@on_jax
@pytest.mark.slow
def test_two_processes_train_one_model_together(tmp_path):
    """Two processes on 127.0.0.1 (JAX's distributed runtime, CPU collectives), two
    devices each: both end with the same weights, equal to one process on one device."""
    coordinator = f"127.0.0.1:{_free_port()}"
    first, second = _run_workers(
        tmp_path, [(coordinator, 2, 0), (coordinator, 2, 1)], devices_per_process=2
    )
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone,) = _run_workers(alone, [()], devices_per_process=1)
    _assert_same_weights(first, second, atol=0)
    _assert_same_weights(first, alone)
