from pathlib import Path

import pytest
import torch

from lenet_helpers.errors import LenetError, TrainingError
from lenet_helpers.learning.checkpoint import load_model
from lenet_helpers.learning.data import load_splits
from lenet_helpers.learning.device import get_device, set_seed, training_dtype
from lenet_helpers.learning.model import LeNet5
from lenet_helpers.learning.training import (
    TrainConfig,
    augmentation,
    evaluate,
    fit,
    learning_rates,
    make_optimizer,
    train_one_epoch,
)

CPU = torch.device("cpu")


def small_run(root, seed=0, epochs=2, precision="auto", **kwargs):
    config = TrainConfig(epochs=epochs, batch_size=32, val_size=50, seed=seed, precision=precision)
    set_seed(seed)
    splits = load_splits(root, config.batch_size, config.val_size, seed)
    model = LeNet5()
    history = fit(model, splits.train, splits.val, config, CPU, progress=False, **kwargs)
    return model, history, splits


def test_get_device_prefers_accelerators_and_refuses_missing_ones(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert get_device() == torch.device("cpu")
    with pytest.raises(LenetError, match="no cuda device"):
        get_device("cuda")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device() == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert get_device() == torch.device("cuda")
    with pytest.raises(LenetError, match="Unknown device"):
        get_device("tpu")


def test_loss_decreases_on_a_small_batch():
    set_seed(0)
    model = LeNet5()
    x, y = torch.randn(32, 1, 28, 28), torch.randint(0, 10, (32,))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = [train_one_epoch(model, [(x, y)], optimizer, CPU, progress=False)[0] for _ in range(30)]
    assert losses[-1] < 0.5 * losses[0]


def test_precision_auto_is_bfloat16_only_on_cpus_built_for_it(monkeypatch):
    assert training_dtype("float32", CPU) is None
    assert training_dtype("bfloat16", CPU) is torch.bfloat16
    for avx512_bf16, amx in [(False, False), (True, False), (False, True)]:
        monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda v=avx512_bf16: v)
        monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda v=amx: v)
        assert training_dtype("auto", CPU) is (torch.bfloat16 if avx512_bf16 or amx else None)
    assert training_dtype("auto", torch.device("cuda")) is None
    monkeypatch.delattr(torch.cpu, "_is_avx512_bf16_supported")  # a torch without the private check
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False)
    assert training_dtype("auto", CPU) is None
    with pytest.raises(LenetError, match="Unknown precision 'half'; choose auto, float32, bfloat16"):
        training_dtype("half", CPU)


def test_bfloat16_autocast_learns_and_keeps_float32_weights():
    set_seed(0)
    model = LeNet5()
    x, y = torch.randn(32, 1, 28, 28), torch.randint(0, 10, (32,))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = [train_one_epoch(model, [(x, y)], optimizer, CPU, progress=False, autocast=torch.bfloat16)[0]
              for _ in range(30)]
    assert losses[-1] < 0.5 * losses[0]
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert all(state["exp_avg"].dtype == torch.float32 for state in optimizer.state.values())


def test_fit_learns_records_history_and_keeps_the_best_epoch(tiny_mnist, tmp_path):
    path = tmp_path / "best.pt"
    model, history, splits = small_run(tiny_mnist, epochs=4, checkpoint_path=path)
    assert len(history.train_loss) == len(history.val_acc) == len(history.seconds) == 4
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.best_val_acc == max(history.val_acc) > 0.5
    assert history.best_epoch == history.val_acc.index(max(history.val_acc)) + 1
    saved, info = load_model(path)
    assert info["metrics"]["epoch"] == history.best_epoch
    assert evaluate(saved, splits.val, CPU)[1] == pytest.approx(history.best_val_acc)
    assert evaluate(model, splits.val, CPU)[1] == pytest.approx(history.best_val_acc)


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_same_seed_same_weights_on_cpu(tiny_mnist, precision):
    a, _, _ = small_run(tiny_mnist, seed=7, precision=precision)
    b, _, _ = small_run(tiny_mnist, seed=7, precision=precision)
    c, _, _ = small_run(tiny_mnist, seed=8, precision=precision)
    for (name, wa), wb in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(wa, wb), name
    assert not all(torch.equal(wa, wc) for wa, wc in zip(a.state_dict().values(), c.state_dict().values(),
                                                         strict=True))


def test_nan_loss_stops_with_a_sentence(tiny_mnist):
    with pytest.raises(TrainingError, match="loss became nan .* lower the learning rate"):
        small_run(tiny_mnist, transform=lambda x: x * float("nan"))


