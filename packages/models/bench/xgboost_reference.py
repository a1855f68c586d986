"""Reference side of bench/xgboost.bench.ts: the same training in Python xgboost.

Usage: /usr/bin/python3 xgboost_reference.py X.f32 Y.u8 ROWS COLS ROUNDS THREADS
Reads the raw float32 matrix (row-major) and uint8 classes the TypeScript bench wrote, trains
hist / depth 6 / eta 0.1 / softprob with the train set evaluated every round (as our EpochLog
needs), and prints one JSON line: seconds (DMatrix + training), train_seconds, final train mlogloss.
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb


def main() -> None:
    x_path, y_path = sys.argv[1], sys.argv[2]
    rows, cols, rounds, threads = (int(v) for v in sys.argv[3:7])
    x = np.fromfile(x_path, dtype=np.float32).reshape(rows, cols)
    y = np.fromfile(y_path, dtype=np.uint8).astype(np.float32)
    params = {
        "objective": "multi:softprob",
        "num_class": 3,
        "tree_method": "hist",
        "max_depth": 6,
        "eta": 0.1,
        "nthread": threads,
        "eval_metric": "mlogloss",
        "seed": 42,
    }
    started = time.perf_counter()
    dtrain = xgb.DMatrix(x, label=y, missing=np.nan, nthread=threads)
    built = time.perf_counter()
    history: dict = {}
    xgb.train(params, dtrain, num_boost_round=rounds, evals=[(dtrain, "train")], evals_result=history, verbose_eval=False)
    finished = time.perf_counter()
    print(json.dumps({
        "xgboost": xgb.__version__,
        "seconds": finished - started,
        "train_seconds": finished - built,
        "final_train_mlogloss": history["train"]["mlogloss"][-1],
    }))


if __name__ == "__main__":
    main()
