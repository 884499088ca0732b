"""The cost of the data-parallel path: Kim's CNN classifier (a 20 k x 300 learned
embedding, as in the throughput model of BENCHMARKS.md) on MR, batch 256 (the slides'
8 x 32), trained with plain `model.fit` on one device against
`kembed.distribute.DataParallelTraining` over 8 virtual CPU devices
(`XLA_FLAGS=--xla_force_host_platform_device_count=8`), in the same run.

Each measurement is a fresh process; the time is that of an epoch after the first (the
first compiles). `kembed-1` is kembed's path on one device (its batches, no
distribution), to separate the cost of the batching from that of the distribution;
`dp-8-sharded-emb` splits the embedding's rows over the devices
(`shard_embeddings=True`), the remedy for a large embedding; the `-50d` rows repeat the
comparison with a 50-d embedding, on 2, 4 and 8 devices.
On 2 cores the 8 devices share the same 2 cores, so this measures overhead, not scaling.

    python benchmarks/distribute.py [--repeats 5] [--epochs 3] [--only plain,data-parallel-8]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import _harness as harness

# variant -> (devices, embedding dimension, embedding rows sharded over the devices)
VARIANTS = {
    "plain": (1, 300, False),
    "kembed-1": (1, 300, False),
    "data-parallel-8": (8, 300, False),
    "dp-8-sharded-emb": (8, 300, True),
    "plain-50d": (1, 50, False),
    "data-parallel-2-50d": (2, 50, False),
    "data-parallel-4-50d": (4, 50, False),
    "data-parallel-8-50d": (8, 50, False),
}
BATCH = 256


def worker(variant: str, epochs: int) -> None:
    devices, dim, sharded = VARIANTS[variant]
    os.environ["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras
    import numpy as np

    import kembed
    from kembed.classify.models import build_model
    from kembed.distribute import DataParallelTraining

    texts, labels = [], []
    for label, name in enumerate(("rt-polarity.neg", "rt-polarity.pos")):
        for line in kembed.read_lines(harness.SHARED_DATA / "mr" / name, encoding="latin-1"):
            texts.append(line)
            labels.append(label)
    tokenizer = kembed.Tokenizer(num_words=20_000)
    tokenizer.fit_on_texts(texts)
    x = keras.utils.pad_sequences(tokenizer.texts_to_sequences(texts), maxlen=56)
    x, y = x.astype("int32"), np.array(labels, dtype="int32")

    training = DataParallelTraining(devices, batch_size=BATCH, shard_embeddings=sharded)
    keras.utils.set_random_seed(0)
    with training.scope():
        embedding = keras.layers.Embedding(20_000, dim, name="embedding")
        model = build_model("cnn", [embedding], num_classes=2, max_length=56)
        model.compile(
            keras.optimizers.Adadelta(1.0, rho=0.95, epsilon=1e-6),
            "sparse_categorical_crossentropy",
            weighted_metrics=["accuracy"],
        )
    times = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    if variant.startswith("plain"):
        model.fit(x, y, batch_size=BATCH, epochs=epochs, callbacks=[Clock()], verbose=0)
    else:
        training.fit(model, x, y, epochs=epochs, seed=0, callbacks=[Clock()], verbose=0)
    assert len(keras.distribution.list_devices()) == devices
    harness.emit(epoch=float(np.median(times[1:])), devices=training.num_devices, dim=dim)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--only", default=",".join(VARIANTS), help="Variants to run.")
    parser.add_argument("--worker")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.epochs)
        return
    variants = args.only.split(",")
    results = harness.run_workers(__file__, variants, ["--epochs", str(args.epochs)], args.repeats)
    print(harness.header())
    print(f"Kim CNN, 20k-word learned embedding, MR (10,662 texts), batch {BATCH}; s per epoch")
    epoch = {v: harness.median([r["epoch"] for r in rows]) for v, rows in results.items()}
    print(f"{'variant':<22}{'devices':>8}{'dim':>5}{'median s':>10}{'spread':>14}{'vs plain':>10}")
    for variant, rows in results.items():
        plain = epoch.get("plain-50d" if rows[0]["dim"] == 50 else "plain", float("nan"))
        print(
            f"{variant:<22}{rows[0]['devices']:>8}{rows[0]['dim']:>5}{epoch[variant]:>10.2f}"
            f"{harness.spread([r['epoch'] for r in rows]):>14}{epoch[variant] / plain:>9.2f}x"
        )
    for dim, dp, plain in (
        (300, "data-parallel-8", "plain"),
        (50, "data-parallel-8-50d", "plain-50d"),
    ):
        if dp not in epoch or plain not in epoch:
            continue
        overhead = epoch[dp] / epoch[plain] - 1
        print(f"{dim}-d: data-parallel overhead on 8 virtual devices {overhead:+.0%} (goal: +25%)")


if __name__ == "__main__":
    sys.exit(main())
