import pytest
import torch
from torch import nn

from lenet_helpers.errors import LenetError
from lenet_helpers.learning.model import ARCHITECTURES, LeNet5, build_model, count_parameters, layer_table


@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_both_networks_have_61706_parameters_and_return_10_logits(name):
    model = build_model(name)
    assert count_parameters(model) == 61_706
    out = model(torch.randn(4, 1, 28, 28))
    assert out.shape == (4, 10)


def test_outputs_are_logits_not_probabilities():
    model = LeNet5()
    out = model(torch.randn(8, 1, 28, 28) * 3)
    assert not torch.allclose(out.sum(dim=1), torch.ones(8))
    assert not any(isinstance(m, (nn.Softmax, nn.LogSoftmax)) for m in model.modules())


def test_no_reshape_module_input_is_already_n_1_28_28():
    model = LeNet5()
    seen = []
    hooks = [m.register_forward_hook(lambda m, args, out: seen.append((type(m), tuple(args[0].shape))))
             for m in model.modules() if not list(m.children())]
    model(torch.randn(2, 1, 28, 28))
    for hook in hooks:
        hook.remove()
    assert seen[0] == (nn.Conv2d, (2, 1, 28, 28)), "the first layer takes the loaders' (N, 1, 28, 28) as it is"
    flattening = [kind for kind, shape in seen if len(shape) == 4 and kind not in (nn.Conv2d, nn.ReLU, nn.MaxPool2d)]
    assert flattening == [nn.Flatten], "the only reshaping is the flatten between the convolutions and fc1"
    with pytest.raises(RuntimeError):
        model(torch.randn(2, 784))


def test_layer_table_lists_shapes_and_parameters():
    table = layer_table(LeNet5())
    shapes = {row.name: row.output_shape for row in table}
    assert shapes["features.0"] == (1, 6, 28, 28)  # padding=2 keeps 28x28
    assert shapes["features.2"] == (1, 6, 14, 14)
    assert shapes["features.3"] == (1, 16, 10, 10)
    assert shapes["features.5"] == (1, 16, 5, 5)
    assert shapes["classifier.0"] == (1, 400)
    assert table[-1].output_shape == (1, 10)
    assert sum(row.parameters for row in table) == 61_706
    text = str(table)
    assert "61,706" in text and "Conv2d" in text


def test_classic_network_sees_32x32_and_uses_average_pooling():
    table = layer_table(build_model("lenet5-classic"))
    assert table[0].output_shape == (1, 1, 32, 32)
    assert any(row.layer == "AvgPool2d" for row in table)


def test_unknown_architecture_is_one_sentence():
    with pytest.raises(LenetError, match="Unknown architecture 'resnet'"):
        build_model("resnet")
