import torch
import torch.nn.functional as F

from training.lookahead import Lookahead
from training.losses import gradient_variance_loss, sr_loss


def blur(x, k):
    return F.avg_pool2d(F.pad(x, (k // 2,) * 4, mode="replicate"), k, stride=1) if k > 1 else x


def test_gv_loss_zero_for_identical_and_grows_with_blur():
    torch.manual_seed(0)
    hr = torch.rand(2, 3, 64, 64)
    assert gradient_variance_loss(hr, hr).item() == 0.0
    losses = [gradient_variance_loss(blur(hr, k), hr).item() for k in (3, 5, 7)]
    assert 0 < losses[0] < losses[1] < losses[2]


def test_gv_loss_by_hand_on_one_patch():
    # a horizontal ramp has a constant Sobel-x response: zero variance within every patch
    ramp = torch.arange(18.0).repeat(18, 1)[None, None].repeat(1, 3, 1, 1) / 17
    flat = torch.full_like(ramp, 0.5)
    assert gradient_variance_loss(ramp, flat, patch=16).item() < 1e-20
    # one bright pixel: its Sobel-x response is (-1,0,1;-2,0,2;-1,0,1)-shaped, values 0 or +-v
    spot = flat.clone()
    spot[..., 8, 8] = 1.0
    gx = 0.5 * torch.tensor([1.0, 2.0, 1.0, 1.0, 2.0, 1.0])  # |responses| of the 6 non-zero taps
    var_x = (gx**2).sum() / 256  # mean 0 over the 16x16 patch
    # y responses have the same magnitudes; loss = var_x^2 + var_y^2
    assert abs(gradient_variance_loss(spot, flat, patch=16).item() - 2 * var_x.item() ** 2) < 1e-9


def test_sr_loss_is_l1_plus_weighted_gv():
    torch.manual_seed(1)
    a, b = torch.rand(1, 3, 32, 32), torch.rand(1, 3, 32, 32)
    expect = (a - b).abs().mean() + 0.01 * gradient_variance_loss(a, b)
    assert abs(sr_loss(a, b).item() - expect.item()) < 1e-7


def test_lookahead_slow_update_matches_formula():
    torch.manual_seed(0)
    w = torch.nn.Parameter(torch.randn(4))
    opt = Lookahead(torch.optim.SGD([w], lr=0.1), k=3, alpha=0.8)
    slow0 = w.detach().clone()
    fast = w.detach().clone()
    for step in range(1, 7):
        opt.zero_grad()
        (w ** 2).sum().backward()  # grad 2w: SGD step w <- w - 0.2 w
        opt.step()
        fast = fast * 0.8
        if step % 3 == 0:
            slow0 = slow0 + 0.8 * (fast - slow0)
            fast = slow0.clone()
        assert torch.allclose(w.detach(), fast, atol=1e-6)
    assert torch.allclose(opt.slow[0], slow0, atol=1e-6)
