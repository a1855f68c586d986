#!/usr/bin/python3
"""The original system's GA (DEAP + the numba triple-barrier kernel), the GA bench's reference.

Written from the specification (original-system.md §6): genes [k_up, k_down, max_bars_mult] in
[0.8, 2.5]² × [2.0, 3.0], seeds, population 50 × 30 generations, selTournament(3) of pop − 2,
cxBlend(0.3) with p 0.7, mutGaussian(0, 0.2, 0.3) with p 0.2, clamping, a HallOfFame(5) whose
two best join each generation, and evaluate_individual / calculate_fitness (BASE cost ratio,
MES rules, cost 0.5 ticks). The kernel is labeling's reference (`triple_barrier_reference.py`).

Run by `ga.bench.ts` with /usr/bin/python3 (Debian's python3-deap and python3-numba). It reads the
optimisation block the bench wrote (`<dir>/block.f64`: open, high, low, close, atr as consecutive
little-endian Float64 columns of n rows; `<dir>/params.json`: {"n": n}), JIT-compiles the kernel,
then answers one JSON command per stdin line, so the bench can alternate Tribar and DEAP:

  {"horizon": 5, "seed": 42}  →  {"wall": s, "cpu": s, "evaluations": e, "best": [k_up, k_down, mult], "fitness": f}

An empty line or EOF ends it. Without deap or numba it prints {"error": "..."} and exits 3.
"""
import importlib.util
import json
import os
import random
import sys
import time

try:
    import numpy as np
    from deap import base, creator, tools
except ImportError as error:
    print(json.dumps({"error": f"python3-deap or numpy is not installed ({error})"}), flush=True)
    sys.exit(3)

KERNEL_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "labeling", "bench", "triple_barrier_reference.py")
try:
    spec = importlib.util.spec_from_file_location("triple_barrier_reference", KERNEL_FILE)
    kernel_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kernel_module)
    triple_barrier = kernel_module.triple_barrier_numba
except (ImportError, FileNotFoundError, SystemExit) as error:
    print(json.dumps({"error": f"the numba kernel did not load ({error})"}), flush=True)
    sys.exit(3)

BOUNDS = [(0.8, 2.5), (0.8, 2.5), (2.0, 3.0)]
SEEDS = [[1.5, 1.0, 2.5], [1.8, 1.2, 2.5], [1.3, 0.9, 2.0], [2.0, 1.4, 2.8], [1.6, 1.1, 2.2]]
COST_TICKS = 0.5


def calculate_fitness(labels, bars, mae, mfe, h, atr_mean):
    n = len(labels)
    if n == 0:
        return -1000.0
    n_long = int(np.sum(labels == 1))
    n_short = int(np.sum(labels == -1))
    n_neutral = int(np.sum(labels == 0))
    neutral = n_neutral / n
    if neutral < 0.15:
        return -1000 + neutral * 100
    if neutral > 0.40:
        return -1000 + (1 - neutral) * 100
    if 0.20 <= neutral <= 0.30:
        neutral_score = 3.0
    else:
        neutral_score = 3.0 - 15 * (0.20 - neutral if neutral < 0.20 else neutral - 0.30)
    if n_long + n_short > 0:
        r = n_long / (n_long + n_short)
        balance = 2.0 - 8 * abs(r - 0.5) - (3.0 if r < 0.30 or r > 0.70 else 0)
    else:
        balance = -10
    hits = labels != 0
    speed = float(np.clip(1 - np.mean(bars[hits]) / (2 * h), -2.0, 1.5)) if np.any(hits) else -2.0
    long_mask = labels == 1
    short_mask = labels == -1
    long_profit = float(np.sum(np.maximum(mfe, 0)[long_mask]))
    long_risk = float(np.sum(np.abs(mae)[long_mask]))
    short_profit = float(np.sum(np.abs(mae)[short_mask]))
    short_risk = float(np.sum(mfe[short_mask]))
    profit = long_profit + short_profit
    risk = long_risk + short_risk
    if risk > 1e-10:
        pf = profit / risk
        pf_score = 2.0 if 1 <= pf <= 2 else 0.5 if 0.8 <= pf < 1 else 1.5 if pf > 2 else -2.0
    else:
        pf_score = 0
    if n_long + n_short > 0 and atr_mean > 0:
        avg_profit = profit / (n_long + n_short)
        cost_ratio = COST_TICKS / (avg_profit / atr_mean + 1e-6)
        tc = -(cost_ratio - 0.20) * 10 if cost_ratio > 0.20 else 0.5
    else:
        tc = 0
    return neutral_score + balance + speed + pf_score + tc


