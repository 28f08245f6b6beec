"""Reference throughput of a plain PyTorch ST-GCN on this CPU, for bench/stage1.ts.

The network has the shapes of the project's `st-gcn-small` preset: data BN, 6 blocks with
channels 32, 64, 64, 128, 128, 256 and temporal strides 1, 1, 2, 1, 2, 1, a spatial graph
convolution over K = 3 partition subsets (with edge importance), a 9x1 temporal convolution,
residual connections as in yysijie/st-gcn, global pooling and a 60-way classifier. Input: batch
16, 1 body, 32 frames, 25 joints. Prints one JSON line per thread count with the median
training-step time (forward, backward, SGD update) and sequences per second.

Usage: python3 bench/torch_stgcn.py [threads ...]   (default: 1 2)
"""
import json
import sys
import time

import torch
import torch.nn as nn


class GraphConv(nn.Module):
    def __init__(self, cin, cout, A):
        super().__init__()
        self.K = A.shape[0]
        self.register_buffer('A', A)
        self.importance = nn.Parameter(torch.ones_like(A))
        self.conv = nn.Conv2d(cin, cout * self.K, 1)

    def forward(self, x):  # x: N, C, T, V
        n, _, t, v = x.shape
        x = self.conv(x).view(n, self.K, -1, t, v)
        return torch.einsum('nkctv,kvw->nctw', x, self.A * self.importance)


class Block(nn.Module):
    def __init__(self, cin, cout, A, stride, residual=True):
        super().__init__()
        self.gcn = GraphConv(cin, cout, A)
        self.tcn = nn.Sequential(
            nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, (9, 1), (stride, 1), (4, 0)), nn.BatchNorm2d(cout))
        if not residual:
            self.res = None
        elif cin == cout and stride == 1:
            self.res = nn.Identity()
        else:
            self.res = nn.Sequential(nn.Conv2d(cin, cout, 1, (stride, 1)), nn.BatchNorm2d(cout))
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        y = self.tcn(self.gcn(x))
        return self.relu(y if self.res is None else y + self.res(x))


class StGcnSmall(nn.Module):
    def __init__(self, V=25, classes=60):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        A = torch.rand(3, V, V, generator=g)
        A = A / A.sum(1, keepdim=True)
        chans = [32, 64, 64, 128, 128, 256]
        strides = [1, 1, 2, 1, 2, 1]
        self.data_bn = nn.BatchNorm1d(3 * V)
        blocks, cin = [], 3
        for i, (c, s) in enumerate(zip(chans, strides)):
            blocks.append(Block(cin, c, A, s, residual=i > 0))
            cin = c
        self.blocks = nn.ModuleList(blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):  # x: N, C, T, V
        n, c, t, v = x.shape
        x = self.data_bn(x.permute(0, 3, 1, 2).reshape(n, v * c, t)).view(n, v, c, t).permute(0, 2, 3, 1)
        for b in self.blocks:
            x = b(x)
        return self.fc(x.mean((2, 3)))


def bench(threads, batch=16, frames=32, reps=8):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = StGcnSmall()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)
    x = torch.randn(batch, 3, frames, 25)
    y = torch.arange(batch) % 60
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()

    step()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    ms = 1000 * times[len(times) // 2]
    return {'threads': threads, 'batch': batch, 'frames': frames, 'train step ms/batch': round(ms, 1),
            'train seq/s': round(batch * 1000 / ms, 1), 'torch': torch.__version__}


if __name__ == '__main__':
    for t in [int(a) for a in sys.argv[1:]] or [1, 2]:
        print(json.dumps(bench(t)), flush=True)
