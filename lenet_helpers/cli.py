"""The `lenet` command: train, evaluate, predict, info, course."""

import argparse
import contextlib
import json
import math
import os
import platform
import sys
from dataclasses import fields
from pathlib import Path

import torch

from . import __version__
from .errors import LenetError
from .learning.device import DEVICES, size_threads
from .learning.training import TrainConfig
from .photos.pipeline import POLARITIES


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `lenet` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        size_threads()  # on a shared server: the CPUs this process may use, not the machine's
        status = args.handler(args)
        sys.stdout.flush()  # a full disk behind a redirect shows here, not at exit
        return status
    except LenetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except OSError as error:  # writing the results failed (`lenet predict ... > /dev/full`), or a file did
        if error.filename:
            print(f"error: {error.filename}: {error.strerror or error}.", file=sys.stderr)
            return 1
        with contextlib.suppress(OSError, ValueError):  # nothing more to write at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"error: the results could not be written ({error.strerror or error}); free some space or "
              "write them elsewhere.", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lenet", description="LeNet-5 on MNIST: the course's command line.")
    parser.add_argument("--version", action="version", version=f"lenet-helpers {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_help = "folder holding MNIST/raw (default $LENET_DATA_DIR, else data/ of the course folder)"
    weights_help = f"checkpoint file, or 'bundled' (default: {CHECKPOINT_HELP}, else the bundled weights)"

    train = commands.add_parser("train", help="train LeNet-5, save the best checkpoint, report test accuracy")
    add_config_options(train)
    train.add_argument("--device", default="auto", choices=DEVICES)
    train.add_argument("--data-dir", help=data_help)
    train.add_argument("--out", type=checkpoint_file, help=f"checkpoint file (default {CHECKPOINT_HELP})")
    train.add_argument("--json", action="store_true", help="print the result as one JSON object")
    train.add_argument("--quiet", action="store_true", help="no progress bars")
    train.add_argument("--force", action="store_true", help="replace an --out file that is not a checkpoint")
    train.set_defaults(handler=run_train)

    evaluate = commands.add_parser("evaluate", help="test accuracy and per-class accuracy of a checkpoint")
    evaluate.add_argument("--weights", help=weights_help)
    evaluate.add_argument("--data-dir", help=data_help)
    evaluate.add_argument("--device", default="auto", choices=DEVICES)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(handler=run_evaluate)

    predict = commands.add_parser("predict", help="read handwritten digits in image files or folders")
    predict.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders of them")
    predict.add_argument("--weights", help=weights_help)
    predict.add_argument("--number", action="store_true", help="each image is a row of digits: read the number")
    predict.add_argument("--polarity", default="auto", choices=POLARITIES,
                         help="ink darker or lighter than the paper (default: decide per image)")
    predict.add_argument("--device", default="cpu", choices=DEVICES)
    predict.add_argument("--json", action="store_true", help="print one JSON array, one object per image")
    predict.set_defaults(handler=run_predict)

    course = commands.add_parser("course", help="instructor tools: the lessons as graded assignments (nbgrader)")
    course_commands = course.add_subparsers(dest="course_command", required=True, metavar="COMMAND")
    notebooks_help = "folder of the instructor's lessons (default: notebooks/ of the course folder)"
    init = course_commands.add_parser("init", help="write an nbgrader course folder: its config and the lessons")
    init.add_argument("root", metavar="DIR", help="the nbgrader course folder to write")
    init.add_argument("--notebooks", help=notebooks_help)
    init.add_argument("--data-dir", help="where grading reads MNIST (default: as lenet train finds it)")
    init.add_argument("--force", action="store_true", help="replace the config and source/ already in DIR")
    init.set_defaults(handler=run_course_init)
    student = course_commands.add_parser("student", help="write student copies (nbgrader's release, no gradebook)")
    student.add_argument("out", metavar="OUT_DIR", help="folder for the student notebooks")
    student.add_argument("--notebooks", help=notebooks_help)
    student.add_argument("--force", action="store_true", help="replace copies already in OUT_DIR")
    student.set_defaults(handler=run_student)

    info = commands.add_parser("info", help="versions, device, where data and weights are")
    info.add_argument("--data-dir", help=data_help)
    info.set_defaults(handler=run_info)
    return parser


CHECKPOINT_HELP = "runs/lenet5.pt of the course folder"


def add_config_options(parser: argparse.ArgumentParser) -> None:
    """One option per TrainConfig field, its help and range from the field itself (left unset: the default)."""
    for spec in fields(TrainConfig):
        flag, about = f"--{spec.name.replace('_', '-')}", spec.metadata["help"]
        if spec.type in (bool, "bool"):
            parser.add_argument(flag, action="store_true", default=None, help=about)
            continue
        help_text = f"{about} (default {spec.default})"
        if spec.metadata["choices"]:
            parser.add_argument(flag, choices=spec.metadata["choices"], help=help_text)
            continue
        low, high, open_low, open_high = spec.metadata["range"]
        kind = whole(low, high) if spec.type in (int, "int") else number(low, high, open_low, open_high)
        parser.add_argument(flag, type=kind, help=help_text)


def whole(low: int, high: int):
    """An argparse type: a whole number from low to high; anything else is one sentence, exit 2."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range; give {low} to {high:,}")
        return value
    return parse


def number(low: float, high: float, low_open: bool = False, high_open: bool = False):
    """An argparse type: a finite number in the range, its ends included unless said open."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        inside = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
        if not math.isfinite(value) or not inside:
            ends = f"{'above' if low_open else 'from'} {low:g} {'and below' if high_open else 'to'} {high:g}"
            raise argparse.ArgumentTypeError(f"{text} is out of range; give a number {ends}")
        return value
    return parse


def checkpoint_file(text: str) -> Path:
    """An argparse type: a checkpoint path that names a file (checked for writing before training)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path names no file; give a file such as runs/mine.pt")
    return Path(text)


def run_train(args) -> int:
    from .learning.checkpoint import check_writable, describe, previous_path, read_checkpoint
    from .learning.data import find_data_dir
    from .learning.device import dtype_name, get_device, training_dtype
    from .learning.training import train_model
    from .paths import default_checkpoint

    given = {spec.name: getattr(args, spec.name) for spec in fields(TrainConfig)}
    config = TrainConfig(**{name: value for name, value in given.items() if value is not None})
    device = get_device(args.device)
    out = check_writable(args.out or default_checkpoint(), replace_any=args.force)  # before anything is loaded
    quiet = args.quiet or args.json
    if not quiet:
        dtype = dtype_name(training_dtype(config.precision, device))
        print(f"Training {config.architecture} on {device} ({dtype}) for "
              f"{config.epochs} epochs (seed {config.seed}, augment {config.augment}, strokes {config.strokes}); "
              f"checkpoint: {out}")
        if out.is_file():
            try:
                earlier = describe(read_checkpoint(out) | {"path": str(out)})
            except LenetError:
                earlier = f"a file at {out} that is not a checkpoint of this course"
            kept = previous_path(out)
            older = ", in place of the older one there" if kept.is_file() else ""
            print(f"It replaces {earlier} when the first epoch ends; that one is kept as {kept}{older}.")
    result = train_model(config, find_data_dir(args.data_dir), device, out, progress=not quiet)
    history = result.history
    if history.interrupted:
        return 130
    if args.json:
        print(json.dumps({"checkpoint": str(out), "saved": history.save_error is None, "previous": history.previous,
                          "best_epoch": history.best_epoch, "val_accuracy": history.best_val_acc,
                          "test_accuracy": result.test_acc, "seconds": sum(history.seconds)}))
    else:
        saved = f"saved to {out}" if history.save_error is None else "NOT saved (see below)"
        print(f"Best epoch {history.best_epoch}: validation accuracy {history.best_val_acc:.2%}; {saved}.")
        if history.previous:
            print(f"The model it replaced is kept as {history.previous}.")
        print(f"Test accuracy: {result.test_acc:.2%} ({sum(history.seconds):.1f} s of training)")
    if history.save_error:
        print(history.save_error, file=sys.stderr)
        return 1
    return 0


def weights_path(name: str | None) -> Path:
    """--weights: a file, 'bundled', or by default your trained model if there is one, else the bundled."""
    from .learning.checkpoint import bundled_weights_path, default_weights

    if name is None:
        return default_weights()
    return bundled_weights_path() if name == "bundled" else Path(name)


def run_evaluate(args) -> int:
    from .learning.checkpoint import describe, load_model
    from .learning.data import TensorBatches, ensure_mnist, find_data_dir, load_mnist, normalize
    from .learning.device import get_device
    from .learning.evaluation import predict, report

    device = get_device(args.device)
    model, info = load_model(weights_path(args.weights), device)
    root = ensure_mnist(find_data_dir(args.data_dir))
    images, labels = load_mnist(root, train=False)
    norm = info["normalization"]
    test = TensorBatches(normalize(images, norm["mean"], norm["std"]), labels, 1000)
    logits, labels = predict(model, test, device)
    result = report(logits, labels)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"Weights: {describe(info)}")
    print(f"Test accuracy: {result['accuracy']:.2%} on {result['n']:,} images")
    for digit, value in enumerate(result["per_class"]):
        print(f"  digit {digit}: {value:.2%}")
    return 0


def run_predict(args) -> int:
    from .learning.checkpoint import describe, load_model
    from .learning.device import get_device
    from .photos.decode import IMAGE_SUFFIXES, image_files
    from .photos.reading import read_digit, read_number

    model, info = load_model(weights_path(args.weights), get_device(args.device))
    if not args.json:
        print(f"Weights: {describe(info)}", file=sys.stderr)

    def read(file: Path) -> dict:
        if args.number:
            number, digits = read_number(model, file, info["normalization"], args.polarity)
            return {"path": str(file), "number": number, "digits": [_prediction_json(p) for p in digits]}
        return {"path": str(file), **_prediction_json(read_digit(model, file, info["normalization"], args.polarity))}

    failed = False
    show = _JsonArray() if args.json else _print_prediction
    try:
        for path in args.paths:
            if not path.strip():  # an empty name would mean this folder
                failed = True
                show({"path": path, "error": "An empty path names no image; give an image file or a folder."})
                continue
            files = image_files([path])
            if Path(path).is_dir() and not files:
                kinds = ", ".join(sorted(IMAGE_SUFFIXES))
                failed = True
                show({"path": path, "error": f"{path} holds no images ({kinds}); check the folder."})
            for file in files:
                result = _read_one(read, file)
                failed |= "error" in result
                show(result)
        if args.json:
            show.close()
    except BrokenPipeError:  # `lenet predict images | head -1`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
    return 1 if failed else 0


def _read_one(read, file: Path) -> dict:
    """One file's result; whatever goes wrong with it becomes its error, never the others'."""
    try:
        return read(file)
    except LenetError as error:
        return {"path": str(file), "error": str(error)}
    except Exception as error:  # an unforeseen kind of image must not cost the other results
        return {"path": str(file), "error": f"{file} could not be read ({type(error).__name__}: {error})."}


class _JsonArray:
    """Prints one valid JSON array, an element at a time, as the results come."""

    def __init__(self) -> None:
        self.first = True

    def __call__(self, item: dict) -> None:
        print(("[" if self.first else ",") + json.dumps(item), flush=True)
        self.first = False

    def close(self) -> None:
        print("[]" if self.first else "]", flush=True)


def _print_prediction(result: dict) -> None:
    """One line per image: the digit (or number) and how sure, or the error."""
    if "error" in result:
        print(f"{result['path']}: error: {result['error']}")
    elif "number" in result:
        confidences = ", ".join(f"{d['confidence']:.0%}" for d in result["digits"])
        doubts = "; ".join(f"digit {i + 1}: {d['warning']}" for i, d in enumerate(result["digits"]) if "warning" in d)
        print(f"{result['path']}: {result['number']} (confidence per digit: {confidences})"
              + (f"  (doubtful: {doubts})" if doubts else ""))
    else:
        doubt = f"  (doubtful: {result['warning']})" if "warning" in result else ""
        print(f"{result['path']}: {result['digit']} ({result['confidence']:.1%}){doubt}")


def _prediction_json(prediction) -> dict:
    result = {"digit": prediction.digit, "confidence": round(prediction.confidence, 6),
              "probabilities": prediction.probabilities, "warnings": list(prediction.warnings)}
    return result | ({"warning": prediction.warning} if prediction.warning else {})  # the doubts in one sentence


def lessons_folder(name: str | None) -> Path:
    """--notebooks: the folder given, else notebooks/ of the course folder, else ./notebooks."""
    from .paths import course_root

    if name is not None:
        return Path(name)
    root = course_root()
    return root / "notebooks" if root else Path("notebooks")


def run_student(args) -> int:
    from .instructor.course import write_student_copies

    written = write_student_copies(lessons_folder(args.notebooks), Path(args.out), force=args.force)
    print(f"Wrote {len(written)} student notebooks to {args.out} (nbgrader's release: solutions replaced by "
          "placeholders, hidden tests left out).")
    return 0


def run_course_init(args) -> int:
    from .instructor.course import init_course
    from .learning.data import find_data_dir, missing_files
    from .paths import course_root

    if not str(args.root).strip():
        raise LenetError("Name a folder for the course (an empty name would mean this folder).")
    notebooks, root = lessons_folder(args.notebooks), Path(args.root)
    data = find_data_dir(args.data_dir)
    has_data = not missing_files(data)
    written = init_course(root, notebooks, course_root(notebooks), data if has_data else None, force=args.force)
    print(f"Wrote the nbgrader course {root}: nbgrader_config.py and {len(written) - 1} lessons in source/.")
    print(f"Next: cd {root} && nbgrader generate_assignment 01_dataset (README, For instructors).")
    if not has_data:
        print(f"MNIST is not in {data}: set LENET_DATA_DIR in {root / 'nbgrader_config.py'} before grading.")
    return 0


def run_info(args) -> int:
    import cv2
    import torchvision

    from .learning.checkpoint import bundled_weights_path
    from .learning.data import find_data_dir, missing_files, raw_folder
    from .learning.device import cpu_limit, dtype_name, get_device, training_dtype
    from .paths import course_root, default_checkpoint

    root = find_data_dir(args.data_dir)
    missing = missing_files(root)
    weights = bundled_weights_path()
    print(f"lenet-helpers {__version__}, Python {platform.python_version()}, torch {torch.__version__}, "
          f"torchvision {torchvision.__version__}, OpenCV {cv2.__version__}")
    print(f"device: {get_device()} (cuda available: {torch.cuda.is_available()}, "
          f"mps available: {torch.backends.mps.is_available()})")
    cpus, reason = cpu_limit()
    print(f"CPU threads: {torch.get_num_threads()} (this process may use {cpus} of the machine's {os.cpu_count()} "
          f"CPUs, limited by {reason})")
    print(f"training precision (auto): {dtype_name(training_dtype('auto', get_device()))}")
    state = "all four files present" if not missing else f"missing {len(missing)} of 4 files"
    print(f"data: {raw_folder(root).resolve()} ({state})")
    root_folder = course_root()
    print(f"course folder: {root_folder or 'none here (outside a course the per-user folder is used)'}")
    trained = default_checkpoint()
    print(f"trained model: {trained} ({'present' if trained.is_file() else 'none yet: lenet train writes it'})")
    print(f"bundled weights: {weights} ({'present' if weights.is_file() else 'MISSING'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
