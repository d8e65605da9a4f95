"""L1 + lambda * Gradient Variance loss (Abrahamyan et al., ICASSP 2022)."""
import torch
import torch.nn.functional as F

_SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def _gray(x):
    return (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]).unsqueeze(1)


def _patch_variance(g, n):
    """Variance of each non-overlapping n x n patch: (B, 1, H, W) -> (B, H//n * W//n)."""
    p = F.unfold(g, kernel_size=n, stride=n)  # (B, n*n, L)
    return p.var(dim=1, unbiased=False)


def gradient_variance_loss(sr, hr, patch=16):
    """MSE between the per-patch variances of the Sobel x and y gradient maps of the
    grayscale SR and HR images. Zero for identical images; grows as edges soften."""
    kx = _SOBEL_X.to(sr)
    k = torch.stack([kx, kx.T]).unsqueeze(1)  # (2, 1, 3, 3): x and y
    gs, gh = F.conv2d(_gray(sr), k), F.conv2d(_gray(hr), k)
    loss = 0.0
    for i in range(2):
        loss = loss + F.mse_loss(_patch_variance(gs[:, i:i + 1], patch), _patch_variance(gh[:, i:i + 1], patch))
    return loss


def sr_loss(sr, hr, gv_weight=0.01, gv_patch=16):
    return F.l1_loss(sr, hr) + gv_weight * gradient_variance_loss(sr, hr, gv_patch)

