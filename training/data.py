"""Images in, (LR, HR) patches out; the resamplers that make LR and the bicubic baseline.

Both resamplers are written as dense interpolation matrices (out = Mh @ img @ Mw^T),
so one small function defines them exactly, on CPU or GPU, in any precision. The
player's WGSL shaders implement the same two filters tap for tap.

- downscale: MATLAB imresize(x, 1/s, 'bicubic') - cubic a = -0.5, kernel widened by
  s (antialiasing), symmetric edge padding. It reproduces the LR_x4 files of the
  published benchmarks, so our LR for training and for Kodak24 matches theirs.
- upscale_bicubic: plain bicubic a = -0.5 with clamped edges: the baseline row.
"""
import math
import os
import random
from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".webp", ".bmp")


def cubic(x, a=-0.5):
    x = np.abs(x)
    return np.where(x <= 1, (a + 2) * x**3 - (a + 3) * x**2 + 1,
                    np.where(x < 2, a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a, 0.0))


def _taps(n_in, n_out):
    """MATLAB-style bicubic resampling along one axis as taps: for each output pixel the
    0-based input indices it reads (before any edge handling) and their weights."""
    scale = n_out / n_in
    aa = scale < 1  # antialias: stretch the kernel over 1/scale input pixels
    width = 4.0 / scale if aa else 4.0
    u = np.arange(1, n_out + 1, dtype=np.float64)
    x = u / scale + 0.5 * (1 - 1 / scale)  # 1-based input coordinate of each output centre
    left = np.floor(x - width / 2)
    taps = int(math.ceil(width)) + 2
    j = left[:, None] + np.arange(taps)[None, :]  # 1-based input indices
    d = x[:, None] - j
    w = scale * cubic(scale * d) if aa else cubic(d)
    w /= w.sum(axis=1, keepdims=True)
    return j.astype(np.int64) - 1, w


def _edge(j0, n_in, edge):
    """Input indices outside 0..n_in-1 mapped inside: mirrored or clamped."""
    if edge == "symmetric":  # ... 1 0 | 0 1 2 ... n-1 | n-1 n-2 ...
        period = 2 * n_in
        j0 = np.mod(j0, period)
        return np.where(j0 >= n_in, period - 1 - j0, j0)
    if edge == "clamp":
        return np.clip(j0, 0, n_in - 1)
    raise ValueError(edge)


@lru_cache(maxsize=64)
def resize_matrix(n_in, n_out, edge):
    """(n_out, n_in) float64 matrix of MATLAB-style bicubic resampling along one axis."""
    j0, w = _taps(n_in, n_out)
    j0 = _edge(j0, n_in, edge)
    m = np.zeros((n_out, n_in))
    np.add.at(m, (np.repeat(np.arange(n_out), j0.shape[1]), j0.ravel()), w.ravel())
    return m


@lru_cache(maxsize=64)
def downscale_filter(n_in, s):
    """The 1/s downscale of `resize_matrix` as one strided filter: every output pixel
    applies the same weights (taps,) to a window that moves by s, over the input
    extended by mirroring. Returns the weights and, for each position of the extended
    input, the input index it holds."""
    n_out = n_in // s
    j0, w = _taps(n_in, n_out)
    nz = np.flatnonzero(w[0])  # the kernel's end taps can be exactly zero: drop them
    j0, w = j0[:, nz[0]:nz[-1] + 1], w[:, nz[0]:nz[-1] + 1]
    assert (w == w[0]).all() and (j0 == j0[0] + s * np.arange(n_out)[:, None]).all()
    return w[0], _edge(np.arange(j0[0, 0], j0[-1, -1] + 1), n_in, "symmetric")


def _resize(img, h_out, w_out, edge):
    """img: (..., H, W) float tensor."""
    h, w = img.shape[-2:]
    mh = torch.from_numpy(resize_matrix(h, h_out, edge)).to(img)
    mw = torch.from_numpy(resize_matrix(w, w_out, edge)).to(img)
    return mh @ img @ mw.T


