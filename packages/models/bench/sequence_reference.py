"""Reference side of bench/sequence.bench.ts: the same sequence work in PyTorch (CPU).

Usage: /usr/bin/python3 sequence_reference.py THREADS [RUNS]
Same shapes as the TypeScript side, its own seeded data (timing does not depend on the values):
  - LSTM(64) + dense(3) on the last step, Adam(1e-3), batch 256, one epoch of 2,048 sequences of 60 x 32;
  - a causal pre-norm Transformer encoder (2 layers, d 64, 4 heads, feed-forward 128, no dropout,
    learned positions, last step -> dense(3)), same epoch;
  - inference (no grad) of 10,000 windows with each, 2,000 at a time.
Prints one JSON line: median seconds over RUNS runs after one warm-up, per item.
"""
import json
import statistics
import sys
import time

import torch
from torch import nn

STEPS, FEATURES, ROWS, BATCH, UNITS, WINDOWS, CHUNK = 60, 32, 2048, 256, 64, 10_000, 2_000


class Lstm(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(FEATURES, UNITS, batch_first=True)
        self.head = nn.Linear(UNITS, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


class Transformer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.project = nn.Linear(FEATURES, UNITS)
        self.position = nn.Parameter(torch.randn(STEPS, UNITS) * 0.02)
        layer = nn.TransformerEncoderLayer(UNITS, 4, dim_feedforward=128, dropout=0.0, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2)
        self.norm = nn.LayerNorm(UNITS)
        self.head = nn.Linear(UNITS, 3)
        self.register_buffer("mask", torch.triu(torch.full((STEPS, STEPS), float("-inf")), diagonal=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.encoder(self.project(x) + self.position, mask=self.mask)
        return self.head(self.norm(h[:, -1]))


def epoch(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for i in range(0, ROWS, BATCH):
        optimizer.zero_grad()
        loss = loss_fn(model(x[i : i + BATCH]), y[i : i + BATCH])
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def infer(model: nn.Module, windows: torch.Tensor) -> float:
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, WINDOWS, CHUNK):
            torch.softmax(model(windows[i : i + CHUNK]), dim=1)
    return time.perf_counter() - start


def median(runs: int, work) -> float:
    work()  # warm-up
    return statistics.median(work() for _ in range(runs))


def main() -> None:
    threads = int(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x = torch.randn(ROWS, STEPS, FEATURES)
    y = torch.randint(0, 3, (ROWS,))
    windows = torch.randn(WINDOWS, STEPS, FEATURES)
    out = {"torch": torch.__version__, "threads": threads}
    for name, cls in (("lstm", Lstm), ("transformer", Transformer)):
        out[f"{name}_epoch"] = median(runs, lambda: epoch(cls(), x, y))
        model = cls().eval()
        out[f"{name}_infer"] = median(runs, lambda: infer(model, windows))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
