"""PyTorch reference for `tfgen bench`: one DCGAN training step (batch 64, 28x28x1, 4x4 kernels).

Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 apps/cli/bench/pytorch_dcgan.py --steps 20
Prints `median_step_ms=<ms> torch=<version>`. Same step as tfgen's: one discriminator update
on a real and a fake batch, then one generator update (non-saturating loss, Adam 2e-4 / 0.5).
"""
import argparse
import statistics
import time

import torch
from torch import nn


def generator(latent=100, width=32):
    return nn.Sequential(
        nn.Linear(latent, 7 * 7 * width * 4, bias=False), nn.Unflatten(1, (width * 4, 7, 7)), nn.BatchNorm2d(width * 4), nn.ReLU(),
        nn.ConvTranspose2d(width * 4, width * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(width * 2), nn.ReLU(),
        nn.ConvTranspose2d(width * 2, 1, 4, 2, 1), nn.Tanh(),
    )


def discriminator(width=32):
    return nn.Sequential(
        nn.Conv2d(1, width * 2, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(width * 2, width * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(width * 4), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(width * 4 * 7 * 7, 1),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    G, D = generator(), discriminator()
    opt_g = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    real = torch.rand(64, 1, 28, 28) * 2 - 1
    ones, zeros = torch.ones(64, 1), torch.zeros(64, 1)
    times = []
    for step in range(args.steps + 2):
        start = time.perf_counter()
        fake = G(torch.randn(64, 100))
        loss_d = bce(D(real), ones) + bce(D(fake.detach()), zeros)
        opt_d.zero_grad(); loss_d.backward(); opt_d.step()
        loss_g = bce(D(fake), ones)
        opt_g.zero_grad(); loss_g.backward(); opt_g.step()
        if step >= 2:
            times.append((time.perf_counter() - start) * 1000)
    print(f'median_step_ms={statistics.median(times):.2f} torch={torch.__version__}')


if __name__ == '__main__':
    main()
