"""A pretend accelerator on the CPU, so that tests catch the device mistakes a GPU student would meet.

`install()` makes `get_device()` answer `cpu:0`, the CPU under another name, and follows every
tensor that is moved there (by `.to`, `Module.to`, or created there). A PyTorch operation that
mixes such tensors with tensors left behind, as a CUDA or MPS device would refuse to (`Expected
all tensors to be on the same device`), or `.numpy()` on one of them, raises `DeviceMismatch`.
Zero-dimensional tensors may mix, as on a real GPU.
"""

from contextlib import contextmanager

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten

ACCELERATOR = torch.device("cpu", 0)
FOLLOWED = "_on_pretend_accelerator"
LEAVING = {torch.Tensor.cpu, torch.Tensor.numpy, torch.Tensor.tolist, torch.Tensor.item}
ALLOWED_TO_MIX = {torch.Tensor.__getitem__, torch.Tensor.__setitem__, torch.Tensor.copy_, torch.Tensor.to,
                  torch.Tensor.__repr__, torch.Tensor.__format__, torch.Tensor.__len__,
                  torch._has_compatible_shallow_copy_type, torch.Tensor.data.__set__}  # Module.to's own steps


class DeviceMismatch(RuntimeError):
    """What a GPU would have refused."""


def on_accelerator(tensor: torch.Tensor) -> bool:
    return getattr(tensor, FOLLOWED, False)


def _target(args, kwargs):
    """The device a `.to` call moves to, or None when it moves nowhere (a dtype change)."""
    for value in (kwargs.get("device"), *args[1:]):
        if isinstance(value, (torch.device, str)):
            return torch.device(value)
        if isinstance(value, torch.Tensor):
            return ACCELERATOR if on_accelerator(value) else torch.device("cpu")
    return None


def _own(result, source: torch.Tensor):
    """`result`, or a fresh view of it when it is `source` handed back (a move to where it already is):
    the tag then goes on the view, not on the tensor the caller still holds."""
    return result.view_as(result) if result is source else result


def _mark(result, on: bool):
    """Tag every tensor in a result."""
    tensors, _ = tree_flatten(result)
    for tensor in tensors:
        if isinstance(tensor, torch.Tensor):
            setattr(tensor, FOLLOWED, on)
    return result


class Follow(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if getattr(func, "__self__", None) is torch.Tensor.device:  # x.device: where x is, as a GPU would say
            return ACCELERATOR if on_accelerator(args[0]) else func(*args, **kwargs)
        inputs = [t for t in tree_flatten((args, kwargs))[0] if isinstance(t, torch.Tensor)]
        if func is torch.Tensor.to:
            target = _target(args, kwargs)
            result = _own(func(*args, **kwargs), args[0])
            return _mark(result, on_accelerator(args[0]) if target is None else target == ACCELERATOR)
        if func in LEAVING:
            if func is torch.Tensor.numpy and on_accelerator(args[0]):
                raise DeviceMismatch("numpy() of a tensor on the accelerator: call .cpu() first")
            result = func(*args, **kwargs)
            if func is torch.Tensor.cpu:
                return _mark(_own(result, args[0]), False)
            return result
        placed = [on_accelerator(t) for t in inputs if t.dim() > 0]
        if func not in ALLOWED_TO_MIX and any(placed) and not all(placed):
            raise DeviceMismatch(f"{getattr(func, '__name__', func)} mixes tensors on the accelerator with tensors "
                                 "on the CPU (a GPU says: Expected all tensors to be on the same device)")
        result = func(*args, **kwargs)
        device = kwargs.get("device")
        on = any(placed) or (isinstance(device, (torch.device, str)) and torch.device(device) == ACCELERATOR)
        return _mark(result, True) if on else result


@contextmanager
def pretend_accelerator():
    """Inside, `get_device()` is the pretend accelerator and tensors are followed; everything restored after."""
    import lenet_helpers.learning as learning
    import lenet_helpers.learning.device as device

    original_to, original_get_device = torch.nn.Module.to, device.get_device
    faces = [module for module in (device, learning) if module.get_device is original_get_device]

    def module_to(module, *args, **kwargs):
        result = original_to(module, *args, **kwargs)
        target = _target((module, *args), kwargs)
        if target is not None:
            for tensor in (*module.parameters(), *module.buffers()):
                setattr(tensor, FOLLOWED, target == ACCELERATOR)
        return result

    torch.nn.Module.to = module_to
    for module in faces:  # the module and the face that hands it on: lessons import from either
        module.get_device = lambda preferred="auto": ACCELERATOR
    try:
        with Follow():
            yield ACCELERATOR
    finally:
        torch.nn.Module.to = original_to
        for module in faces:
            module.get_device = original_get_device


_INSTALLED = []  # holds the entered context: were it collected, its `finally` would undo the pretence


def install() -> None:
    """For a notebook's kernel: the pretend accelerator from now on (run before the lesson's imports)."""
    context = pretend_accelerator()
    context.__enter__()
    _INSTALLED.append(context)
