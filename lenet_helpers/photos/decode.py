"""Reading an image, whatever form it comes in, as an upright gray, RGB or RGBA array."""

import io
import os
import stat
import warnings
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import ImageError
from .tuning import Tuning

MIN_SIDE = 8  # smaller images cannot hold a readable digit
MAX_FILE_BYTES = 100 * 2**20  # larger files are not photos of a digit; refused before reading
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}

Source = str | os.PathLike | bytes | bytearray | memoryview | np.ndarray | Image.Image


def read_image(source: Source, name: str | None = None, size: int = Tuning.work_size) -> tuple[np.ndarray, str]:
    """Decode a path, bytes, a PIL image or an array into an RGB, RGBA or gray array; (array, name).

    Large files are decoded at no less than `size` on their longest side where the format allows
    it (JPEG at 1/2 to 1/8), so a 48 MP photo costs little; arrays come as they are.
    """
    if isinstance(source, np.ndarray):
        return from_array(source, name or "array"), name or "array"
    if isinstance(source, Image.Image):
        return from_pil(source, name or "image", size), name or "image"
    if isinstance(source, (bytes, bytearray, memoryview)):
        return decode(bytes(source), name or "uploaded image", size), name or "uploaded image"
    if not isinstance(source, (str, os.PathLike)):
        raise ImageError(f"Cannot read an image from a {type(source).__name__}; give a path, bytes or an array.")
    path = Path(source)
    return decode(read_file(path), str(path), size), name or str(path)


def read_file(path: Path) -> bytes:
    """The bytes of a regular file of reasonable size; folders, pipes and devices are refused unread."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImageError(f"{path} does not exist; check the path.") from None
    except OSError as error:
        raise ImageError(f"{path} cannot be read ({error.strerror}); check the path.") from None
    if stat.S_ISDIR(info.st_mode):
        raise ImageError(f"{path} is a folder, not an image.")
    if not stat.S_ISREG(info.st_mode):
        raise ImageError(f"{path} is not a regular file (a pipe or a device?); give an image file.")
    if info.st_size > MAX_FILE_BYTES:
        raise ImageError(f"{path} is {info.st_size / 2**20:.0f} MB, too large for a photo of a digit; resize it.")
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImageError(f"{path} cannot be read ({error.strerror}); check its permissions.") from None


def from_array(array: np.ndarray, name: str = "array") -> np.ndarray:
    """OpenCV-style arrays (gray, BGR, BGRA) of any real number type -> gray, RGB or RGBA."""
    if array.dtype == bool:
        array = array.astype(np.uint8) * 255
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise ImageError(f"{name} holds {array.dtype} values; an image array holds numbers.")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ImageError(f"{name} is not an image array: it must be (H, W), (H, W, 3) or (H, W, 4), not {array.shape}.")
    if min(array.shape[:2]) < MIN_SIDE:
        raise ImageError(f"{name} is only {array.shape[1]}x{array.shape[0]} pixels; "
                         f"a digit needs at least {MIN_SIDE}x{MIN_SIDE}.")
    array = to_float(array)
    if not np.isfinite(array).all():
        raise ImageError(f"{name} holds NaN or infinite values; an image holds finite numbers.")
    if array.ndim == 3:
        return cv2.cvtColor(array, cv2.COLOR_BGR2RGB if array.shape[2] == 3 else cv2.COLOR_BGRA2RGBA)
    return array


def decode(data: bytes, name: str, size: int = Tuning.work_size) -> np.ndarray:
    """Bytes of an image file -> array, upright (EXIF), downscaled while decoding when possible."""
    if not data:
        raise ImageError(f"{name} is empty (0 bytes); save or copy the image again.")
    try:
        with warnings.catch_warnings():  # PIL warns of a large image before deciding; the sentence below decides
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.draft(image.mode, (size, size))  # JPEG: decode at 1/2..1/8 size, fast and small
            image = ImageOps.exif_transpose(image)
            image.load()
    except UnidentifiedImageError:
        raise ImageError(f"{name} is not an image file (PNG, JPEG, ...); check what it holds.") from None
    except Image.DecompressionBombError:
        raise ImageError(f"{name} is too large to be a photo of a digit; resize it first.") from None
    except (OSError, SyntaxError, ValueError, TypeError, EOFError, IndexError, KeyError):
        raise ImageError(f"{name} is truncated or damaged; copy or export it again.") from None
    return from_pil(image, name, size)


def from_pil(image: Image.Image, name: str = "image", size: int = Tuning.work_size) -> np.ndarray:
    """A PIL image of any mode -> gray or RGB(A) array, large ones reduced first."""
    if min(image.size) < MIN_SIDE:
        width, height = image.size
        raise ImageError(f"{name} is only {width}x{height} pixels; a digit needs at least {MIN_SIDE}x{MIN_SIDE}.")
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(image, dtype=np.float32)
        if not np.isfinite(array).all():
            raise ImageError(f"{name} holds NaN or infinite values; an image holds finite numbers.")
        if array.min() < 0:  # not a brightness range: stretch what is there
            return rescale(to_float(array), size)
        top = 65535.0 if array.max() > 255 else 255.0
        return rescale(np.clip(array / top, 0, 1), size)  # floats: shrink at once
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "L" if image.mode in ("L", "1") else "RGB")
    if max(image.size) > 2 * size:  # shrink before converting to floats
        image = image.reduce(max(image.size) // size)
    return np.asarray(image)


def to_float(array: np.ndarray) -> np.ndarray:
    """Any integer or float image -> float32 in [0, 1]."""
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535.0
    array = array.astype(np.float32, copy=False)  # already float32 (most calls): no copy
    if array.size and np.isfinite(array).all():
        low, high = float(array.min()), float(array.max())
        if low < 0 or high > 255:  # not an image's range: stretch what is there
            return (array - low) / max(high - low, 1e-12)
        if high > 1.0:
            return array / 255.0
    return array


def rescale(array: np.ndarray, size: int = Tuning.work_size, smallest: int = Tuning.min_work_size) -> np.ndarray:
    """Bring the longest side between `smallest` and `size` (area averaging keeps thin strokes)."""
    longest = max(array.shape[:2])
    target = min(max(longest, smallest), size)
    if target == longest:
        return array
    width, height = round(array.shape[1] * target / longest), round(array.shape[0] * target / longest)
    method = cv2.INTER_AREA if target < longest else cv2.INTER_CUBIC
    return np.clip(cv2.resize(to_float(array), (max(1, width), max(1, height)), interpolation=method), 0, 1)


def to_gray(image: np.ndarray) -> np.ndarray:
    """Luminance in [0, 1]; transparent pixels take the colour that contrasts with the ink."""
    image = to_float(image)
    if image.ndim == 2:
        return image.astype(np.float32)
    gray = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)
    if image.shape[2] == 4:
        alpha = image[:, :, 3]
        if alpha.min() < 0.98:  # real transparency: a canvas export, ink on nothing
            opaque = alpha > 0.5
            ink_level = float(gray[opaque].mean()) if opaque.any() else 0.0
            background = 1.0 if ink_level < 0.5 else 0.0
            gray = alpha * gray + (1 - alpha) * background
    return gray.astype(np.float32)


def image_files(paths: list[str | os.PathLike]) -> list[Path]:
    """Expand folders into their image files (sorted); files are kept as given, in order."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()))
        else:
            files.append(path)
    return files
