import torch

from lenet_helpers.learning.augment import random_affine, random_strokes


def batch():
    x = torch.full((16, 1, 28, 28), -0.42)
    x[:, :, 8:20, 12:16] = 2.8
    return x


def test_shape_and_background_are_kept():
    x = batch()
    y = random_affine(x, generator=torch.Generator().manual_seed(0))
    assert y.shape == x.shape
    assert torch.allclose(y[:, :, 0, 0], torch.full((16, 1), -0.42))  # corners stay background
    assert y.min() >= -0.42 - 1e-5 and y.max() <= 2.8 + 1e-5


def test_zero_strength_is_the_identity():
    x = batch()
    y = random_affine(x, degrees=0, scale=0, shift=0, shear=0)
    assert torch.allclose(y, x, atol=1e-5)


def test_each_image_gets_its_own_distortion_and_a_seed_repeats_it():
    x = batch()
    a = random_affine(x, elastic=2.0, generator=torch.Generator().manual_seed(1))
    b = random_affine(x, elastic=2.0, generator=torch.Generator().manual_seed(1))
    assert torch.equal(a, b)
    assert not torch.allclose(a[0], a[1])
    assert not torch.allclose(a, x)


def test_strokes_keep_the_background_and_the_range_and_a_seed_repeats_them():
    x = batch()
    a = random_strokes(x, generator=torch.Generator().manual_seed(2))
    b = random_strokes(x, generator=torch.Generator().manual_seed(2))
    assert torch.equal(a, b)
    assert a.shape == x.shape
    assert torch.allclose(a[:, :, 0, 0], torch.full((16, 1), -0.42))
    assert a.min() >= -0.42 - 1e-5 and a.max() <= 2.8 + 1e-5


def test_strokes_thicken_and_thin_some_images():
    x = torch.cat([batch()] * 4)  # 64 images: every kind, with large and small amounts
    ink = (x > 0).sum(dim=(1, 2, 3))
    y = random_strokes(x, thicken=1.0, thin=1.0, blur=0.0, generator=torch.Generator().manual_seed(3))
    covered = (y > 0.5).sum(dim=(1, 2, 3))  # more than half strength
    assert (covered > ink).any() and (covered < ink).any() and (covered == ink).any()