def downscale(img, s=4):
    """MATLAB-bicubic 1/s downscale of (..., H, W) with H, W multiples of s."""
    return _resize(img, img.shape[-2] // s, img.shape[-1] // s, "symmetric")


def downscale_batch(img, s=4):
    """`downscale` of a (B, C, H, W) batch as two strided convolutions (mirrored edges
    gathered first) instead of two dense matrix products: the same filter, equal to
    float rounding, with about 12x less arithmetic. Makes the training LR."""
    b, c, h, w = img.shape
    x = img.reshape(b * c, 1, h, w)
    for dim, n in ((2, h), (3, w)):
        taps, src = downscale_filter(n, s)
        k = torch.from_numpy(taps).to(img)
        x = x.index_select(dim, torch.from_numpy(src).to(img.device))
        x = F.conv2d(x, k.view(1, 1, -1, 1) if dim == 2 else k.view(1, 1, 1, -1),
                     stride=(s, 1) if dim == 2 else (1, s))
    return x.view(b, c, h // s, w // s)


def upscale_bicubic(img, s=4):
    return _resize(img, img.shape[-2] * s, img.shape[-1] * s, "clamp")


def quantize(x):
    """To the nearest 8-bit level, as a decoded video frame or a PNG would be."""
    return torch.round(x.clamp(0, 1) * 255) / 255


def modcrop(arr, s):
    h, w = arr.shape[:2]
    return arr[: h - h % s, : w - w % s]


def load_rgb(path):
    """uint8 HxWx3 array (greyscale images are expanded to RGB)."""
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def list_images(folder):
    out = []
    for root, _, files in os.walk(folder):
        out += [os.path.join(root, f) for f in files if f.lower().endswith(IMAGE_EXTS)]
    return sorted(out)


def to_tensor(arr):
    """uint8 HxWx3 -> float (1, 3, H, W) in [0, 1]."""
    return torch.from_numpy(np.array(arr)).permute(2, 0, 1)[None].double() / 255


def to_uint8(t):
    """float (1, 3, H, W) in [0, 1] -> rounded uint8 HxWx3."""
    return (t[0].clamp(0, 1) * 255).round().byte().permute(1, 2, 0).cpu().numpy()


class ImageBank:
    """Every training image, decoded once and kept as uint8 on `device` in one flat
    buffer; `sample` cuts a batch of random HR crops (with a random flip / 90-degree
    rotation each) in a single gather, and makes their LR with `downscale_batch`, all
    on `device`.

    JPEG photos are halved first (PIL bicubic, antialiased): that removes most of their
    compression artefacts before they become targets.
    """

    def __init__(self, folder, patch, scale=4, device="cpu", halve_jpeg=True):
        self.patch, self.scale, self.device = patch, scale, device
        planes, sizes = [], []
        for path in list_images(folder):
            with Image.open(path) as im:
                im = im.convert("RGB")
                if halve_jpeg and path.lower().endswith((".jpg", ".jpeg")):
                    im = im.resize((im.width // 2, im.height // 2), Image.BICUBIC)
                if min(im.size) < patch:
                    continue
                planes.append(torch.from_numpy(np.array(im)).permute(2, 0, 1).reshape(-1))
                sizes.append((im.height, im.width))
        if not planes:
            raise ValueError(f"no images of at least {patch}x{patch} pixels under {folder}")
        self.flat = torch.cat(planes).to(device)
        self.hw = torch.tensor(sizes, dtype=torch.long)
        self.offset = torch.cumsum(torch.tensor([0] + [p.numel() for p in planes[:-1]]), 0)
        area = (self.hw[:, 0] * self.hw[:, 1]).double()
        self.weights = area / area.sum()  # big photos give proportionally more crops
        r, s = torch.meshgrid(torch.arange(patch), torch.arange(patch), indexing="ij")
        grids = []
        for k in range(4):  # the 8 flips/rotations of the crop's (row, col) grid
            for g in (torch.stack([r, s]), torch.stack([r, s.flip(1)])):
                grids.append(torch.rot90(g, k, (1, 2)))
        self.grids = torch.stack(grids).to(device)  # (8, 2, p, p)
        self.hw_dev, self.offset_dev = self.hw.to(device), self.offset.to(device)

    def __len__(self):
        return len(self.hw)

    def pixels(self):
        return int((self.hw[:, 0] * self.hw[:, 1]).sum())

    def sample(self, batch, gen: torch.Generator):
        """(lr, hr) float tensors on `device`: (B, 3, p/s, p/s) quantized to 8 bit, (B, 3, p, p)."""
        p, dev = self.patch, self.device
        i = torch.multinomial(self.weights, batch, replacement=True, generator=gen)
        ry = torch.rand(batch, generator=gen, dtype=torch.double)
        rx = torch.rand(batch, generator=gen, dtype=torch.double)
        k = torch.randint(8, (batch,), generator=gen)
        # the (B, 3, p, p) gather indices are built where the images are: on the GPU in training
        i, ry, rx, k = i.to(dev), ry.to(dev), rx.to(dev), k.to(dev)
        h, w = self.hw_dev[i, 0], self.hw_dev[i, 1]
        y, x = (ry * (h - p + 1)).long(), (rx * (w - p + 1)).long()
        g = self.grids[k]  # (B, 2, p, p): the (row, col) in the crop of each output pixel
        v = lambda t: t.view(-1, 1, 1, 1)
        pix = v(self.offset_dev[i] + y * w + x) + g[:, :1] * v(w) + g[:, 1:]  # (B, 1, p, p): red plane
        chan = torch.arange(3, device=dev).view(1, 3, 1, 1)
        hr = self.flat[pix + chan * v(h * w)].float() / 255  # (B, 3, p, p)
        lr = quantize(downscale_batch(hr, self.scale))
        return lr, hr


def pack(src, dst, quality):
    """Copy a training folder as lossy WebP (JPEGs halved first, as ImageBank does), to
    carry it somewhere small: e.g. to a rented GPU machine with an upload limit."""
    os.makedirs(dst, exist_ok=True)
    total = 0
    for path in list_images(src):
        with Image.open(path) as im:
            im = im.convert("RGB")
            if path.lower().endswith((".jpg", ".jpeg")):
                im = im.resize((im.width // 2, im.height // 2), Image.BICUBIC)
            name = os.path.relpath(path, src).replace(os.sep, "__").rsplit(".", 1)[0] + ".webp"
            im.save(os.path.join(dst, name), "WEBP", quality=quality, method=6)
            total += os.path.getsize(os.path.join(dst, name))
    print(f"packed {src} -> {dst}: {total / 1e6:.1f} MB")


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="python3 -m training.data SRC DST: " + pack.__doc__)
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--quality", type=int, default=95)
    a = ap.parse_args()
    pack(a.src, a.dst, a.quality)
