"""A second, independent phone-photo renderer for MNIST test digits: benchmarks/second_opinion.py.

Written by a separate reviewer who read neither benchmarks/photos.py, nor the sample images and
their generator, nor how the preparation works: its conditions (a sticky note, printed words
beside the digit, a notebook's ruled lines, a screen with its bezel, the shadow of a hand, a desk
lamp, a whiteboard's glare, a sheet's edge over a table, and pairs of them) are its own. Keep it
that way: a change tuned on these photos makes them one more sample set.

Pipeline per photo: page reflectance (paper/board/screen) -> ink composited by a glyph alpha
-> page warped into the camera frame (tilt, rotation, sheet edge over a table) -> light field
(vignetting, lamp, hand shadow) -> auto exposure -> glare -> defocus, sensor noise, gamma -> JPEG.
"""
import cv2
import numpy as np
from skimage.morphology import skeletonize

W, H = 960, 720  # camera frame (a phone photo already downscaled)

CONDITIONS = [
    "plain", "tilt", "vignette", "yellow_note", "pink_paper", "recycled_grey", "distractors",
    "lined_notebook", "screen_light_on_dark", "screen_dark_on_light", "hand_shadow", "desk_lamp",
    "whiteboard_glare", "chalkboard", "felt_tip_bleed", "sheet_edge_table", "shadow+colour",
    "tilt+lamp", "sheet_edge+shadow",
]
LIGHT_BG = {c: True for c in CONDITIONS}
LIGHT_BG["screen_light_on_dark"] = False
LIGHT_BG["chalkboard"] = False

PAPERS = {
    "white": (0.92, 0.92, 0.90), "yellow": (0.98, 0.90, 0.42), "pink": (0.97, 0.74, 0.80),
    "grey": (0.70, 0.68, 0.63), "blue": (0.72, 0.85, 0.95), "green": (0.70, 0.92, 0.62),
}
INKS = {
    "ballpoint_blue": (0.15, 0.20, 0.55), "ballpoint_black": (0.12, 0.12, 0.15),
    "gel_black": (0.05, 0.05, 0.07), "pencil": (0.38, 0.38, 0.40),
}


def smooth(rng, h, w, scale):
    n_h, n_w = max(2, int(h / scale) + 2), max(2, int(w / scale) + 2)
    g = rng.standard_normal((n_h, n_w)).astype(np.float32)
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)


def skeleton_of(img28, scale):
    s = int(round(28 * scale))
    up = cv2.resize(img28.astype(np.float32) / 255, (s, s), interpolation=cv2.INTER_CUBIC)
    up = cv2.GaussianBlur(up, (0, 0), max(0.5, scale * 0.5))
    m = up > 0.4
    sk = skeletonize(m)
    return m, sk


def glyph(img28, height, width_px, rng, mode="pen"):
    """Alpha [0,1] of the digit at `height` px (MNIST's 20 px box), stroke `width_px` wide."""
    scale = height / 20.0
    m, sk = skeleton_of(img28, scale)
    # distance to the skeleton -> a uniform-width stroke with a 1-px anti-aliased edge
    d = cv2.distanceTransform((~sk).astype(np.uint8), cv2.DIST_L2, 5)
    # slight width variation along the stroke (pressure)
    hh, ww = d.shape
    wvar = width_px * (1 + 0.15 * smooth(rng, hh, ww, height / 4))
    if mode == "felt":
        # irregular ragged edge + wide faint bleed halo
        edge = wvar / 2 + 1.2 * smooth(rng, hh, ww, 3) + 0.8 * smooth(rng, hh, ww, 8)
        core = np.clip(edge - d + 0.5, 0, 1)
        halo = np.clip((wvar / 2 + width_px * 0.9) - d, 0, None) / (width_px * 0.9)
        halo = cv2.GaussianBlur(np.clip(halo, 0, 1), (0, 0), width_px * 0.35)
        fib = np.clip(0.5 + 0.5 * smooth(rng, hh, ww, 2), 0, 1)
        alpha = np.maximum(core, 0.45 * halo * fib)
        alpha = np.clip(alpha * (0.9 + 0.1 * smooth(rng, hh, ww, 20)), 0, 1)
    elif mode == "chalk":
        core = np.clip(wvar / 2 - d + 0.5, 0, 1)
        grain = np.clip(0.75 + 0.35 * smooth(rng, hh, ww, 1.5) + 0.15 * smooth(rng, hh, ww, 6), 0, 1)
        alpha = core * grain * rng.uniform(0.7, 0.95)
    elif mode == "marker":
        core = np.clip(wvar / 2 - d + 0.5, 0, 1)
        streak = np.clip(0.9 + 0.08 * smooth(rng, hh, ww, 4), 0, 1)
        alpha = core * streak
    else:
        core = np.clip(wvar / 2 - d + 0.5, 0, 1)
        press = np.clip(0.85 + 0.12 * smooth(rng, hh, ww, height / 5), 0.5, 1)
        alpha = core * press
    return alpha.astype(np.float32)


