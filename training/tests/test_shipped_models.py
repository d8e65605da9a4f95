"""The committed models: what the manifest lists exists, loads, and agrees with itself."""
import json
import os

import numpy as np
import pytest
import torch

from training.evaluate import load_shipped
from training.tests.test_export_e2e import ROOT, run_ort

MODELS = os.path.join(ROOT, "models")
with open(os.path.join(MODELS, "manifest.json")) as f:
    MANIFEST = json.load(f)


def test_manifest_default_is_listed_and_meets_the_shipping_bar():
    entry = next(m for m in MANIFEST["models"] if m["id"] == MANIFEST["default"])
    assert entry["metrics"]["Set5"]["model_y"] >= 31.0
    assert entry["metrics"]["Set14"]["model_y"] >= 27.9


@pytest.mark.parametrize("entry", MANIFEST["models"], ids=lambda m: m["id"])
def test_shipped_model_fp16_matches_fp32_and_torch(entry, tmp_path):
    torch.manual_seed(0)
    x = torch.rand(1, 3, 16, 12)
    f32 = run_ort(os.path.join(MODELS, entry["fp32"]), x, "float32", tmp_path)
    f16 = run_ort(os.path.join(MODELS, entry["fp16"]), x, "float16", tmp_path)
    assert 10 * np.log10(1.0 / np.mean((f16 - f32) ** 2)) > 60
    net = load_shipped(entry["id"], MODELS)
    assert np.abs(net(x).detach().numpy() - f32).max() < 1e-4
    low = run_ort(os.path.join(MODELS, entry["low"]["fp32"]), x, "float32", tmp_path)
    assert np.abs(net.low(x).detach().numpy() - low).max() < 1e-4
