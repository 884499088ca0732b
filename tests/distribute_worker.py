"""One process of the multi-process test in test_distribute.py (run as a script, never
collected): trains a `TextClassifier` on the full synthetic data, and a small dense model
on this process's own rows (`sharded=True`, unequal row counts), and saves the weights
of both.

    python distribute_worker.py OUT.npz [COORDINATOR NUM_PROCESSES PROCESS_ID]
"""

from __future__ import annotations

import sys


def main(out: str, *cluster: str) -> None:
    import numpy as np

    from kembed import distribute
    from kembed.classify.classifier import TextClassifier

    if cluster:
        coordinator, count, index = cluster
        distribute.initialize(coordinator, num_processes=int(count), process_id=int(index))
    texts, labels = balanced_data()
    clf = TextClassifier("cnn", output_dim=16, batch_size=32, seed=5)
    clf.fit(texts, labels, epochs=2, validation_split=0.2, verbose=0, devices="all")
    weights = clf.model.get_weights() + own_rows_model(int(cluster[2]) if cluster else 0)
    np.savez(out, *weights)


def own_rows_model(process_id: int) -> list:
    """A dense model trained on 1,001 rows in global batches of 64: each process holds
    its own part of each batch (the last, of 41 rows, splits 32 + 9)."""
    import keras
    import numpy as np

    from kembed.distribute import DataParallelTraining

    x = np.random.default_rng(1).random((1001, 10)).astype("float32")
    y = (x.sum(axis=1) > 5).astype("int32")
    training = DataParallelTraining("all", batch_size=64)
    b = training.process_batch_size
    starts = np.arange(0, len(x), 64) + process_id * b
    rows = (starts[:, None] + np.arange(b)).reshape(-1)
    rows = rows[rows < len(x)]
    keras.utils.set_random_seed(2)
    with training.scope():
        model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
    training.fit(model, x[rows], y[rows], epochs=2, shuffle=False, sharded=True, verbose=0)
    return model.get_weights()


def balanced_data(per_class: int = 120):
    """Texts of two classes, 120 each: with validation_split=0.2, 192 training rows."""
    import numpy as np

    rng = np.random.default_rng(0)
    words = {"pos": ["good", "great", "fine", "nice"], "neg": ["bad", "awful", "poor", "dull"]}
    texts, labels = [], []
    for label in ("pos", "neg") * per_class:
        chosen = [*rng.choice(words[label], size=3), "film", "plot"]
        rng.shuffle(chosen)
        texts.append(" ".join(chosen))
        labels.append(label)
    return texts, labels


if __name__ == "__main__":
    main(*sys.argv[1:])
