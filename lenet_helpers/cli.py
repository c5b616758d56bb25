"""The `lenet` command: train, evaluate, predict, info, course."""

import argparse
import json
import platform
import sys

import torch

from . import __version__
from .errors import LenetError


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `lenet` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except LenetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lenet", description="LeNet-5 on MNIST: the course's command line.")
    parser.add_argument("--version", action="version", version=f"lenet-helpers {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = commands.add_parser("train", help="train LeNet-5, save the best checkpoint, report test accuracy")
    train.add_argument("--epochs", type=int, help="passes over the training images (default 5)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--batch-size", type=int, help="images per step (default 256)")
    train.add_argument("--lr", type=float, help="peak learning rate (default 0.01)")
    train.add_argument("--schedule", choices=["onecycle", "constant"], help="learning-rate schedule")
    train.add_argument("--architecture", choices=["lenet5", "lenet5-classic"], help="network (default lenet5)")
    train.add_argument("--augment", action="store_true", help="random affine distortions of training batches")
    train.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
    train.add_argument("--data-dir", help="folder holding MNIST/raw (default $LENET_DATA_DIR or ./data)")
    train.add_argument("--out", default="runs/lenet5.pt", help="checkpoint file (default runs/lenet5.pt)")
    train.add_argument("--json", action="store_true", help="print the result as one JSON object")
    train.add_argument("--quiet", action="store_true", help="no progress bars")
    train.set_defaults(handler=run_train)

    evaluate = commands.add_parser("evaluate", help="test accuracy and per-class accuracy of a checkpoint")
    evaluate.add_argument("--weights", help="checkpoint file (default: the bundled weights)")
    evaluate.add_argument("--data-dir", help="folder holding MNIST/raw (default $LENET_DATA_DIR or ./data)")
    evaluate.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(handler=run_evaluate)

    info = commands.add_parser("info", help="versions, device, where data and weights are")
    info.add_argument("--data-dir", help="folder holding MNIST/raw (default $LENET_DATA_DIR or ./data)")
    info.set_defaults(handler=run_info)
    return parser


def run_train(args) -> int:
    from .data import find_data_dir, load_splits
    from .model import build_model
    from .training import TrainConfig, evaluate, fit, get_device, set_seed

    overrides = {k: getattr(args, k) for k in ("epochs", "batch_size", "lr", "schedule", "architecture")}
    config = TrainConfig(seed=args.seed, augment=args.augment,
                         **{k: v for k, v in overrides.items() if v is not None})
    device = get_device(args.device)
    set_seed(config.seed)
    splits = load_splits(find_data_dir(args.data_dir), config.batch_size, config.val_size, config.seed, device)
    model = build_model(config.architecture).to(device)
    transform = None
    if config.augment:
        from .augment import random_affine

        generator = torch.Generator(device=device).manual_seed(config.seed)
        transform = lambda x: random_affine(x, generator=generator)  # noqa: E731
    if not args.quiet and not args.json:
        print(f"Training {config.architecture} on {device} for {config.epochs} epochs "
              f"({splits.train.num_examples:,} training, {splits.val.num_examples:,} validation images).")
    history = fit(model, splits.train, splits.val, config, device, args.out, transform,
                  progress=not args.quiet and not args.json)
    if history.interrupted:
        return 130
    test_loss, test_acc = evaluate(model, splits.test, device)
    from .checkpoint import read_checkpoint, save_checkpoint

    metrics = read_checkpoint(args.out)["metrics"] | {"test_acc": test_acc, "test_loss": test_loss,
                                                      "seconds": sum(history.seconds)}
    save_checkpoint(args.out, model, config, metrics)
    if args.json:
        print(json.dumps({"checkpoint": args.out, "best_epoch": history.best_epoch,
                          "val_accuracy": history.best_val_acc, "test_accuracy": test_acc,
                          "seconds": sum(history.seconds)}))
    else:
        print(f"Best epoch {history.best_epoch}: validation accuracy {history.best_val_acc:.2%}; "
              f"saved to {args.out}.")
        print(f"Test accuracy: {test_acc:.2%} ({sum(history.seconds):.1f} s of training)")
    return 0


def run_evaluate(args) -> int:
    from .checkpoint import load_model
    from .data import TensorBatches, ensure_mnist, find_data_dir, load_mnist, normalize
    from .evaluation import predict, report
    from .training import get_device

    device = get_device(args.device)
    model, info = load_model(args.weights, device)
    root = ensure_mnist(find_data_dir(args.data_dir))
    images, labels = load_mnist(root, train=False)
    norm = info["normalization"]
    test = TensorBatches(normalize(images, norm["mean"], norm["std"]), labels, 1000)
    logits, labels = predict(model, test, device)
    result = report(logits, labels)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"Weights: {info['path']}")
    print(f"Test accuracy: {result['accuracy']:.2%} on {result['n']:,} images")
    for digit, value in enumerate(result["per_class"]):
        print(f"  digit {digit}: {value:.2%}")
    return 0


def run_info(args) -> int:
    import cv2
    import torchvision

    from .checkpoint import bundled_weights_path
    from .data import find_data_dir, missing_files, raw_folder
    from .training import get_device

    root = find_data_dir(args.data_dir)
    missing = missing_files(root)
    weights = bundled_weights_path()
    print(f"lenet-helpers {__version__}, Python {platform.python_version()}, torch {torch.__version__}, "
          f"torchvision {torchvision.__version__}, OpenCV {cv2.__version__}")
    print(f"device: {get_device()} (cuda available: {torch.cuda.is_available()}, "
          f"mps available: {torch.backends.mps.is_available()}, CPU threads: {torch.get_num_threads()})")
    state = "all four files present" if not missing else f"missing {len(missing)} of 4 files"
    print(f"data: {raw_folder(root).resolve()} ({state})")
    print(f"bundled weights: {weights} ({'present' if weights.is_file() else 'MISSING'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
