import torch

from lenet_helpers.learning.evaluation import (
    accuracy,
    confusion_matrix,
    most_confused,
    per_class_accuracy,
    predict,
    report,
)
from lenet_helpers.learning.model import LeNet5


def one_hot_logits(predicted):
    return torch.nn.functional.one_hot(torch.tensor(predicted), 10).float()


def test_accuracy_confusion_and_per_class():
    labels = torch.tensor([0, 0, 1, 1, 7, 7, 7])
    logits = one_hot_logits([0, 1, 1, 1, 7, 1, 1])
    assert accuracy(logits, labels) == 4 / 7
    matrix = confusion_matrix(logits, labels)
    assert matrix.shape == (10, 10) and matrix.sum() == 7
    assert matrix[7, 1] == 2 and matrix[0, 1] == 1 and matrix[1, 1] == 2
    per_class = per_class_accuracy(logits, labels)
    assert per_class[0] == 0.5 and per_class[1] == 1.0 and abs(per_class[7] - 1 / 3) < 1e-6
    assert per_class[5] == 0.0  # no examples: 0 / max(0, 1)
    assert most_confused(matrix, top=2) == [(7, 1, 2), (0, 1, 1)]


def test_report_is_the_cli_json_object():
    labels = torch.tensor([3, 3, 4])
    result = report(one_hot_logits([3, 4, 4]), labels)
    assert set(result) == {"accuracy", "per_class", "n"}
    assert result["n"] == 3 and len(result["per_class"]) == 10
    assert abs(result["accuracy"] - 2 / 3) < 1e-9


def test_predict_covers_the_whole_loader_in_order():
    model = LeNet5()
    batches = [(torch.randn(5, 1, 28, 28), torch.arange(5)), (torch.randn(3, 1, 28, 28), torch.arange(3))]
    logits, labels = predict(model, batches)
    assert logits.shape == (8, 10)
    assert labels.tolist() == [0, 1, 2, 3, 4, 0, 1, 2]
    assert torch.allclose(logits[:5], model(batches[0][0]), atol=1e-5)


def test_flat_probabilities_are_doubtful():
    import torch

    from lenet_helpers.photos.reading import unsure

    assert unsure(torch.tensor([0.05] * 8 + [0.35, 0.25])) == ["the model is not sure enough (8: 35%, 9: 25%)"]
    assert unsure(torch.tensor([0.0] * 8 + [0.03, 0.97])) == ["the model is not sure enough (9: 97%, 8: 3%)"]
    assert unsure(torch.tensor([0.0] * 9 + [1.0])) == []
