"""Data augmentation on whole batches of tensors: random affine and elastic distortions, stroke width and blur."""

import math

import torch
import torch.nn.functional as F


def random_affine(
    x: torch.Tensor,
    degrees: float = 8.0,
    scale: float = 0.08,
    shift: float = 0.08,
    shear: float = 0.1,
    elastic: float = 0.0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Rotate, scale, shear and shift every image of a batch (N, 1, H, W) by its own random amount.

    degrees: largest rotation; scale: largest relative zoom; shift: largest move as a fraction
    of the image; shear: largest shear factor; elastic: largest displacement of a smooth random
    warp in pixels (after Simard et al. 2003), 0 for none. One grid_sample call does it all, on the CPU or the GPU.
    """
    n, device = x.shape[0], x.device

    def uniform(limit: float) -> torch.Tensor:
        return (torch.rand(n, device=device, generator=generator) * 2 - 1) * limit

    angle = uniform(math.radians(degrees))
    zoom = 1 + uniform(scale)
    sh = uniform(shear)
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    # theta maps output coordinates to input coordinates, in [-1, 1] units
    theta = torch.stack(
        [
            torch.stack([cos, -sin + sh * cos, uniform(2 * shift)], dim=1),
            torch.stack([sin, cos + sh * sin, uniform(2 * shift)], dim=1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    if elastic > 0:
        grid = grid + _smooth_noise(n, x.shape[-2], x.shape[-1], elastic, device, generator)
    background = x.amin()  # sample in "background = 0" space so padding matches the paper
    warped = F.grid_sample(x - background, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return (warped + background).contiguous(memory_format=torch.channels_last)


def _smooth_noise(n: int, h: int, w: int, strength: float, device, generator) -> torch.Tensor:
    """A smooth random displacement field (N, H, W, 2) of about `strength` pixels.

    Random offsets on a coarse 4x4 lattice, upsampled bicubically: as smooth as Simard's
    Gaussian-filtered noise, at a tenth of the cost.
    """
    coarse = torch.rand(n, 2, 4, 4, device=device, generator=generator) * 2 - 1
    field = F.interpolate(coarse, size=(h, w), mode="bicubic", align_corners=True)
    return field.permute(0, 2, 3, 1) * (strength * 2 / max(h, w))


def random_strokes(x: torch.Tensor, thicken: float = 1.0, thin: float = 0.5, blur: float = 0.6,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Vary every image's stroke width and sharpness by its own random amount, as photos do.

    A quarter of the images keep their strokes, a quarter are thickened (blended with a 3x3
    dilation by up to `thicken`), a quarter thinned (with a 3x3 erosion, up to `thin`), a
    quarter blurred (with a 3x3 Gaussian, up to `blur`): the differences that a photo's pen and
    focus leave after the preparation has brought the stroke width into MNIST's range.
    """
    n, device = x.shape[0], x.device
    background = x.amin()
    x = x - background
    kind = torch.randint(0, 4, (n, 1, 1, 1), device=device, generator=generator)
    amount = torch.rand(n, 1, 1, 1, device=device, generator=generator)
    dilated = F.max_pool2d(x, 3, stride=1, padding=1)
    eroded = -F.max_pool2d(-x, 3, stride=1, padding=1)
    kernel = torch.tensor([1.0, 2.0, 1.0], device=device)
    kernel = (kernel[:, None] * kernel[None, :] / 16).expand(x.shape[1], 1, 3, 3)
    blurred = F.conv2d(x, kernel.to(x.dtype), padding=1, groups=x.shape[1])
    target = torch.where(kind == 1, dilated, torch.where(kind == 2, eroded, blurred))
    weight = amount * torch.where(kind == 1, thicken, torch.where(kind == 2, thin, blur)) * (kind > 0)
    return (x + weight * (target - x) + background).contiguous(memory_format=torch.channels_last)
