"""Optuna behind @tribar/tuning's study API: one JSON request per line on stdin, one JSON answer per line on stdout.

Started by OptunaStudy (src/internal/optuna-bridge.ts) as `/usr/bin/python3 optuna_bridge.py` (Debian's python3-optuna).
Requests: create, ask, report, should_prune, tell, trials. Answers: {"id": n, "ok": true, "result": ...} or
{"id": n, "ok": false, "error": "..."}.
"""
import json
import math
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def _number(value):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None if value is None else str(value)
    return value


class Bridge:
    def __init__(self):
        self.study = None
        self.space = []
        self.fixed = {}
        self.running = {}

    def create(self, req):
        seed = req["seed"]
        name = req["sampler"]
        if name == "tpe":
            tpe = req.get("tpe", {})
            sampler = optuna.samplers.TPESampler(
                seed=seed,
                n_startup_trials=tpe.get("startupTrials", 10),
                n_ei_candidates=tpe.get("eiCandidates", 24),
                multivariate=tpe.get("multivariate", False),
                constant_liar=tpe.get("constantLiar", False),
            )
        elif name == "random":
            sampler = optuna.samplers.RandomSampler(seed=seed)
        elif name == "cmaes":
            sampler = optuna.samplers.CmaEsSampler(seed=seed)
        else:
            raise ValueError(f"unknown sampler {name!r}: tpe, random or cmaes")
        pruner = {
            "none": optuna.pruners.NopPruner,
            "median": optuna.pruners.MedianPruner,
            "successive-halving": optuna.pruners.SuccessiveHalvingPruner,
            "hyperband": optuna.pruners.HyperbandPruner,
        }[req.get("pruner", "none")]()
        self.study = optuna.create_study(
            study_name=req["name"],
            storage=None if req.get("storage") is None else "sqlite:///" + req["storage"],
            sampler=sampler,
            pruner=pruner,
            direction=req["direction"],
            load_if_exists=True,
        )
        self.space = req["space"]["params"]
        self.fixed = req["space"].get("fixed", {})
        return {"trials": len(self.study.trials), "optuna": optuna.__version__}

    def ask(self, _req):
        trial = self.study.ask()
        params = {}
        for spec in self.space:
            cond = spec.get("condition")
            if cond and params.get(cond["param"], object()) not in cond["in"]:
                continue
            d = spec["distribution"]
            name = spec["name"]
            if d["kind"] == "float":
                params[name] = trial.suggest_float(name, d["low"], d["high"], log=d["log"], step=d.get("step"))
            elif d["kind"] == "int":
                params[name] = trial.suggest_int(name, d["low"], d["high"], log=d["log"], step=1 if d["log"] else d["step"])
            else:
                params[name] = trial.suggest_categorical(name, d["choices"])
        for key, value in self.fixed.items():
            trial.set_user_attr(key, value)
        self.running[trial.number] = trial
        return {"number": trial.number, "params": {**params, **self.fixed}}

    def report(self, req):
        self.running[req["number"]].report(req["value"], req["step"])
        return None

    def should_prune(self, req):
        return bool(self.running[req["number"]].should_prune())

    def tell(self, req):
        trial = self.running.pop(req["number"])
        state = req["state"]
        if state == "complete":
            self.study.tell(trial, req["value"])
        elif state == "pruned":
            self.study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
        return None

    def trials(self, _req):
        return [
            {
                "number": t.number,
                "state": t.state.name.lower(),
                "value": _number(t.value),
                "params": t.params,
                "intermediate": [[s, _number(v)] for s, v in sorted(t.intermediate_values.items())],
            }
            for t in self.study.trials
        ]


def main():
    bridge = Bridge()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            result = getattr(bridge, req["op"])(req)
            answer = {"id": req["id"], "ok": True, "result": result}
        except Exception as error:  # the TypeScript side turns it into a typed error
            answer = {"id": req.get("id"), "ok": False, "error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
