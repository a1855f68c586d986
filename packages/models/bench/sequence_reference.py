"""Reference side of bench/sequence.bench.ts: the same sequence work in PyTorch (CPU).

Usage: /usr/bin/python3 sequence_reference.py THREADS [RUNS]
Same shapes as the TypeScript side, its own seeded data (timing does not depend on the values):
  - LSTM(64) + dense(3) on the last step, Adam(1e-3), batch 256, one epoch of 2,048 sequences of 60 x 32;
  - a causal pre-norm Transformer encoder (2 layers, d 64, 4 heads, feed-forward 128, no dropout,
    learned positions, last step -> dense(3)), same epoch;
  - PatchTST as the patchtst family's card defaults (RevIN, channel independence, patches of 16 every
    8 steps end-padded by replicating the last step, linear patch embedding d 64 + learned positions,
    3 pre-norm GELU encoder layers, 4 heads, feed-forward 128, dropout 0 for parity, flatten head -> 3),
    same epoch;
  - inference (no grad) of 10,000 windows with each, 2,000 at a time.
Prints one JSON line: median wall seconds over RUNS runs after one warm-up, per item, and the median
CPU seconds (`<item>_cpu`, time.process_time: every thread).
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


class PatchTst(nn.Module):
    PATCH, STRIDE, D = 16, 8, 64

    def __init__(self) -> None:
        super().__init__()
        self.count = (STEPS + self.STRIDE - self.PATCH) // self.STRIDE + 1
        self.gamma = nn.Parameter(torch.ones(FEATURES))
        self.beta = nn.Parameter(torch.zeros(FEATURES))
        self.embed = nn.Linear(self.PATCH, self.D)
        self.position = nn.Parameter(torch.randn(self.count, self.D) * 0.02)
        layer = nn.TransformerEncoderLayer(
            self.D, 4, dim_feedforward=128, dropout=0.0, activation="gelu", batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, 3)
        self.head = nn.Linear(FEATURES * self.count * self.D, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b = x.shape[0]
        mean = x.mean(1, keepdim=True)
        std = torch.sqrt(x.var(1, keepdim=True, unbiased=False) + 1e-5)
        x = (x - mean) / std * self.gamma + self.beta
        series = x.transpose(1, 2).reshape(b * FEATURES, STEPS)
        padded = torch.cat([series, series[:, -1:].expand(-1, self.STRIDE)], 1)
        patches = padded.unfold(1, self.PATCH, self.STRIDE)
        h = self.encoder(self.embed(patches) + self.position)
        return self.head(h.reshape(b, FEATURES * self.count * self.D))


def epoch(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, ROWS, BATCH):
        optimizer.zero_grad()
        loss = loss_fn(model(x[i : i + BATCH]), y[i : i + BATCH])
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start, time.process_time() - cpu


def infer(model: nn.Module, windows: torch.Tensor) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    with torch.no_grad():
        for i in range(0, WINDOWS, CHUNK):
            torch.softmax(model(windows[i : i + CHUNK]), dim=1)
    return time.perf_counter() - start, time.process_time() - cpu


def median(runs: int, work) -> tuple[float, float]:
    """Median wall and median CPU seconds (process_time: every thread of the process) after a warm-up."""
    work()  # warm-up
    results = [work() for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def main() -> None:
    threads = int(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x = torch.randn(ROWS, STEPS, FEATURES)
    y = torch.randint(0, 3, (ROWS,))
    windows = torch.randn(WINDOWS, STEPS, FEATURES)
    out = {"torch": torch.__version__, "threads": threads}
    for name, cls in (("lstm", Lstm), ("transformer", Transformer), ("patchtst", PatchTst)):
        out[f"{name}_epoch"], out[f"{name}_epoch_cpu"] = median(runs, lambda: epoch(cls(), x, y))
        model = cls().eval()
        out[f"{name}_infer"], out[f"{name}_infer_cpu"] = median(runs, lambda: infer(model, windows))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