def run_ga(block, horizon, seed, population_size=50, generations=30):
    open_, high, low, close, atr = block
    positive = atr[atr > 0]
    atr_mean = float(np.mean(positive)) if positive.size else 1.0
    evaluations = 0

    def evaluate(individual):
        nonlocal evaluations
        evaluations += 1
        k_up, k_down, mult = individual
        avg_k = (k_up + k_down) / 2
        if k_down > k_up:
            asym = -(k_down - k_up) * 3
        elif abs(k_up - k_down) > 0.60 * avg_k:
            asym = -abs(k_up - k_down) * 2
        else:
            asym = 0
        max_bars = min(max(int(horizon * mult), 2 * horizon), 3 * horizon)
        labels, bars, mae, mfe, _touch = triple_barrier(close, high, low, open_, atr, k_up, k_down, max_bars)
        return (calculate_fitness(labels, bars, mae, mfe, horizon, atr_mean) + asym,)

    random.seed(seed)
    np.random.seed(seed)
    if not hasattr(creator, "FitnessMax"):
        creator.create("FitnessMax", base.Fitness, weights=(1.0,))
        creator.create("Individual", list, fitness=creator.FitnessMax)
    toolbox = base.Toolbox()
    toolbox.register("individual", lambda: creator.Individual(random.uniform(lo, hi) for lo, hi in BOUNDS))
    toolbox.register("population", tools.initRepeat, list, toolbox.individual)
    toolbox.register("evaluate", evaluate)
    toolbox.register("mate", tools.cxBlend, alpha=0.3)
    toolbox.register("mutate", tools.mutGaussian, mu=0, sigma=0.20, indpb=0.3)
    toolbox.register("select", tools.selTournament, tournsize=3)

    def clamp(individual):
        for g, (lo, hi) in enumerate(BOUNDS):
            individual[g] = min(max(individual[g], lo), hi)

    population = toolbox.population(n=population_size)
    for s, genes in enumerate(SEEDS):
        population[s][:] = genes
    for individual in population:
        individual.fitness.values = toolbox.evaluate(individual)
    hof = tools.HallOfFame(5)
    hof.update(population)
    for _ in range(generations):
        offspring = [toolbox.clone(x) for x in toolbox.select(population, len(population) - 2)]
        for a, b in zip(offspring[::2], offspring[1::2]):
            if random.random() < 0.7:
                toolbox.mate(a, b)
                del a.fitness.values
                del b.fitness.values
        for individual in offspring:
            if random.random() < 0.2:
                toolbox.mutate(individual)
                del individual.fitness.values
        for individual in offspring:
            clamp(individual)
        for individual in offspring:
            if not individual.fitness.valid:
                individual.fitness.values = toolbox.evaluate(individual)
        offspring.extend(toolbox.clone(x) for x in hof[:2])
        population = offspring
        hof.update(population)
    return evaluations, list(hof[0]), hof[0].fitness.values[0]


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "params.json")) as file:
        n = json.load(file)["n"]
    columns = np.fromfile(os.path.join(directory, "block.f64"), dtype="<f8")
    if columns.size != 5 * n:
        print(json.dumps({"error": f"block.f64 holds {columns.size} values, expected 5 × {n}"}), flush=True)
        sys.exit(2)
    block = [np.ascontiguousarray(columns[c * n:(c + 1) * n]) for c in range(5)]
    triple_barrier(block[3], block[1], block[2], block[0], block[4], 1.5, 1.0, 12)  # JIT before timing
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        command = json.loads(line)
        wall, cpu = time.perf_counter(), time.process_time()
        evaluations, best, fitness = run_ga(block, int(command["horizon"]), int(command.get("seed", 42)))
        print(json.dumps({
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "evaluations": evaluations,
            "best": best,
            "fitness": fitness,
        }), flush=True)


if __name__ == "__main__":
    main()
