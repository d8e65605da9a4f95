import torch
from torch.nn.utils import remove_weight_norm

from training.model import ModelConfig, RepConv, SRNet, flops_per_pixel


def randomized(cfg, seed=0):
    """A training-form net with every parameter random (biases and 1x1 branches included)."""
    torch.manual_seed(seed)
    net = SRNet(cfg).double()
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn_like(p) * 0.2 + (0.5 if p.dim() == 4 and p.shape[1:] == (1, 1, 1) else 0))
    return net


def test_reparameterization_is_exact():
    for act in ("relu", "lrelu"):
        net = randomized(ModelConfig(channels=8, act=act))
        x = torch.rand(2, 3, 11, 7, dtype=torch.float64)
        full, merged = net(x), net.merged()(x)
        assert merged.shape == (2, 3, 44, 28)
        assert (full - merged).abs().max().item() < 1e-9
        assert (net.low(x) - net.merged().low(x)).abs().max().item() < 1e-9


def test_merged_form_has_plain_convs_only():
    m = SRNet(ModelConfig(channels=8)).merged()
    convs = [mod for mod in m.modules() if isinstance(mod, torch.nn.Conv2d)]
    assert len(convs) == 17 and all(c.kernel_size == (3, 3) for c in convs)
    assert not any(isinstance(mod, RepConv) for mod in m.modules())
    assert not any("weight_g" in n for n, _ in m.named_parameters())


def test_weight_norm_removal_changes_nothing():
    torch.manual_seed(1)
    block = RepConv(5, 6).double()
    with torch.no_grad():
        block.k3.weight_g.mul_(3.0)
        block.bias.normal_()
    plain = RepConv(5, 6).double()
    plain.load_state_dict(block.state_dict())
    remove_weight_norm(plain.k3)
    remove_weight_norm(plain.k1)
    x = torch.randn(1, 5, 9, 9, dtype=torch.float64)
    assert (block(x) - plain(x)).abs().max().item() < 1e-12
    # and the merged kernel is the 3x3 kernel plus the 1x1 kernel at its centre
    w = plain.k3.weight.clone()
    w[:, :, 1, 1] += plain.k1.weight[:, :, 0, 0]
    assert (block.merged_weight() - w).abs().max().item() < 1e-12


def test_low_path_is_affine_and_is_the_net_without_body():
    net = randomized(ModelConfig(channels=8))
    x, y = torch.rand(1, 3, 6, 6, dtype=torch.float64), torch.rand(1, 3, 6, 6, dtype=torch.float64)
    zero = torch.zeros_like(x)
    lhs, rhs = net.low(x + y) - net.low(y), net.low(x) - net.low(zero)
    assert (lhs - rhs).abs().max().item() < 1e-9
    # silence the body's last conv (LeakyReLU(0) = 0): the full net reduces to the low path
    last = net.body[-2]
    with torch.no_grad():
        last.k3.weight_g.zero_()
        last.k1.weight_g.zero_()
        last.bias.zero_()
    assert (net(x) - net.low(x)).abs().max().item() < 1e-12


def test_linear_init_reproduces_the_given_upscaler():
    torch.manual_seed(2)
    net = SRNet(ModelConfig(channels=8)).double()
    kernel, bias = torch.randn(48, 3, 3, 3).double(), torch.randn(48).double()
    net.init_linear_path(kernel, bias, body_gain=0.0)
    x = torch.rand(1, 3, 5, 5, dtype=torch.float64)
    expect = torch.nn.functional.pixel_shuffle(torch.nn.functional.conv2d(x, kernel, bias, padding=1), 4)
    assert (net.low(x) - expect).abs().max().item() < 1e-9
    assert (net(x) - expect).abs().max().item() < 1e-9  # body contributes exactly zero at gain 0


def test_flops_count_matches_layer_sum():
    cfg = ModelConfig(channels=32)
    net = SRNet(cfg).merged()
    macs = sum(c.weight.numel() for c in net.convs())  # per output pixel of LR size
    assert flops_per_pixel(cfg) == 2 * macs


def test_repconv_runs_as_one_conv_with_the_gradients_of_its_two_branches():
    torch.manual_seed(3)
    block = RepConv(5, 6).double()
    with torch.no_grad():
        block.k1.weight_g.mul_(2.0)
        block.bias.normal_()
    x = torch.randn(2, 5, 9, 7, dtype=torch.float64)
    w = torch.randn(2, 6, 9, 7, dtype=torch.float64)
    grads = []
    for f in (block.forward, block.forward_branches):
        block.zero_grad()
        out = f(x)
        (out * w).sum().backward()
        grads.append((out.detach(), [p.grad.clone() for p in block.parameters()]))
    (a, ga), (b, gb) = grads
    assert (a - b).abs().max().item() < 1e-12
    assert all((p - q).abs().max().item() < 1e-12 for p, q in zip(ga, gb))
