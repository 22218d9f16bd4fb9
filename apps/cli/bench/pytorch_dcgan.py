"""PyTorch reference for `tfgen bench`: the DCGAN training step of tfgen's bench, layer for layer.

Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 apps/cli/bench/pytorch_dcgan.py --steps 20 --threads 2

The networks are `dcgan({ imageShape: [28, 28, 1], width: W })` of @tfgen/architectures
(W = --width, default 64, the DCGAN of issue 10):
  G: dense latent -> 7*7*2W (no bias), BN, ReLU, convT 4x4 s2 -> W (no bias), BN, ReLU,
     convT 4x4 s2 -> 1 (bias), tanh
  D: conv 4x4 s2 -> W (bias), LeakyReLU 0.2, conv 4x4 s2 -> 2W (no bias), BN, LeakyReLU 0.2,
     flatten, dense -> 1
BN: epsilon 1e-5, moving-average momentum 0.9 in Keras terms (0.1 in PyTorch's); weights
N(0, 0.02), BN gamma N(1, 0.02), zero biases (dcganInit). 'same' padding of a 4x4 stride-2
conv on even sides is padding 1 on each side, as here.

The step is createGan's (@tfgen/strategies) non-saturating step: a discriminator update on D(real)
and D(G(z1)) (the fakes made outside the gradient tape, G in training mode), then a generator
update on a fresh z2 (gradients only for G's weights), Adam lr 2e-4, betas (0.5, 0.999),
epsilon 1e-7 (tfjs' float32 epsilon), both losses read back as numbers like tfgen's metrics.
The real batch is uniform noise in [-1, 1] of MNIST's shape: the step's time does not depend on
the pixel values.

Prints one line `result={json}`: median and fastest step time (ms), process CPU ms per step,
threads, torch version and the BLAS library loaded. `--describe` prints the parameter sizes of G
and D instead (`describe={json}`), which tfgen's bench test compares with its own DCGAN.
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn
import torch.nn.functional as F


def dcgan_init(module):
    if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def batch_norm(channels):
    return nn.BatchNorm2d(channels, eps=1e-5, momentum=0.1)


def generator(latent, width):
    return nn.Sequential(
        nn.Linear(latent, 7 * 7 * 2 * width, bias=False), nn.Unflatten(1, (2 * width, 7, 7)), batch_norm(2 * width), nn.ReLU(),
        nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False), batch_norm(width), nn.ReLU(),
        nn.ConvTranspose2d(width, 1, 4, 2, 1, bias=True), nn.Tanh(),
    )


def discriminator(width):
    return nn.Sequential(
        nn.Conv2d(1, width, 4, 2, 1, bias=True), nn.LeakyReLU(0.2),
        nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False), batch_norm(2 * width), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(2 * width * 7 * 7, 1),
    )


def blas_library():
    """The BLAS shared object this process loaded (Debian's alternatives pick it)."""
    try:
        with open('/proc/self/maps') as maps:
            names = {line.split()[-1].rsplit('/', 1)[-1] for line in maps if 'blas' in line.lower()}
        return ','.join(sorted(names)) or 'none loaded'
    except OSError:
        return 'unknown'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=20, help='timed steps after 2 warm-up steps')
    parser.add_argument('--threads', type=int, default=2, help='torch intra-op threads')
    parser.add_argument('--width', type=int, default=64, help="tfgen dcgan's width (D channels W, 2W)")
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--latent', type=int, default=100)
    parser.add_argument('--describe', action='store_true', help='print the parameter sizes of G and D as describe={json} and exit')
    args = parser.parse_args()
    if min(args.steps, args.threads, args.width, args.batch, args.latent) < 1:
        parser.error('--steps, --threads, --width, --batch and --latent must be positive integers')
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    G, D = generator(args.latent, args.width), discriminator(args.width)
    G.apply(dcgan_init)
    D.apply(dcgan_init)
    if args.describe:
        sizes = lambda net: [p.numel() for p in net.parameters()]
        print('describe=' + json.dumps({'generator': sizes(G), 'discriminator': sizes(D)}))
        return
    G.train()
    D.train()
    adam = dict(lr=2e-4, betas=(0.5, 0.999), eps=1e-7)
    opt_g = torch.optim.Adam(G.parameters(), **adam)
    opt_d = torch.optim.Adam(D.parameters(), **adam)
    real = torch.rand(args.batch, 1, 28, 28) * 2 - 1
    times, cpu = [], []
    for step in range(args.steps + 2):
        start, start_cpu = time.perf_counter(), time.process_time()
        # Discriminator update: fakes from a fresh z, made without G's gradients.
        with torch.no_grad():
            fake = G(torch.randn(args.batch, args.latent))
        loss_d = F.softplus(-D(real)).mean() + F.softplus(D(fake)).mean()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        # Generator update: a fresh z, gradients for G's weights only (D's filter gradients skipped).
        for p in D.parameters():
            p.requires_grad_(False)
        loss_g = F.softplus(-D(G(torch.randn(args.batch, args.latent)))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        for p in D.parameters():
            p.requires_grad_(True)
        losses = (loss_d.item(), loss_g.item())
        if step >= 2:
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    result = {
        'median_step_ms': statistics.median(times),
        'fastest_step_ms': min(times),
        'cpu_ms_per_step': statistics.mean(cpu),
        'steps': args.steps,
        'threads': torch.get_num_threads(),
        'width': args.width,
        'batch': args.batch,
        'torch': torch.__version__,
        'blas': blas_library(),
        'last_losses': losses,
    }
    print('result=' + json.dumps(result))


if __name__ == '__main__':
    main()
