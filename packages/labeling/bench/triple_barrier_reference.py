#!/usr/bin/python3
"""The original system's numba triple-barrier kernel, the labeling bench's reference.

Written from the specification (original-system.md §5, `stage4_labeling.triple_barrier_numba`, BASE+
tail of -99 rows): entry at close[i], barriers close ± k·ATR[i] tested on the HIGH/LOW of bars
i+1 … i+max_bars, excursions updated before the test, same-bar double touch → nearer the open wins
(tie → +1), NaN/≤0 ATR → label 0 with bars_to_hit = max_bars. Outputs int8 / int32 / float32 /
float32 / int8 as the original.

Run by `labeling.bench.ts` with /usr/bin/python3 (Debian's python3-numba). It reads the series the
bench wrote (`<dir>/series.f64`: open, high, low, close, atr as consecutive little-endian Float64
columns of n rows; `<dir>/params.json`: {"n": n}), JIT-compiles and warms the kernel, then answers
one JSON command per stdin line, so the bench can alternate Tribar and numba in one run:

  {"kUp": 1.5, "kDown": 1.0, "maxBars": 12, "repeats": 5, "write": true}
  → {"seconds": [...]} (CPU seconds of each call) and, when "write" is set, the outputs of the last call in
     <dir>/numba.{label.i8,bars.i32,mae.f32,mfe.f32,touch.i8}

An empty line or EOF ends it. Without numba it prints {"error": "..."} and exits 3.
"""
import json
import os
import sys
import time

try:
    import numpy as np
    from numba import njit
except ImportError as error:  # the bench prints the anchor constants instead
    print(json.dumps({"error": f"python3-numba is not installed ({error})"}), flush=True)
    sys.exit(3)


@njit(cache=False)
def triple_barrier_numba(close, high, low, open_, atr, k_up, k_down, max_bars):
    n = len(close)
    labels = np.zeros(n, dtype=np.int8)
    bars_to_hit = np.zeros(n, dtype=np.int32)
    mae = np.zeros(n, dtype=np.float32)
    mfe = np.zeros(n, dtype=np.float32)
    touch_type = np.zeros(n, dtype=np.int8)
    for i in range(n - 1):
        e = close[i]
        a = atr[i]
        if np.isnan(a) or a <= 0:
            labels[i] = 0
            bars_to_hit[i] = max_bars
            continue
        upper = e + k_up * a
        lower = e - k_down * a
        max_adv = 0.0
        max_fav = 0.0
        hit = False
        for j in range(1, min(max_bars, n - 1 - i) + 1):
            k = i + j
            max_fav = max(max_fav, (high[k] - e) / e)
            max_adv = min(max_adv, (low[k] - e) / e)
            up = high[k] >= upper
            dn = low[k] <= lower
            if up and dn:
                label = 1 if abs(open_[k] - upper) <= abs(open_[k] - lower) else -1
            elif up:
                label = 1
            elif dn:
                label = -1
            else:
                continue
            labels[i] = label
            touch_type[i] = label
            bars_to_hit[i] = j
            hit = True
            break
        if not hit:
            labels[i] = 0
            touch_type[i] = 0
            bars_to_hit[i] = max_bars
        mae[i] = max_adv
        mfe[i] = max_fav
    if n > 0:
        labels[n - 1] = 0
        bars_to_hit[n - 1] = 0
    # BASE+: rows without a full look-ahead window are -99.
    for i in range(max(0, n - max_bars), n):
        labels[i] = -99
        bars_to_hit[i] = 0
        mae[i] = 0.0
        mfe[i] = 0.0
        touch_type[i] = 0
    return labels, bars_to_hit, mae, mfe, touch_type


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "params.json")) as file:
        n = json.load(file)["n"]
    columns = np.fromfile(os.path.join(directory, "series.f64"), dtype="<f8")
    if columns.size != 5 * n:
        print(json.dumps({"error": f"series.f64 holds {columns.size} values, expected 5 × {n}"}), flush=True)
        sys.exit(2)
    open_, high, low, close, atr = (np.ascontiguousarray(columns[c * n:(c + 1) * n]) for c in range(5))
    started = time.perf_counter()
    for _ in range(2):
        triple_barrier_numba(close, high, low, open_, atr, 1.5, 1.0, 12)
    print(json.dumps({"ready": True, "numba": __import__("numba").__version__, "jitSeconds": time.perf_counter() - started}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        command = json.loads(line)
        k_up, k_down, max_bars = float(command["kUp"]), float(command["kDown"]), int(command["maxBars"])
        seconds = []
        for _ in range(int(command.get("repeats", 1))):
            # CPU time of this process, as the bench measures Tribar's: on a shared machine wall
            # time measures the other jobs too.
            started = time.process_time()
            result = triple_barrier_numba(close, high, low, open_, atr, k_up, k_down, max_bars)
            seconds.append(time.process_time() - started)
        if command.get("write"):
            for name, values in zip(("label.i8", "bars.i32", "mae.f32", "mfe.f32", "touch.i8"), result):
                values.tofile(os.path.join(directory, f"numba.{name}"))
        print(json.dumps({"seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
