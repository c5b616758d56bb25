"""Data augmentation on whole batches of tensors: random affine and elastic distortions."""

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
