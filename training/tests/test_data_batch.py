"""The training batches: ImageBank's one-gather crops and downscale_batch against the
per-sample way (numpy crop, flip / rotate, the matrix downscaler of the eval sets)."""
import numpy as np
import pytest
import torch
from PIL import Image

from training.data import ImageBank, downscale, downscale_batch, quantize, to_tensor
from training.train import lr_at, step_options, TrainConfig


@pytest.mark.parametrize("s, h, w", [(4, 192, 192), (4, 48, 36), (2, 30, 18), (3, 27, 12)])
def test_downscale_batch_is_the_matrix_downscaler(s, h, w):
    torch.manual_seed(0)
    x = torch.rand(3, 3, h, w, dtype=torch.float64)
    assert (downscale_batch(x, s) - downscale(x, s)).abs().max().item() < 1e-14


def test_downscale_batch_in_float32_gives_the_same_8_bit_lr():
    """Float32, as in training: the two orders of summation differ by ~1e-7, so at most a
    rare value sitting on a rounding boundary lands one 8-bit level away."""
    torch.manual_seed(1)
    hr = torch.rand(8, 3, 192, 192)
    a, b = quantize(downscale_batch(hr)), quantize(downscale(hr.double())).float()
    diff = (a - b).abs()
    assert diff.max().item() <= 1 / 255 + 1e-6 and (diff > 0).float().mean().item() < 1e-4


def photos(tmp_path, rng, sizes):
    for n, (h, w) in enumerate(sizes):
        small = rng.random((h // 6, w // 6, 3))
        arr = np.asarray(Image.fromarray((small * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC))
        arr = np.clip(arr + rng.integers(-20, 21, arr.shape), 0, 255).astype(np.uint8)  # some texture
        Image.fromarray(arr).save(tmp_path / f"{n}.png")
    return [np.asarray(Image.open(tmp_path / f"{n}.png").convert("RGB")) for n in range(len(sizes))]


def reference_sample(images, patch, batch, gen, scale=4):
    """One crop at a time, the plain way, from the same random draws as ImageBank.sample."""
    area = torch.tensor([float(a.shape[0] * a.shape[1]) for a in images], dtype=torch.double)
    i = torch.multinomial(area / area.sum(), batch, replacement=True, generator=gen)
    ry = torch.rand(batch, generator=gen, dtype=torch.double)
    rx = torch.rand(batch, generator=gen, dtype=torch.double)
    k = torch.randint(8, (batch,), generator=gen)
    hrs, lrs = [], []
    for b in range(batch):
        img = images[i[b]]
        y, x = int(ry[b] * (img.shape[0] - patch + 1)), int(rx[b] * (img.shape[1] - patch + 1))
        crop = img[y:y + patch, x:x + patch]
        if k[b] % 2:
            crop = crop[:, ::-1]
        crop = np.rot90(crop, int(k[b]) // 2)
        hr = to_tensor(crop)  # float64
        hrs.append(hr.float())
        lrs.append(quantize(downscale(hr, scale)).float())
    return torch.cat(lrs), torch.cat(hrs), k


def test_image_bank_batch_equals_per_sample_crops(tmp_path):
    rng = np.random.default_rng(0)
    images = photos(tmp_path, rng, [(70, 90), (64, 64), (100, 66), (40, 200)])
    patch, batch = 32, 64
    bank = ImageBank(str(tmp_path), patch)
    lr, hr = bank.sample(batch, torch.Generator().manual_seed(7))
    lr_ref, hr_ref, k = reference_sample(images, patch, batch, torch.Generator().manual_seed(7))
    assert set(k.tolist()) == set(range(8))  # every flip / rotation was drawn
    assert hr.shape == (batch, 3, patch, patch) and lr.shape == (batch, 3, patch // 4, patch // 4)
    assert torch.equal(hr, hr_ref)  # the very same pixels, orientation included
    assert torch.equal(lr, (lr * 255).round() / 255) and lr.min() >= 0 and lr.max() <= 1  # 8-bit levels
    diff = (lr - lr_ref).abs()
    assert diff.max().item() <= 1 / 255 + 1e-6 and (diff > 0).float().mean().item() < 1e-3
    # with the float32 per-sample downscale the batch is equal value for value
    assert torch.equal(lr, torch.cat([quantize(downscale_batch(h[None])) for h in hr]))


def test_lr_scaling_rule_and_step_defaults():
    cfg = TrainConfig(lr=1e-3, min_lr=1e-5, batch=64)
    assert lr_at(cfg, 0.0) == pytest.approx(1e-3) and lr_at(cfg, 1.0) == pytest.approx(1e-5)
    cfg.lr_batch = 16  # 4x the batch: sqrt rule, 2x the learning rate, the whole schedule
    assert lr_at(cfg, 0.0) == pytest.approx(2e-3) and lr_at(cfg, 1.0) == pytest.approx(2e-5)
    assert lr_at(cfg, 0.0, world=4) == pytest.approx(4e-3)  # the global batch counts
    assert step_options(TrainConfig(), "cpu") == (False, False, False)
    assert step_options(TrainConfig(amp=True, channels_last=True, compile=True), "cpu") == (True, True, False)
    amp, channels_last, _ = step_options(TrainConfig(), "cuda:0")
    assert amp and channels_last
