"""The seed's 4x network: 17 convs, one shortcut, PixelShuffle(4).

    x -> head -> x0 -> body (14 x [conv, act]) -> + x0 -> tail (conv, conv) -> PixelShuffle(4)

head + tail have no activation, so with the body bypassed the network is a
linear map of the input: the low-frequency (skip) path. The body adds the
high-frequency part. Trained as RepConv blocks (3x3 + 1x1, weight-normalised);
`merged()` gives the inference form with one plain 3x3 conv per block.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import weight_norm


@dataclass
class ModelConfig:
    """Args:
        channels: feature width C of every conv but the first input and last output.
        act: body activation, 'relu' or 'lrelu' (LeakyReLU, slope 0.1).
        body: number of body convs (14 in the seed: 1 + 14 + 2 = 17 convs).
        scale: upscaling factor (PixelShuffle block size).
    """
    channels: int = 32
    act: str = "lrelu"
    body: int = 14
    scale: int = 4


def make_act(name):
    if name == "relu":
        return nn.ReLU(inplace=True)
    if name == "lrelu":
        return nn.LeakyReLU(0.1, inplace=True)
    raise ValueError(f"unknown activation {name!r} (relu | lrelu)")


def _wn_weight(conv):
    # weight_norm's hook only refreshes .weight inside forward, so recompute it here
    if not hasattr(conv, "weight_v"):  # weight norm removed
        return conv.weight
    v, g = conv.weight_v, conv.weight_g
    return g * v / v.flatten(1).norm(dim=1).view(-1, 1, 1, 1)


def _wn_assign(conv, w):
    """Set a weight-normalised conv to weight w; all-zero rows get g = 0 (a random
    direction, so the row can still learn, but an exactly zero output)."""
    norm = w.flatten(1).norm(dim=1)
    dead = (norm == 0).view(-1, 1, 1, 1)
    v = torch.where(dead, torch.randn_like(w), w)
    with torch.no_grad():
        conv.weight_v.copy_(v)
        conv.weight_g.copy_(norm.view_as(conv.weight_g))


class RepConv(nn.Module):
    """Training form of a 3x3 conv: parallel 3x3 and 1x1 kernels without biases,
    one shared bias, weight normalisation on both kernels.

    The forward pass runs them as the one 3x3 conv they sum to (`merged_weight`): the
    same function and the same gradients for every parameter, at the cost of one conv
    instead of two plus two full-size additions."""

    def __init__(self, cin, cout):
        super().__init__()
        self.k3 = weight_norm(nn.Conv2d(cin, cout, 3, padding=1, bias=False))
        self.k1 = weight_norm(nn.Conv2d(cin, cout, 1, bias=False))
        self.bias = nn.Parameter(torch.zeros(cout))

    def forward(self, x):
        return F.conv2d(x, self.merged_weight(), self.bias, padding=1)

    def forward_branches(self, x):
        """The two branches run separately (the reference the tests compare against)."""
        return self.k3(x) + self.k1(x) + self.bias.view(1, -1, 1, 1)

    def merged_weight(self):
        """The single 3x3 kernel equal to both branches: 1x1 added to the 3x3 centre."""
        return _wn_weight(self.k3) + F.pad(_wn_weight(self.k1), (1, 1, 1, 1))

    def assign(self, w3, bias):
        """Set the block to compute one 3x3 conv (w3, bias); the 1x1 branch starts at zero."""
        _wn_assign(self.k3, w3)
        _wn_assign(self.k1, torch.zeros_like(self.k1.weight_v))
        with torch.no_grad():
            self.bias.copy_(bias)


def _conv(cin, cout, rep):
    return RepConv(cin, cout) if rep else nn.Conv2d(cin, cout, 3, padding=1)


class SRNet(nn.Module):
    def __init__(self, cfg: ModelConfig = ModelConfig(), rep=True):
        super().__init__()
        self.cfg = cfg
        c, s = cfg.channels, cfg.scale
        self.head = _conv(3, c, rep)
        layers = []
        for _ in range(cfg.body):
            layers += [_conv(c, c, rep), make_act(cfg.act)]
        self.body = nn.Sequential(*layers)
        self.tail = nn.Sequential(_conv(c, c, rep), _conv(c, 3 * s * s, rep))
        self.shuffle = nn.PixelShuffle(s)
        if rep:
            self._init_body()

    @torch.no_grad()
    def _init_body(self):
        # He-style gains keep the signal's scale through the 14 activations (torch's
        # default init shrinks it ~5x per layer, leaving a near-dead body); most of it on
        # the 3x3 branch, a little on the 1x1
        slope = 0.1 if self.cfg.act == "lrelu" else 0.0
        gain = math.sqrt(2 / (1 + slope**2))
        for conv in self.body[0::2]:
            conv.k3.weight_g.fill_(0.95 * gain)
            conv.k1.weight_g.fill_(0.3 * gain)

    def forward(self, x):
        x0 = self.head(x)
        return self.shuffle(self.tail(x0 + self.body(x0)))

    def low(self, x):
        """The linear skip path alone (body bypassed): the low-frequency output."""
        return self.shuffle(self.tail(self.head(x)))

    def convs(self):
        return [self.head, *self.body[0::2], *self.tail]

    @torch.no_grad()
    def merged(self):
        """Inference form: plain 3x3 convs, weight norm and 1x1 branches folded in."""
        out = SRNet(self.cfg, rep=False).to(next(self.parameters()))
        for src, dst in zip(self.convs(), out.convs()):
            if isinstance(src, RepConv):
                dst.weight.copy_(src.merged_weight())
                dst.bias.copy_(src.bias)
            else:
                dst.load_state_dict(src.state_dict())
        return out.eval()

    @torch.no_grad()
    def init_linear_path(self, kernel, bias, body_gain=1e-3):
        """Start as a given linear upscaler: head and tail[0] pass RGB through in their
        first 3 channels, tail[1] holds `kernel` (3*s*s, 3, 3, 3) + `bias` reading them,
        and the body's last conv is scaled near zero so its contribution starts ~0."""
        c = self.cfg.channels
        like = dict(dtype=self.head.bias.dtype, device=self.head.bias.device)
        kernel, bias = kernel.to(**like), bias.to(**like)
        eye = torch.zeros(3, 3, 3, 3, **like)
        for i in range(3):
            eye[i, i, 1, 1] = 1.0
        w = self.head.merged_weight().clone()
        w[:3] = eye
        self.head.assign(w, torch.zeros(c, **like))
        w = self.tail[0].merged_weight().clone()
        w[:3] = 0
        w[:3, :3] = eye
        self.tail[0].assign(w, torch.zeros(c, **like))
        w = torch.zeros(kernel.shape[0], c, 3, 3, **like)
        w[:, :3] = kernel
        self.tail[1].assign(w, bias)
        last = self.body[-2]
        last.k3.weight_g.mul_(body_gain)
        last.k1.weight_g.mul_(body_gain)
        last.bias.zero_()


class LowPath(nn.Module):
    """Export wrapper: the skip path only (head + tail, no body)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net.low(x)


def flops_per_pixel(cfg: ModelConfig):
    """Multiply-adds x 2 per input (LR) pixel of the inference form."""
    c, o = cfg.channels, 3 * cfg.scale ** 2
    macs = 9 * (3 * c + cfg.body * c * c + c * c + c * o)
    return 2 * macs


def count_params(net):
    return sum(p.numel() for p in net.parameters())
