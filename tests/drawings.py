"""Pictures of ink drawn for the photo pipeline's tests."""

import cv2
import numpy as np


def ring_and_specks() -> np.ndarray:
    """A bright-ink 0 filling most of the picture, with a speck inside the ring and one outside."""
    ink = np.zeros((300, 300), np.float32)
    cv2.ellipse(ink, (150, 150), (90, 130), 0, 0, 360, 1.0, 14, cv2.LINE_AA)
    cv2.circle(ink, (150, 150), 4, 1.0, -1)
    cv2.circle(ink, (280, 20), 4, 1.0, -1)
    return ink

