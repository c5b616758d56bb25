import pytest
import torch
from device_guard import DeviceMismatch, pretend_accelerator

from lenet_helpers.learning.device import get_device
from lenet_helpers.learning.model import LeNet5


def test_the_pretend_accelerator_refuses_what_a_gpu_refuses():
    with pretend_accelerator() as device:
        from lenet_helpers import learning

        assert learning.get_device() == device
        model = LeNet5().to(device)
        x = torch.randn(2, 1, 28, 28)
        with pytest.raises(DeviceMismatch):
            model(x)  # the input left on the CPU
        logits = model(x.to(device))
        with pytest.raises(DeviceMismatch):
            logits.numpy()
        assert logits.argmax(dim=1).cpu().numpy().shape == (2,)
        assert (logits.softmax(dim=1).sum() * torch.tensor(2.0)).item() == pytest.approx(4.0)  # 0-dim mixes
    assert get_device("cpu") == torch.device("cpu")  # all restored after
    assert LeNet5()(torch.randn(1, 1, 28, 28)).detach().numpy().shape == (1, 10)