def paste(layer, alpha, cx, cy):
    """Return a full-size alpha with `alpha` centred at (cx, cy) (clipped to the layer)."""
    out = np.zeros(layer, np.float32)
    h, w = alpha.shape
    x0, y0 = int(round(cx - w / 2)), int(round(cy - h / 2))
    xa, ya, xb, yb = max(0, x0), max(0, y0), min(layer[1], x0 + w), min(layer[0], y0 + h)
    out[ya:yb, xa:xb] = alpha[ya - y0:yb - y0, xa - x0:xb - x0]
    return out


def paper(rng, ph, pw, rgb, fleck=False):
    base = np.array(rgb, np.float32)[None, None, :]
    tex = 1 + 0.025 * smooth(rng, ph, pw, 150) + 0.012 * rng.standard_normal((ph, pw)).astype(np.float32)
    P = base * tex[..., None]
    if fleck:  # recycled paper: dark and coloured fibre flecks
        n = rng.integers(250, 700)
        for _ in range(n):
            x, y = int(rng.integers(0, pw)), int(rng.integers(0, ph))
            c = tuple(float(v) for v in rng.uniform(0.25, 0.6, 3))
            r = int(rng.integers(1, 3))
            if rng.random() < 0.3:
                ang = rng.uniform(0, np.pi)
                L = rng.uniform(3, 10)
                cv2.line(P, (x, y), (int(x + L * np.cos(ang)), int(y + L * np.sin(ang))), c, 1, cv2.LINE_AA)
            else:
                cv2.circle(P, (x, y), r, c, -1, cv2.LINE_AA)
    return P


def ink_on(P, alpha, ink_rgb, opacity=1.0):
    ink = np.array(ink_rgb, np.float32)[None, None, :]
    a = (alpha * opacity)[..., None]
    return P * (1 - a * (1 - ink))


def page_quad(rng, kind, ph, pw):
    """Destination corners (TL, TR, BR, BL) of the page in the camera frame."""
    cx, cy = W / 2 + rng.uniform(-20, 20), H / 2 + rng.uniform(-20, 20)
    if kind == "tilt":
        t = rng.uniform(0.22, 0.42)
        a, b = 0.62 * W * 1.35, 0.62 * H * 1.35
    else:
        t = rng.uniform(0.0, 0.05)
        a, b = 0.62 * W, 0.62 * H
    side = rng.integers(0, 4)
    if side == 0:  # top farther away
        q = [(-a * (1 - t), -b), (a * (1 - t), -b), (a, b), (-a, b)]
    elif side == 1:  # bottom farther away
        q = [(-a, -b), (a, -b), (a * (1 - t), b), (-a * (1 - t), b)]
    elif side == 2:  # left farther
        q = [(-a, -b * (1 - t)), (a, -b), (a, b), (-a, b * (1 - t))]
    else:
        q = [(-a, -b), (a, -b * (1 - t)), (a, b * (1 - t)), (-a, b)]
    ang = np.deg2rad(rng.uniform(-8, 8) if kind == "tilt" else rng.uniform(-5, 5))
    ca, sa = np.cos(ang), np.sin(ang)
    q = np.array([(cx + ca * x - sa * y, cy + sa * x + ca * y) for x, y in q], np.float32)
    if kind == "edge":  # pull one or two sides inside the frame so the table shows
        sides = rng.choice(4, size=rng.integers(1, 3), replace=False)
        for s in sides:
            inset = rng.uniform(0.07, 0.2)
            if s == 0:
                q[[0, 1], 1] = rng.uniform(0.5, 1.5) * inset * H + rng.uniform(-15, 15, 2)
            elif s == 1:
                q[[2, 3], 1] = H - inset * H + rng.uniform(-15, 15, 2)
            elif s == 2:
                q[[0, 3], 0] = inset * W + rng.uniform(-15, 15, 2)
            else:
                q[[1, 2], 0] = W - inset * W + rng.uniform(-15, 15, 2)
    return q


