import os
import pickle
from unittest import mock

import pytest
import torch

from lenet_helpers.errors import CheckpointError
from lenet_helpers.learning.checkpoint import bundled_weights_path, load_model, read_checkpoint, save_checkpoint
from lenet_helpers.learning.model import LeNet5, build_model
from lenet_helpers.learning.training import TrainConfig


def same_weights(a, b) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values(), strict=True))


def test_round_trip_keeps_weights_and_metadata(tmp_path):
    model = LeNet5()
    path = save_checkpoint(tmp_path / "m.pt", model, TrainConfig(epochs=3), {"val_acc": 0.5})
    loaded, info = load_model(path)
    assert same_weights(model, loaded)
    assert not loaded.training
    assert info["architecture"] == "lenet5"
    assert info["config"]["epochs"] == 3 and info["metrics"] == {"val_acc": 0.5}
    assert info["normalization"] == {"mean": 0.1307, "std": 0.3081}
    assert info["library_version"] and info["trained_on"] == "cpu"


def test_checkpoint_saved_on_a_gpu_loads_on_a_cpu_only_machine(tmp_path):
    """Tensors tagged as CUDA storage (as a GPU run writes them) load through map_location."""
    model = build_model("lenet5-classic")
    path = tmp_path / "gpu.pt"
    with mock.patch("torch.serialization.location_tag", lambda storage: "cuda:0"):
        torch.save({"format": "lenet-helpers-checkpoint", "architecture": "lenet5-classic",
                    "state_dict": model.state_dict(), "normalization": {"mean": 0.1307, "std": 0.3081},
                    "config": {}, "metrics": {}, "trained_on": "cuda:0"}, path)
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA"):
            torch.load(path, weights_only=True)  # what the seed tutorial's load did
    loaded, info = load_model(path, "cpu")
    assert info["trained_on"] == "cuda:0"
    assert same_weights(model, loaded)


def test_bare_state_dict_is_accepted(tmp_path):
    model = LeNet5()
    torch.save(model.state_dict(), tmp_path / "bare.pt")
    assert same_weights(model, load_model(tmp_path / "bare.pt")[0])


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "damaged or not a PyTorch checkpoint"),
        (b"\x89PNG\r\n\x1a\n not a checkpoint", "damaged or not a PyTorch checkpoint"),
        (None, "damaged or not a PyTorch checkpoint"),  # truncated real checkpoint
    ],
)
def test_damaged_file_is_one_sentence(tmp_path, content, words):
    path = tmp_path / "bad.pt"
    if content is None:
        good = save_checkpoint(tmp_path / "good.pt", LeNet5()).read_bytes()
        content = good[: len(good) // 2]
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=words):
        load_model(path)


class RunsCode:
    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_file_that_carries_code_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    payload = RunsCode()
    payload.marker = marker
    torch.save({"state_dict": payload}, tmp_path / "zip.pt")
    with pytest.raises(CheckpointError, match="holds code .* nothing in it ran"):
        load_model(tmp_path / "zip.pt")
    (tmp_path / "pickle.pt").write_bytes(pickle.dumps(payload, protocol=4))
    with pytest.raises(CheckpointError, match="nothing in it ran"):
        load_model(tmp_path / "pickle.pt")
    assert not marker.exists()


def test_foreign_checkpoints_are_refused(tmp_path):
    torch.save({"weights": torch.ones(3), "epochs": 3}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a LeNet-5 checkpoint"):
        load_model(tmp_path / "other.pt")
    torch.save({"fc.weight": torch.ones(3, 3)}, tmp_path / "resnet.pt")
    with pytest.raises(CheckpointError, match="not a LeNet-5 checkpoint"):
        load_model(tmp_path / "resnet.pt")
    state = LeNet5().state_dict()
    state["classifier.5.weight"] = torch.zeros(5, 84)  # a 5-class head
    torch.save({"format": "lenet-helpers-checkpoint", "architecture": "lenet5", "state_dict": state,
                "normalization": {"mean": 0.1307, "std": 0.3081}}, tmp_path / "x.pt")
    with pytest.raises(CheckpointError, match="does not fit the lenet5 network"):
        load_model(tmp_path / "x.pt")


def test_missing_checkpoint_says_so(tmp_path):
    with pytest.raises(CheckpointError, match="There is no checkpoint file"):
        read_checkpoint(tmp_path / "nothing.pt")


def test_save_is_atomic_a_failed_write_leaves_the_old_file(tmp_path):
    path = save_checkpoint(tmp_path / "m.pt", LeNet5(), metrics={"val_acc": 0.1})
    before = path.read_bytes()

    def broken_save(obj, file):
        file.write(b"half a checkpoint")
        raise OSError("disk full")

    with mock.patch("torch.save", broken_save), pytest.raises(OSError):
        save_checkpoint(path, LeNet5(), metrics={"val_acc": 0.9})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]


def test_bundled_weights_are_small_and_load():
    path = bundled_weights_path()
    assert path.is_file() and path.stat().st_size < 400_000
    model, info = load_model()
    assert info["architecture"] == "lenet5"
    assert info["metrics"]["test_acc"] >= 0.992


def test_saving_clears_what_a_killed_save_left_behind(tmp_path):
    (tmp_path / ".lenet5.pt.x1y2.tmp").write_bytes(b"half a checkpoint")
    save_checkpoint(tmp_path / "lenet5.pt", LeNet5())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lenet5.pt"]
