"""Trainer throughput against baselines measured in the same process. Prints medians and ratios.

1. Batch 1, default config: core.train.Trainer vs a straightforward per-sample implementation written
   the way the original exercise did (bench/naive_mlp.py). Target: >= 3x.
2. Batch 64: Trainer vs torch on CPU (same net, SGD with momentum, float64 like numpy). Target: >= 2x.
   Skipped when torch is not installed (it is no dependency of the project).

    python bench/bench_trainer.py [--repeats 5]
"""
import argparse

import common  # the project on the path: first
import naive_mlp

from core.train import TrainConfig, Trainer, make_dataset


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
    args = ap.parse_args()

    c1 = TrainConfig(epochs=1)  # the default experiment, one epoch of 20,000 samples per repeat
    x, y = make_dataset(c1)
    pair = common.paired(lambda: naive_mlp.train(x, y, epochs=1), trainer_run(c1), args.repeats)
    naive, ours, ratio = c1.n_samples / pair.base_seconds, c1.n_samples / pair.ours_seconds, pair.ratio
    print(f"batch 1   naive per-sample baseline {naive:10,.0f} samples/s")
    print(f"batch 1   core.train.Trainer        {ours:10,.0f} samples/s   ratio {ratio:.2f}x (target >= 3x)")

    c64 = TrainConfig(epochs=5, batch_size=64)
    try:
        import torch
    except ImportError:
        print("batch 64  torch not installed: comparison skipped (pip install torch==2.13.0 to run it)")
        return
    for name, dtype in (("float64", torch.float64), ("float32", torch.float32)):
        pair = common.paired(torch_run(c64, torch, dtype), trainer_run(c64), args.repeats)
        samples = c64.epochs * c64.n_samples
        theirs, ours64, ratio = samples / pair.base_seconds, samples / pair.ours_seconds, pair.ratio
        print(f"batch 64  core.train.Trainer {ours64:10,.0f} samples/s vs torch {torch.__version__} CPU "
              f"{name} {theirs:10,.0f} samples/s   ratio {ratio:.2f}x (target >= 2x)")


if __name__ == "__main__":
    main()