def test_interrupt_keeps_best_checkpoint_and_history(tiny_mnist, tmp_path, capsys):
    calls = {"n": 0}

    def interrupt_in_second_epoch(x):
        calls["n"] += 1
        if calls["n"] > 9:  # 250 images / 32 = 8 batches an epoch
            raise KeyboardInterrupt
        return x

    path = tmp_path / "best.pt"
    model, history, _ = small_run(tiny_mnist, epochs=3, checkpoint_path=path, transform=interrupt_in_second_epoch)
    assert history.interrupted
    assert len(history.val_acc) == 1 and history.best_epoch == 1
    assert path.exists()
    saved, _ = load_model(path)
    for a, b in zip(saved.state_dict().values(), model.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    out = capsys.readouterr().out
    assert "interrupted after 1 epoch(s)" in out and str(path) in out


def test_unknown_schedule_is_refused():
    with pytest.raises(LenetError, match="Unknown schedule"):
        make_optimizer(LeNet5(), TrainConfig(schedule="cosine"), 10)


def test_interrupt_while_saving_says_which_epoch_the_file_holds(tiny_mnist, tmp_path, monkeypatch, capsys):
    import lenet_helpers.learning.training as training

    saves = {"n": 0}
    real_save = training.save_checkpoint

    def stopped_on_second_save(*args, **kwargs):
        saves["n"] += 1
        if saves["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second epoch's checkpoint is being written
        return real_save(*args, **kwargs)

    monkeypatch.setattr(training, "save_checkpoint", stopped_on_second_save)
    path = tmp_path / "best.pt"
    _, history, _ = small_run(tiny_mnist, epochs=3, checkpoint_path=path)
    out = capsys.readouterr().out
    assert history.best_epoch == 2  # the second epoch was better, so its save was the one stopped
    assert history.saved_epoch == 1 and "was not updated (it holds epoch 1)" in out
    assert load_model(path)[1]["metrics"]["epoch"] == 1
    assert not list(tmp_path.glob(".best.pt.*.tmp"))  # no half-written file left behind


@pytest.mark.parametrize("augment, strokes", [(True, False), (False, True), (True, True)])
def test_augmentation_follows_the_config_and_repeats_with_the_seed(augment, strokes):
    x = torch.full((32, 1, 28, 28), -0.42)
    x[:, :, 6:22, 12:16] = 2.8
    config = TrainConfig(augment=augment, strokes=strokes, seed=4)
    first, second = augmentation(config, CPU)(x), augmentation(config, CPU)(x)
    assert torch.equal(first, second) and first.shape == x.shape and not torch.equal(first, x)
    assert augmentation(TrainConfig(), CPU) is None


def test_a_full_disk_mid_training_is_one_sentence_and_the_best_model_is_kept(tiny_mnist, tmp_path, monkeypatch,
                                                                             capsys):
    import errno

    import lenet_helpers.learning.training as training

    real_save = training.save_checkpoint

    def disk_full_after_first_save(path, *args, **kwargs):
        if Path(path).exists():
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(path, *args, **kwargs)

    monkeypatch.setattr(training, "save_checkpoint", disk_full_after_first_save)
    path = tmp_path / "best.pt"
    model, history, splits = small_run(tiny_mnist, epochs=4, checkpoint_path=path)
    out = capsys.readouterr().out
    assert len(history.val_acc) == 4 and not history.interrupted  # training went on
    assert load_model(path)[1]["metrics"]["epoch"] == 1  # the file holds what was saved before
    assert history.best_epoch > 1  # a later epoch was better, so a save was refused
    assert history.save_error and "No space left on device" in history.save_error
    assert out.count("Could not write") == 1 and "it holds epoch 1" in out
    assert evaluate(model, splits.val, CPU)[1] == pytest.approx(history.best_val_acc)  # in memory: the best


def test_a_new_run_keeps_the_model_it_replaces_and_only_that_one(tiny_mnist, tmp_path):
    path, previous = tmp_path / "best.pt", tmp_path / "best.previous.pt"
    _, history, _ = small_run(tiny_mnist, epochs=1, checkpoint_path=path)
    assert history.previous is None and not previous.exists()  # nothing was there to keep
    first = path.read_bytes()
    _, history, _ = small_run(tiny_mnist, seed=1, epochs=2, checkpoint_path=path)  # a second run, perhaps worse
    assert history.previous == str(previous) and previous.read_bytes() == first
    assert load_model(path)[1]["metrics"]["epoch"] == history.best_epoch  # the file is the new run's best
    second = path.read_bytes()
    small_run(tiny_mnist, seed=2, epochs=1, checkpoint_path=path)
    assert previous.read_bytes() == second  # one earlier model is kept: the one just replaced


def test_a_first_save_that_fails_leaves_the_earlier_model_where_it_was(tiny_mnist, tmp_path, monkeypatch):
    import errno

    import lenet_helpers.learning.checkpoint as checkpoint

    path = tmp_path / "best.pt"
    small_run(tiny_mnist, epochs=1, checkpoint_path=path)
    first = path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(checkpoint.torch, "save", disk_full)  # the new checkpoint cannot be written
    _, history, _ = small_run(tiny_mnist, seed=1, epochs=1, checkpoint_path=path)
    assert history.save_error and history.previous is None
    assert path.read_bytes() == first and not (tmp_path / "best.previous.pt").exists()  # nothing moved
    assert not list(tmp_path.glob(".best.pt.*.tmp"))  # nor left behind


def test_learning_rates_follow_the_schedule_fit_uses():
    config = TrainConfig(epochs=2, lr=0.01, warmup=0.25)
    rates = learning_rates(config, steps_per_epoch=50)
    peak = rates.index(max(rates))
    assert len(rates) == 100 and max(rates) == pytest.approx(0.01, rel=1e-3)
    assert 20 <= peak <= 30 and rates[0] < 0.001 and rates[-1] < 0.001  # up for a quarter, then down
    assert learning_rates(TrainConfig(epochs=1, schedule="constant", lr=0.003), 10) == pytest.approx([0.003] * 10)