def table(rng):
    kind = rng.integers(0, 3)
    if kind == 0:  # dark wood
        base = np.array([0.22, 0.13, 0.07], np.float32)
        grain = 1 + 0.25 * cv2.resize(rng.standard_normal((H // 40 + 2, 6)).astype(np.float32), (W, H),
                                      interpolation=cv2.INTER_CUBIC)
        T = base[None, None] * grain[..., None]
    elif kind == 1:  # black desk
        T = np.full((H, W, 3), 0.06, np.float32) * (1 + 0.2 * smooth(rng, H, W, 200))[..., None]
    else:  # dark grey laminate
        T = np.full((H, W, 3), (0.18, 0.18, 0.2), np.float32) * (1 + 0.1 * smooth(rng, H, W, 100))[..., None]
    return np.clip(T + 0.01 * rng.standard_normal((H, W, 1)).astype(np.float32), 0, 1)


def warp_page(rng, P, q, kind):
    ph, pw = P.shape[:2]
    src = np.array([(0, 0), (pw, 0), (pw, ph), (0, ph)], np.float32)
    M = cv2.getPerspectiveTransform(src, q)
    cam = cv2.warpPerspective(P, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                              borderValue=(-1, -1, -1))
    cover = cam[..., 0] >= 0
    if not cover.all():
        T = table(rng)
        # a soft contact shadow of the sheet on the table
        sh = cv2.GaussianBlur(cover.astype(np.float32), (0, 0), 6)
        T = T * (1 - 0.5 * sh[..., None])
        edge_aa = cv2.GaussianBlur(cover.astype(np.float32), (0, 0), 0.7)[..., None]
        cam = np.where(cover[..., None], cam, 0)
        cam = cam * edge_aa + T * (1 - edge_aa)
    return cam, M


def project(M, x, y):
    v = M @ np.array([x, y, 1.0])
    return v[0] / v[2], v[1] / v[2]


def light_vignette(k):
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    r2 = ((xx - W / 2) ** 2 + (yy - H / 2) ** 2) / ((W / 2) ** 2 + (H / 2) ** 2)
    return 1 - k * r2


def light_lamp(rng):
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    lx, ly = rng.uniform(-0.2, 1.2) * W, rng.uniform(-0.3, 0.6) * H
    sigma = rng.uniform(0.28, 0.5) * np.hypot(W, H)
    floor = rng.uniform(0.12, 0.28)
    L = floor + (1 - floor) * np.exp(-((xx - lx) ** 2 + (yy - ly) ** 2) / (2 * sigma ** 2))
    tint = np.array([1.0, rng.uniform(0.82, 0.92), rng.uniform(0.6, 0.78)], np.float32)
    return L[..., None] * tint[None, None]


def hand_shadow(rng, bbox):
    """Soft blob (palm + 2-4 fingers) covering part of the digit's box; returns shadow weight."""
    x0, y0, x1, y1 = bbox
    m = np.zeros((H, W), np.float32)
    side = rng.integers(0, 4)
    cxd, cyd = (x0 + x1) / 2, (y0 + y1) / 2
    bw, bh = x1 - x0, y1 - y0
    frac = rng.uniform(0.25, 0.65)  # how far across the digit the shadow reaches
    if side == 0:  # from the left
        px, py, ang = x0 + frac * bw - 0.55 * W * 0.5, cyd + rng.uniform(-0.3, 0.3) * bh, 0
    elif side == 1:
        px, py, ang = x1 - frac * bw + 0.55 * W * 0.5, cyd + rng.uniform(-0.3, 0.3) * bh, 180
    elif side == 2:
        px, py, ang = cxd + rng.uniform(-0.3, 0.3) * bw, y1 - frac * bh + 0.4 * H * 0.5 + 0.1 * H, 270
    else:
        px, py, ang = cxd + rng.uniform(-0.3, 0.3) * bw, y0 + frac * bh - 0.4 * H * 0.5 - 0.1 * H, 90
    ang += rng.uniform(-25, 25)
    palm = (int(0.28 * W), int(0.2 * H))
    cv2.ellipse(m, (int(px), int(py)), palm, ang, 0, 360, 1.0, -1)
    a = np.deg2rad(ang)
    for k in range(rng.integers(2, 5)):
        off = (k - 1.5) * 0.07 * H
        fx = px + np.cos(a) * 0.3 * W - np.sin(a) * off
        fy = py + np.sin(a) * 0.3 * W + np.cos(a) * off
        cv2.ellipse(m, (int(fx), int(fy)), (int(0.1 * W * rng.uniform(0.7, 1.2)), int(0.022 * H)),
                    ang + rng.uniform(-10, 10), 0, 360, 1.0, -1)
    soft = rng.uniform(8, 35)
    return cv2.GaussianBlur(m, (0, 0), soft)


def moire(rng, scale_up=1):
    """Screen pixel grid seen by the camera: a fine RGB stripe grid sampled without filtering."""
    Hs, Ws = H * scale_up, W * scale_up
    yy, xx = np.mgrid[0:Hs, 0:Ws].astype(np.float32)
    ang = np.deg2rad(rng.uniform(-6, 6))
    period = rng.uniform(1.15, 1.85)
    u = (np.cos(ang) * xx + np.sin(ang) * yy) / period
    v = (-np.sin(ang) * xx + np.cos(ang) * yy) / period
    stripes = np.stack([0.5 + 0.5 * np.cos(2 * np.pi * (u - k / 3)) for k in range(3)], -1)
    rows = (0.75 + 0.25 * np.cos(2 * np.pi * v))[..., None]
    pat = stripes * rows
    pat = cv2.resize(pat, (W, H), interpolation=cv2.INTER_NEAREST)  # aliasing -> moire
    pat = pat / pat.mean(axis=(0, 1), keepdims=True)
    amp = rng.uniform(0.12, 0.3)
    return 1 + amp * (pat - 1)


def place_digit(rng, ph, pw, height):
    cx = pw / 2 + rng.uniform(-0.1, 0.1) * pw * 0.6
    cy = ph / 2 + rng.uniform(-0.1, 0.1) * ph * 0.6
    return cx, cy


def free_row(rng, ph, top, bot, above, below):
    """A row of the page above the digit (from above[0] of the page to above[1] over `top`) or below it
    (from below[0] under `bot` to below[1] of the page), None when neither has room."""
    if rng.random() < 0.5 and top > 0.12 * ph:
        return int(rng.uniform(above[0] * ph, top - above[1] * ph))
    if bot < 0.9 * ph:
        return int(rng.uniform(bot + below[0] * ph, below[1] * ph))
    return None


def distractors(rng, P, cx, cy, height):
    ph, pw = P.shape[:2]
    words = ["Name:", "Date", "Maths homework", "Exercise 3", "page 2", "Total", "Score", "Class 4B",
             "Signature", "Question 5", "see overleaf", "Lesson notes"]
    fonts = [cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_COMPLEX]
    col = 255
    Pf = P
    P = np.zeros(Pf.shape[:2], np.uint8)
    top = cy - 0.8 * height
    bot = cy + 0.8 * height
    placed = 0
    for _ in range(rng.integers(3, 7)):
        txt = words[rng.integers(len(words))]
        fs = rng.uniform(0.7, 1.2) * pw / 960
        thick = max(1, int(round(fs * 2)))
        y = free_row(rng, ph, top, bot, (0.07, 0.02), (0.04, 0.95))
        if y is None:
            continue
        x = int(rng.uniform(0.05, 0.65) * pw)
        cv2.putText(P, txt, (x, y), fonts[rng.integers(len(fonts))], fs, col, thick, cv2.LINE_AA)
        placed += 1
    # a form line or two, far from the digit
    for _ in range(rng.integers(1, 3)):
        y = free_row(rng, ph, top, bot, (0.05, 0.03), (0.03, 0.96))
        if y is None:
            continue
        x0 = int(rng.uniform(0.05, 0.4) * pw)
        cv2.line(P, (x0, y), (x0 + int(rng.uniform(0.2, 0.5) * pw), y), col, 2, cv2.LINE_AA)
    # a printed box in a far corner sometimes
    if rng.random() < 0.5:
        x = int(rng.choice([0.04, 0.82]) * pw)
        y = int(rng.choice([0.05, 0.85]) * ph)
        cv2.rectangle(P, (x, y), (x + int(0.12 * pw), y + int(0.08 * ph)), col, 2, cv2.LINE_AA)
    Pf[:] = ink_on(Pf, P.astype(np.float32) / 255, (0.1, 0.1, 0.12))


def lined(rng, P):
    ph, pw = P.shape[:2]
    gap = rng.uniform(0.05, 0.075) * ph
    off = rng.uniform(0, gap)
    y = off
    while y < ph:
        cv2.line(P, (0, int(y)), (pw, int(y)), (0.55, 0.7, 0.9), 2, cv2.LINE_AA)
        y += gap
    x = int(rng.uniform(0.06, 0.12) * pw)
    cv2.line(P, (x, 0), (x, ph), (0.9, 0.45, 0.45), 2, cv2.LINE_AA)


def finish(rng, img, glare=None):
    """Auto exposure, glare, defocus, noise, gamma; img is linear light RGB float."""
    lum = img.mean(-1)[::4, ::4]
    img = img * (0.9 / max(np.percentile(lum, 99.6), 0.05))
    if glare is not None:
        img = img + glare[..., None]
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 1.4))
    img = np.clip(img, 0, None)
    shot = rng.uniform(0.008, 0.02)
    img = img + shot * np.sqrt(img + 0.02) * rng.standard_normal(img.shape).astype(np.float32)
    img = np.clip(img, 0, 1) ** (1 / 2.2)
    q = int(rng.integers(70, 91))
    bgr = (img[..., ::-1] * 255 + 0.5).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, q])
    return buf.tobytes()


