import math

import numpy as np
import torch

from training.data import cubic, downscale, resize_matrix, upscale_bicubic
from training.evaluate import psnr, rgb_to_y


def test_psnr_by_hand():
    a = np.zeros((12, 12, 3), np.uint8)
    b = a.copy()
    b[...] = (10, 20, 30)  # Y differs by (65.481*10 + 128.553*20 + 24.966*30) / 255 everywhere
    dy = (654.81 + 2571.06 + 748.98) / 255
    assert abs(psnr(a, b) - 10 * math.log10(255**2 / dy**2)) < 1e-9
    # RGB: MSE = (100 + 400 + 900) / 3
    assert abs(psnr(a, b, y_only=False) - 10 * math.log10(255**2 * 3 / 1400)) < 1e-9
    # the 4-pixel border is not counted
    c = b.copy()
    c[:4] = 255
    c[:, -4:] = 0
    assert psnr(a, c) == psnr(a, b)
    assert psnr(a, a) == float("inf")


def test_y_of_white_and_black_is_bt601_range():
    assert abs(rgb_to_y(np.array([255, 255, 255])) - 235.0) < 1e-9
    assert abs(rgb_to_y(np.array([0, 0, 0])) - 16.0) < 1e-9


def test_downscale_weights_by_hand():
    # interior output pixel i sees 16 inputs at distances d = +-0.5 .. +-7.5 from 4i + 1.5,
    # weighted by the Keys a = -0.5 cubic stretched 4x, normalised
    d = np.arange(-7.5, 8.0, 1.0)
    t = np.abs(d / 4)
    w = np.where(t <= 1, 1.5 * t**3 - 2.5 * t**2 + 1, -0.5 * t**3 + 2.5 * t**2 - 4 * t + 2)
    w /= w.sum()
    m = resize_matrix(64, 16, "symmetric")
    i = 5
    assert np.allclose(m[i, 4 * i - 6: 4 * i + 10], w, atol=1e-15)
    assert np.count_nonzero(m[i]) == 16
    # at the edge the taps that fall outside are mirrored back, edge pixel included
    assert np.allclose(m.sum(axis=1), 1)
    assert m[0, 0] > 0 and abs(m[0].sum() - 1) < 1e-12


def test_downscale_of_a_ramp_samples_it_at_the_pixel_centres():
    x = torch.arange(64, dtype=torch.float64).repeat(64, 1)  # value = column index
    y = downscale(x[None, None], 4)[0, 0]
    centres = 4 * torch.arange(16, dtype=torch.float64) + 1.5
    assert torch.allclose(y[:, 2:-2], centres[2:-2].repeat(16, 1), atol=1e-12)


def test_bicubic_upscale_phases_and_constants():
    assert np.allclose(cubic(np.array([0.0, 1.0, 2.0])), [1, 0, 0])
    const = torch.full((1, 3, 5, 7), 0.3, dtype=torch.float64)
    assert torch.allclose(upscale_bicubic(const), torch.full((1, 3, 20, 28), 0.3, dtype=torch.float64))
    # output 4i+p samples input i + (2p-3)/8: on a linear ramp, exactly that value (interior)
    ramp = torch.arange(10, dtype=torch.float64).repeat(10, 1)[None, None]
    up = upscale_bicubic(ramp)[0, 0, 0]
    o = torch.arange(40, dtype=torch.float64)
    assert torch.allclose(up[8:-8], ((o + 0.5) / 4 - 0.5)[8:-8], atol=1e-12)
