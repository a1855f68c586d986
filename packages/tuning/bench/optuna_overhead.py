"""Optuna's TPE ask+tell cost per trial at `trials` trials on Branin (in memory), printed as JSON."""
import json
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
trials = int(sys.argv[1])
study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
window = []
for i in range(trials):
    start = time.perf_counter()
    t = study.ask()
    x1 = t.suggest_float("x1", -5, 10)
    x2 = t.suggest_float("x2", 0, 15)
    value = (x2 - 5.1 / (4 * math.pi**2) * x1 * x1 + 5 / math.pi * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10
    study.tell(t, value)
    if i >= trials - 100:
        window.append((time.perf_counter() - start) * 1000)
print(json.dumps({"optuna": optuna.__version__, "msPerTrialLast100": sum(window) / len(window)}))