def render(cond, img28, rng):
    tilt = "tilt" in cond
    edge = "edge" in cond
    kind = "tilt" if tilt else ("edge" if edge else "flat")
    height = rng.uniform(0.28, 0.5) * H
    glare = None

    if cond.startswith("screen"):
        ph, pw = H, W
        light = cond == "screen_dark_on_light"
        bgv = rng.uniform(0.8, 0.95) if light else rng.uniform(0.02, 0.08)
        fgv = rng.uniform(0.02, 0.1) if light else rng.uniform(0.8, 0.97)
        tint = np.array([1, 1, 1], np.float32) + rng.uniform(-0.05, 0.05, 3).astype(np.float32)
        cx, cy = place_digit(rng, ph, pw, height)
        a = paste((ph, pw), glyph(img28, height, rng.uniform(0.05, 0.11) * height, rng, "marker"), cx, cy)
        S = (bgv * (1 - a) + fgv * a)[..., None] * tint[None, None]
        S = S * moire(rng)
        # ambient reflection on the glass: a broad diagonal band plus a dim room reflection
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        ang = rng.uniform(0, np.pi)
        band = np.exp(-(((np.cos(ang) * (xx - rng.uniform(0, W)) + np.sin(ang) * (yy - rng.uniform(0, H))) /
                         (rng.uniform(0.08, 0.25) * W)) ** 2))
        S = S + rng.uniform(0.03, 0.12) * band[..., None] + 0.03 * (1 + smooth(rng, H, W, 250))[..., None] * 0.5
        # bezel along one side sometimes
        q = page_quad(rng, "flat", ph, pw)
        M = cv2.getPerspectiveTransform(np.array([(0, 0), (pw, 0), (pw, ph), (0, ph)], np.float32), q)
        cam = cv2.warpPerspective(S, M, (W, H), borderMode=cv2.BORDER_REFLECT)
        if rng.random() < 0.5:
            s = rng.integers(0, 4)
            w = int(rng.uniform(0.04, 0.1) * min(W, H))
            bez = 0.03
            if s == 0:
                cam[:w] = bez
            elif s == 1:
                cam[-w:] = bez
            elif s == 2:
                cam[:, :w] = bez
            else:
                cam[:, -w:] = bez
        img = cam * light_vignette(rng.uniform(0.05, 0.2))[..., None]
        x0, y0 = project(M, cx - height * 0.5, cy - height * 0.5)
        return finish(rng, img)

    if "whiteboard" in cond:
        ph, pw = int(1.24 * H * (1.35 if tilt else 1)), int(1.24 * W * (1.35 if tilt else 1))
        P = paper(rng, ph, pw, (0.9, 0.92, 0.93))
        # ghost marks of earlier erased writing
        for _ in range(rng.integers(2, 6)):
            g = np.zeros((ph, pw), np.float32)
            x, y = int(rng.uniform(0, pw)), int(rng.uniform(0, ph))
            cv2.ellipse(g, (x, y), (int(rng.uniform(40, 200)), int(rng.uniform(15, 60))), rng.uniform(0, 180), 0, 360,
                        1.0, -1)
            g = cv2.GaussianBlur(g, (0, 0), 20) * rng.uniform(0.04, 0.1)
            P = P * (1 - g[..., None])
        cx, cy = place_digit(rng, ph, pw, height)
        ink = [(0.05, 0.05, 0.08), (0.1, 0.2, 0.6), (0.7, 0.1, 0.1), (0.1, 0.45, 0.2)][rng.integers(4)]
        a = paste((ph, pw), glyph(img28, height, rng.uniform(0.07, 0.12) * height, rng, "marker"), cx, cy)
        P = ink_on(P, a, ink)
        q = page_quad(rng, kind, ph, pw)
        cam, M = warp_page(rng, P, q, kind)
        dx, dy = project(M, cx, cy)
        # glare: a specular spot near (sometimes over) the digit
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        gx, gy = dx + rng.uniform(-0.6, 0.6) * height, dy + rng.uniform(-0.6, 0.6) * height
        sx, sy = rng.uniform(0.06, 0.16) * W, rng.uniform(0.04, 0.12) * H
        glare = rng.uniform(0.5, 1.2) * np.exp(-(((xx - gx) / sx) ** 2 + ((yy - gy) / sy) ** 2))
        glare = glare + 0.15 * np.exp(-(((xx - gx) / (3 * sx)) ** 2 + ((yy - gy) / (3 * sy)) ** 2))
        img = cam * light_vignette(rng.uniform(0.1, 0.3))[..., None]
        return finish(rng, img, glare.astype(np.float32))

    if "chalkboard" in cond:
        ph, pw = int(1.24 * H), int(1.24 * W)
        base = [(0.05, 0.09, 0.07), (0.05, 0.05, 0.055)][rng.integers(2)]
        P = paper(rng, ph, pw, base)
        # chalk dust smudges: broad erased clouds and wipe strokes
        dust = np.zeros((ph, pw), np.float32)
        for _ in range(rng.integers(3, 8)):
            x, y = int(rng.uniform(0, pw)), int(rng.uniform(0, ph))
            cv2.ellipse(dust, (x, y), (int(rng.uniform(60, 300)), int(rng.uniform(20, 90))), rng.uniform(0, 180), 0,
                        360, rng.uniform(0.3, 1.0), -1)
        dust = cv2.GaussianBlur(dust, (0, 0), 25) * (0.8 + 0.4 * np.clip(smooth(rng, ph, pw, 8), -1, 1))
        dust = np.clip(dust * rng.uniform(0.08, 0.22), 0, 0.35)
        chalk = np.array([0.85, 0.85, 0.82], np.float32)
        P = P * (1 - dust[..., None]) + chalk * dust[..., None]
        cx, cy = place_digit(rng, ph, pw, height)
        a = paste((ph, pw), glyph(img28, height, rng.uniform(0.06, 0.1) * height, rng, "chalk"), cx, cy)
        P = P * (1 - a[..., None]) + chalk * a[..., None]
        q = page_quad(rng, "flat", ph, pw)
        cam, M = warp_page(rng, P, q, "flat")
        img = cam * light_vignette(rng.uniform(0.1, 0.35))[..., None]
        return finish(rng, img)

    # ---- paper conditions ----
    scale_pg = 1.35 if tilt else 1.0
    ph, pw = int(1.24 * H * scale_pg), int(1.24 * W * scale_pg)
    colour = "white"
    if cond == "yellow_note":
        colour = "yellow"
    elif cond == "pink_paper":
        colour = "pink"
    elif cond == "recycled_grey":
        colour = "grey"
    elif cond == "shadow+colour":
        colour = ["yellow", "pink", "grey", "blue", "green"][rng.integers(5)]
    P = paper(rng, ph, pw, PAPERS[colour], fleck=(colour == "grey"))
    if cond == "lined_notebook":
        lined(rng, P)
    cx, cy = place_digit(rng, ph, pw, height)
    if tilt:
        height = height * 1.2  # page is seen from farther and foreshortened
    if cond == "distractors":
        distractors(rng, P, cx, cy, height)
    if cond == "felt_tip_bleed":
        a = glyph(img28, height, rng.uniform(0.045, 0.08) * height, rng, "felt")
        ink = [(0.05, 0.05, 0.1), (0.1, 0.15, 0.55), (0.15, 0.1, 0.1)][rng.integers(3)]
    else:
        inkname = list(INKS)[rng.integers(len(INKS))]
        ink = INKS[inkname]
        w = rng.uniform(0.012, 0.03) * height if inkname != "gel_black" else rng.uniform(0.02, 0.04) * height
        a = glyph(img28, height, max(2.2, w), rng, "pen")
    a = paste((ph, pw), a, cx, cy)
    P = ink_on(P, a, ink)
    q = page_quad(rng, kind, ph, pw)
    cam, M = warp_page(rng, P, q, kind)
    dx, dy = project(M, cx, cy)
    hs = height * 0.5
    corners = [project(M, cx + sx * hs, cy + sy * hs) for sx in (-1, 1) for sy in (-1, 1)]
    bx0, by0 = min(c[0] for c in corners), min(c[1] for c in corners)
    bx1, by1 = max(c[0] for c in corners), max(c[1] for c in corners)

    L = np.ones((H, W, 3), np.float32)
    vk = rng.uniform(0.35, 0.6) if cond == "vignette" else rng.uniform(0.05, 0.2)
    L = L * light_vignette(vk)[..., None]
    if "lamp" in cond:
        L = L * light_lamp(rng)
    if "shadow" in cond:
        s = hand_shadow(rng, (bx0, by0, bx1, by1))
        depth = rng.uniform(0.4, 0.65)
        L = L * (1 - depth * s)[..., None]
    img = cam * L
    return finish(rng, img)


def pick_digits(n_total, per, ncond, seed=2024):
    rng = np.random.default_rng(seed)
    idx = rng.choice(n_total, size=per * ncond, replace=False)
    return idx.reshape(ncond, per)
