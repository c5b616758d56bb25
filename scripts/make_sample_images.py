"""Draw the sample handwriting in images/: pen strokes with a hand's wobble, photographed.

Each digit is drawn as pen strokes (a skeleton per digit, randomly slanted, stretched and
wobbled so no two look alike), then put through one of a dozen real-world conditions:
a phone photo of paper with uneven light, blue ballpoint, thick marker, faint pencil,
chalk on a blackboard, a transparent canvas export, a 16-bit scan, a sticky note, a
12-megapixel photo with EXIF rotation, ruled notebook paper, a sheet on a dark desk, the
hard-edged shadow of a phone, ...
The label is the first character of the name.

    python scripts/make_sample_images.py images/
"""

import argparse
import io
import math
from pathlib import Path

import cv2
import numpy as np
from PIL import Image


def arc(cx, cy, rx, ry, start, end, n=40):
    """Points on an ellipse from angle start to end (degrees; y points down, so clockwise)."""
    t = np.radians(np.linspace(start, end, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def line(*points):
    return np.array(points, dtype=float)


def skeleton(digit: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Pen strokes of a digit in a unit box (x right, y down), with a little variety of style."""
    style = rng.integers(2)
    if digit == 0:
        return [arc(0.5, 0.5, 0.34, 0.47, -100, 265)]
    if digit == 1:
        strokes = [line((0.55, 0.02), (0.52, 0.98))]
        if style:
            strokes.append(line((0.3, 0.25), (0.55, 0.02)))
        return strokes
    if digit == 2:
        return [np.vstack([arc(0.5, 0.3, 0.32, 0.27, 200, 370), line((0.78, 0.45), (0.12, 0.97), (0.9, 0.96))])]
    if digit == 3:
        return [np.vstack([arc(0.47, 0.27, 0.3, 0.24, 200, 450), arc(0.47, 0.73, 0.34, 0.25, -90, 155)])]
    if digit == 4:
        if style:
            return [line((0.62, 0.02), (0.08, 0.68), (0.95, 0.68)), line((0.68, 0.3), (0.66, 0.99))]
        return [line((0.3, 0.02), (0.15, 0.6), (0.9, 0.6)), line((0.72, 0.15), (0.7, 0.99))]
    if digit == 5:
        return [np.vstack([line((0.85, 0.03), (0.25, 0.03), (0.2, 0.45)), arc(0.48, 0.68, 0.34, 0.3, -125, 150)])]
    if digit == 6:
        descender = line((0.78, 0.03), (0.5, 0.18), (0.3, 0.42), (0.19, 0.68))
        return [np.vstack([descender, arc(0.49, 0.7, 0.3, 0.28, 180, 540)])]
    if digit == 7:
        strokes = [line((0.08, 0.05), (0.9, 0.04), (0.38, 0.98))]
        if style:
            strokes.append(line((0.4, 0.5), (0.85, 0.5)))
        return strokes
    if digit == 8:
        return [np.vstack([arc(0.5, 0.26, 0.24, 0.23, 90, 450), arc(0.5, 0.72, 0.3, 0.26, -90, 270)])]
    return [np.vstack([arc(0.48, 0.3, 0.3, 0.27, 0, 360), line((0.78, 0.3), (0.72, 0.98))])]


def hand(strokes, rng, size, width):
    """Slant, stretch and wobble the strokes like a hand, render them anti-aliased (ink = 1)."""
    slant = rng.uniform(-0.3, 0.15)
    angle = math.radians(rng.uniform(-8, 8))
    aspect = rng.uniform(0.7, 1.0)
    canvas = np.zeros((size, size), np.float32)
    for stroke in strokes:
        pts = stroke.copy()
        n = len(pts)
        dense = np.stack([np.interp(np.linspace(0, n - 1, n * 6), np.arange(n), pts[:, k]) for k in range(2)], 1)
        wobble = np.cumsum(rng.normal(0, 0.004, dense.shape), axis=0)
        dense = dense + wobble - wobble.mean(axis=0)
        x, y = dense[:, 0] - 0.5, dense[:, 1] - 0.5
        x = x * aspect + slant * -y
        x, y = x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)
        px = np.stack([(x * 0.7 + 0.5) * size, (y * 0.7 + 0.5) * size], 1)
        cv2.polylines(canvas, [np.round(px * 16).astype(np.int32)], False, 1.0, int(width), cv2.LINE_AA, 4)
    return canvas


def digit_ink(digit, rng, size=400, width=None):
    width = width or rng.integers(14, 28)
    return hand(skeleton(digit, rng), rng, size, width)


def place(ink, shape, rng, scale=0.5, offset=(0.0, 0.0)):
    """Put a square ink image into a larger frame at a given relative size and offset."""
    h, w = shape
    side = int(min(h, w) * scale)
    small = cv2.resize(ink, (side, side), interpolation=cv2.INTER_AREA)
    frame = np.zeros((h, w), np.float32)
    cy = int(h / 2 + offset[1] * h - side / 2)
    cx = int(w / 2 + offset[0] * w - side / 2)
    frame[cy : cy + side, cx : cx + side] = small
    return frame


def paper(shape, rng, color=(238, 236, 228)):
    """Paper with a soft texture and light falling from one side."""
    h, w = shape
    texture = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 2) * 4
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    direction = rng.uniform(0, 2 * math.pi)
    light = 1 - 0.22 * ((xx / w - 0.5) * math.cos(direction) + (yy / h - 0.5) * math.sin(direction) + 0.5)
    base = np.array(color, np.float32)[None, None, :] * light[:, :, None]
    return base + texture[:, :, None]


def shadow(image, rng):
    """A soft shadow (a phone or a hand) across part of the sheet."""
    h, w = image.shape[:2]
    mask = np.zeros((h, w), np.float32)
    corner = rng.integers(4)
    pts = np.array([[0, 0], [w * 0.55, 0], [w * 0.25, h], [0, h]], np.int32)
    if corner % 2:
        pts[:, 0] = w - pts[:, 0]
    cv2.fillPoly(mask, [pts], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), min(h, w) / 15)
    return image * (1 - 0.45 * mask[:, :, None])


def hard_shadow(image, rng, light=0.5):
    """The hard-edged shadow of a phone held over the page under a ceiling lamp: most of the page."""
    h, w = image.shape[:2]
    mask = np.zeros((h, w), np.float32)
    top, bottom = rng.uniform(0.15, 0.3) * w, rng.uniform(0.1, 0.35) * w
    cv2.fillPoly(mask, [np.array([[top, 0], [w, 0], [w, h], [bottom, h]], np.int32)], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), min(h, w) / 100)
    return image * (1 - light * mask[:, :, None])


def ink_on(background, ink, color, strength=1.0):
    alpha = np.clip(ink * strength, 0, 1)[:, :, None]
    return background * (1 - alpha) + np.array(color, np.float32)[None, None, :] * alpha


def camera(image, rng, blur=1.0, noise=3.0, tilt=0.04):
    """Perspective of a hand-held phone, lens blur and sensor noise."""
    h, w = image.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = rng.uniform(-tilt, tilt, (4, 2)) * [w, h]
    matrix = cv2.getPerspectiveTransform(src, (src + jitter).astype(np.float32))
    image = cv2.warpPerspective(image, matrix, (w, h), borderMode=cv2.BORDER_REFLECT)
    image = cv2.GaussianBlur(image, (0, 0), blur)
    return np.clip(image + rng.normal(0, noise, image.shape), 0, 255)


def jpeg(image, quality=85, exif=None):
    buffer = io.BytesIO()
    Image.fromarray(image.astype(np.uint8)).save(buffer, "JPEG", quality=quality, exif=exif or b"")
    return buffer.getvalue()


def png(image):
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG")
    return buffer.getvalue()


# --- the conditions: each returns (file suffix, bytes) -------------------------------------


def paper_photo(d, rng):
    shape = (900, 1200)
    img = ink_on(paper(shape, rng), place(digit_ink(d, rng), shape, rng, 0.5), (40, 40, 45))
    return "paper-photo.jpg", jpeg(camera(img, rng))


def off_centre(d, rng):
    shape = (960, 720)
    offset = (rng.choice([-0.28, 0.28]), rng.choice([-0.3, 0.3]))
    img = ink_on(paper(shape, rng), place(digit_ink(d, rng), shape, rng, 0.3, offset), (30, 30, 35))
    return "off-centre-small.jpg", jpeg(camera(img, rng))


def blue_ink(d, rng):
    shape = (800, 800)
    img = ink_on(paper(shape, rng), place(digit_ink(d, rng, width=9), shape, rng, 0.55), (35, 55, 160))
    return "blue-ballpoint.jpg", jpeg(camera(img, rng, blur=0.8))


def red_pen(d, rng):
    shape = (700, 900)
    img = ink_on(paper(shape, rng), place(digit_ink(d, rng, width=12), shape, rng, 0.6), (190, 30, 35))
    return "red-pen.jpg", jpeg(camera(img, rng))


def marker(d, rng):
    shape = (800, 800)
    img = ink_on(paper(shape, rng, (250, 250, 250)), place(digit_ink(d, rng, width=60), shape, rng, 0.7), (15, 15, 15))
    return "thick-marker.jpg", jpeg(camera(img, rng, blur=1.5))


def pencil_on_paper(d, rng):
    """A faint, grainy pencil digit on paper, before the camera."""
    shape = (800, 1000)
    ink = place(digit_ink(d, rng, width=6), shape, rng, 0.5)
    grain = np.clip(rng.normal(0.75, 0.25, shape), 0, 1).astype(np.float32)
    return ink_on(paper(shape, rng), ink * grain, (90, 90, 95), strength=0.65)


def pencil(d, rng):
    return "thin-pencil.jpg", jpeg(camera(pencil_on_paper(d, rng), rng, blur=0.7, noise=4))


def chalk(d, rng):
    shape = (720, 960)
    board = paper(shape, rng, (38, 58, 48))
    ink = place(digit_ink(d, rng, width=30), shape, rng, 0.6)
    grain = (rng.random(shape) > 0.35).astype(np.float32)
    dust = cv2.GaussianBlur(place(digit_ink(d, rng, width=50), shape, rng, 0.62), (0, 0), 12) * 0.15
    img = ink_on(board, np.clip(ink * grain + dust, 0, 1), (225, 228, 220), strength=0.9)
    return "chalk-on-board.jpg", jpeg(camera(img, rng, blur=1.2, noise=5))


def shadowed(d, rng):
    shape = (900, 900)
    img = ink_on(paper(shape, rng), place(digit_ink(d, rng), shape, rng, 0.5), (45, 45, 50))
    return "shadow-on-paper.jpg", jpeg(camera(shadow(img, rng), rng))


def sticky_note(d, rng):
    shape = (700, 700)
    img = ink_on(paper(shape, rng, (250, 235, 120)), place(digit_ink(d, rng), shape, rng, 0.6), (20, 30, 90))
    return "sticky-note.jpg", jpeg(camera(img, rng))


def canvas_export(d, rng):
    ink = cv2.resize(digit_ink(d, rng, width=22), (280, 280), interpolation=cv2.INTER_AREA)
    rgba = np.zeros((280, 280, 4), np.uint8)  # black pixels everywhere, ink only in alpha
    rgba[:, :, 3] = (ink * 255).astype(np.uint8)
    return "transparent-canvas.png", png(rgba)


def white_canvas_export(d, rng):
    ink = cv2.resize(digit_ink(d, rng, width=22), (300, 300), interpolation=cv2.INTER_AREA)
    rgba = np.full((300, 300, 4), 255, np.uint8)  # white strokes on transparency
    rgba[:, :, 3] = (ink * 255).astype(np.uint8)
    return "white-on-transparent.png", png(rgba)


def tablet(d, rng):
    ink = cv2.resize(digit_ink(d, rng, width=26), (256, 256), interpolation=cv2.INTER_AREA)
    return "tablet-drawing.png", png((255 - ink * 255).astype(np.uint8))


def dark_mode(d, rng):
    ink = cv2.resize(digit_ink(d, rng, width=26), (256, 256), interpolation=cv2.INTER_AREA)
    return "dark-mode-drawing.png", png((ink * 235 + 10).astype(np.uint8))


def scan_16bit(d, rng):
    shape = (600, 500)
    img = ink_on(paper(shape, rng), place(digit_ink(d, rng), shape, rng, 0.6), (30, 30, 30))
    gray = cv2.cvtColor(np.clip(img, 0, 255).astype(np.float32), cv2.COLOR_RGB2GRAY)
    return "scan-16bit.png", png((gray / 255 * 65535).astype(np.uint16))


def phone_12mp(d, rng):
    """A 4000x3000 photo stored sideways with the EXIF tag that says 'rotate me'."""
    shape = (3000, 4000)
    small = ink_on(paper((750, 1000), rng), place(digit_ink(d, rng, width=16), (750, 1000), rng, 0.4, (0.1, 0)),
                   (25, 25, 60))
    img = cv2.resize(camera(small, rng), (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255)
    sideways = np.rot90(img, k=1).copy()  # stored rotated 90 degrees counter-clockwise
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    return "phone-12mp-exif-rotated.jpg", jpeg(sideways, 88, exif.tobytes())


def lined_paper(d, rng):
    """A page of a school notebook: printed blue lines, seen at a slight angle."""
    shape = (900, 1200)
    page = paper(shape, rng)
    for y in range(50, shape[0], 55):
        cv2.line(page, (0, y), (shape[1], y + 12), (140, 160, 210), 3)
    img = ink_on(page, place(digit_ink(d, rng), shape, rng, 0.45), (25, 30, 60))
    return "lined-paper.jpg", jpeg(camera(img, rng))


def sheet_on_desk(d, rng):
    """A small sheet on a dark wooden desk: the desk is most of the picture."""
    shape = (900, 1200)
    img = ink_on(paper(shape, rng), place(digit_ink(d, rng), shape, rng, 0.25), (30, 30, 35))
    desk = np.zeros_like(img)
    desk[:] = (75, 52, 36)
    sheet = np.zeros(shape, np.float32)
    corners = np.array([[300, 230], [900, 200], [930, 690], [270, 710]]) + rng.integers(-30, 30, (4, 2))
    cv2.fillPoly(sheet, [corners.astype(np.int32)], 1.0)
    img = img * sheet[:, :, None] + desk * (1 - sheet[:, :, None])
    return "sheet-on-desk.jpg", jpeg(camera(img, rng))


def phone_shadow(d, rng):
    shape = (800, 1000)
    img = ink_on(paper(shape, rng), place(digit_ink(d, rng), shape, rng, 0.5), (40, 40, 45))
    return "phone-shadow.jpg", jpeg(camera(hard_shadow(img, rng), rng))


def pencil_in_shadow(d, rng):
    img = hard_shadow(pencil_on_paper(d, rng), rng, 0.45)
    return "pencil-phone-shadow.jpg", jpeg(camera(img, rng, blur=0.7, noise=4))


CONDITIONS = [paper_photo, off_centre, blue_ink, red_pen, marker, pencil, chalk, shadowed,
              sticky_note, canvas_export, white_canvas_export, tablet, dark_mode, scan_16bit]


def number_image(digits: str, rng, condition: str):
    """A row of digits written on paper (or a whiteboard-style drawing)."""
    inks = [digit_ink(int(c), rng, size=300, width=18) for c in digits]
    for i in range(len(inks)):  # trim the empty sides so digits sit close, as people write
        cols = np.nonzero(inks[i].max(axis=0) > 0.1)[0]
        inks[i] = inks[i][:, max(0, cols[0] - 20) : cols[-1] + 20]
    row = np.hstack(inks)
    h, w = 700, max(900, int(row.shape[1] * 1.3))
    frame = np.zeros((h, w), np.float32)
    y0, x0 = (h - row.shape[0]) // 2, (w - row.shape[1]) // 2
    frame[y0 : y0 + row.shape[0], x0 : x0 + row.shape[1]] = row
    if condition == "paper":
        img = ink_on(paper((h, w), rng), frame, (30, 35, 80))
        return jpeg(camera(img, rng))
    return png((255 - frame * 255).astype(np.uint8))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="images")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    out = Path(args.out)
    (out / "numbers").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    count = 0
    for d in range(10):
        for k in range(3):
            condition = CONDITIONS[(d * 3 + k) % len(CONDITIONS)]
            suffix, data = condition(d, rng)
            (out / f"{d}_{suffix}").write_bytes(data)
            count += 1
    for d in (4, 7):
        suffix, data = phone_12mp(d, rng)
        (out / f"{d}_{suffix}").write_bytes(data)
        count += 1
    extra = np.random.default_rng(args.seed + 1)  # added later: the images above stay as they were
    for d, condition in ((3, lined_paper), (8, lined_paper), (0, sheet_on_desk), (5, sheet_on_desk)):
        suffix, data = condition(d, extra)
        (out / f"{d}_{suffix}").write_bytes(data)
        count += 1
    later = np.random.default_rng(args.seed + 2)  # added later still: hard-edged shadows
    for d, condition in ((2, phone_shadow), (6, pencil_in_shadow)):
        suffix, data = condition(d, later)
        (out / f"{d}_{suffix}").write_bytes(data)
        count += 1
    for digits, condition in (("2025", "paper"), ("1984", "paper"), ("307", "drawing")):
        ext = "jpg" if condition == "paper" else "png"
        (out / "numbers" / f"{digits}_{condition}.{ext}").write_bytes(number_image(digits, rng, condition))
    print(f"wrote {count} digit images and 3 numbers to {out}/")


if __name__ == "__main__":
    main()
