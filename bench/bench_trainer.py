"""Trainer throughput against baselines measured in the same process. Prints medians and ratios.

1. Batch 1, default config: core.train.Trainer vs a straightforward per-sample implementation written
   the way the original exercise did (bench/naive_mlp.py). Target: >= 3x.
2. Batch 64: Trainer vs torch on CPU (same net, SGD with momentum, float64 like numpy). Target: >= 2x.
3. Batch 64 with Adam (lr 1e-3, betas (0.9, 0.999), eps 1e-8): Trainer vs torch.optim.Adam, same net,
   float64. Target: >= 2x.
   2 and 3 are skipped, and say so, when torch is not installed (it is no dependency of the project).

    python bench/bench_trainer.py [--repeats 5] [--only adam]
"""
import argparse

import common  # the project on the path: first
import naive_mlp

from core.dataset import make_dataset
from core.train import TrainConfig, Trainer


def paired(fn_base, fn_ours, samples: int, repeats: int):
    """``common.paired`` as rates: (median base samples/s, median ours samples/s, median per-pair ratio)."""
    pair = common.paired(fn_base, fn_ours, repeats)
    return samples / pair.base_seconds, samples / pair.ours_seconds, pair.ratio


def trainer_run(config: TrainConfig):
    def run():
        t = Trainer(config)
        t.train(config.epochs * config.n_samples)
    return run


def torch_run(config: TrainConfig, torch, dtype):
    x, y = make_dataset(config)
    xt, yt = torch.tensor(x, dtype=dtype), torch.tensor(y, dtype=dtype)

    def run():
        torch.manual_seed(config.seed)
        model = torch.nn.Sequential(torch.nn.Linear(1, config.hidden[0]), torch.nn.ReLU(),
                                    torch.nn.Linear(config.hidden[0], 1)).to(dtype)
        if config.optimizer == "adam":
            opt = torch.optim.Adam(model.parameters(), lr=config.lr, betas=(config.b1, config.b2), eps=config.eps)
        else:
            opt = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
        loss_fn = torch.nn.MSELoss()
        bs = config.batch_size
        for _ in range(config.epochs):
            for i in range(0, config.n_samples, bs):
                opt.zero_grad()
                loss = loss_fn(model(xt[i:i + bs]), yt[i:i + bs])
                loss.backward()
                opt.step()
    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", choices=["batch1", "momentum", "adam"], help="run one comparison only")
    ap.add_argument("--torch-threads", type=int, help="torch.set_num_threads (default: torch's own choice); "
                                                      "1 is fairer on a busy machine: our Trainer uses one core")
    args = ap.parse_args()

    if args.only in (None, "batch1"):
        c1 = TrainConfig(epochs=1)  # the default experiment, one epoch of 20,000 samples per repeat
        x, y = make_dataset(c1)
        naive, ours, ratio = paired(lambda: naive_mlp.train(x, y, epochs=1), trainer_run(c1), c1.n_samples,
                                    args.repeats)
        print(f"batch 1   naive per-sample baseline {naive:10,.0f} samples/s")
        print(f"batch 1   core.train.Trainer        {ours:10,.0f} samples/s   ratio {ratio:.2f}x (target >= 3x)")
    if args.only == "batch1":
        return
    try:
        import torch
    except ImportError:
        print("batch 64  torch is NOT installed: the torch comparisons (SGD with momentum, Adam) were skipped; "
              "pip install torch==2.13.0 to run them")
        return
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    runs = []
    if args.only in (None, "momentum"):
        c64 = TrainConfig(epochs=5, batch_size=64)
        runs += [("momentum", c64, "float64", torch.float64), ("momentum", c64, "float32", torch.float32)]
    if args.only in (None, "adam"):
        adam64 = TrainConfig(epochs=5, batch_size=64, optimizer="adam", lr=1e-3)
        runs += [("adam", adam64, "float64", torch.float64)]
    for label, config, name, dtype in runs:
        theirs, ours64, ratio = paired(torch_run(config, torch, dtype), trainer_run(config),
                                       config.epochs * config.n_samples, args.repeats)
        print(f"batch 64  {label:8s} core.train.Trainer {ours64:10,.0f} samples/s vs torch {torch.__version__} CPU "
              f"{name} {theirs:10,.0f} samples/s   ratio {ratio:.2f}x (target >= 2x)")


if __name__ == "__main__":
    main()
