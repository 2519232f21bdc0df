#!/usr/bin/python3
"""Reference outputs of Pillow for tests/test-image.c.

keras.utils.load_img is Pillow: img.convert(mode) then
img.resize((w, h), NEAREST or BILINEAR). This script runs exactly that on
a small random RGBA image (committed as random-rgba-17x23.png) and saves
each result as uint8 .npy, which the test compares with
lsc_image_load_batch byte for byte.

With --photos it instead prints, for the real photos in ../../../../shared/images
(not part of the repository), the sums and sample pixels that
test-image.c checks; paste them into that file.

Made with Pillow 9.4.0 and numpy 1.24.2 (Debian 12: python3-pil,
python3-numpy); run from this folder: python3 make-pil-references.py
"""

import glob
import os
import sys

import numpy as np
from PIL import Image

MODES = {1: "L", 3: "RGB", 4: "RGBA"}
SIZES = [(9, 11), (40, 31), (5, 30)]   # (height, width): down, up, mixed


def load_img(path, channels, size, interpolation):
    """keras.utils.load_img (color_mode, target_size, interpolation)."""
    img = Image.open(path)
    mode = MODES[channels]
    if channels == 1:
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif img.mode != mode:
        img = img.convert(mode)
    height, width = size
    if img.size != (width, height):
        resample = Image.NEAREST if interpolation == "nearest" else Image.BILINEAR
        img = img.resize((width, height), resample)
    return np.asarray(img, dtype=np.uint8).reshape(height, width, channels)


def make_random_references():
    rng = np.random.default_rng(20240521)
    pixels = rng.integers(0, 256, (17, 23, 4), dtype=np.uint8)
    # Alpha: a third transparent, a third opaque, the rest in between, so
    # that the premultiplied RGBA resize is exercised.
    alpha = rng.random((17, 23))
    pixels[..., 3][alpha < 0.33] = 0
    pixels[..., 3][alpha > 0.66] = 255
    Image.fromarray(pixels, "RGBA").save("random-rgba-17x23.png")

    for interpolation in ("nearest", "bilinear"):
        for channels in (1, 3, 4):
            for size in SIZES:
                out = load_img("random-rgba-17x23.png", channels, size, interpolation)
                np.save("pil-%s-%s-%dx%d.npy" % (interpolation, MODES[channels], *size), out)


def print_photo_references():
    here = os.path.dirname(os.path.abspath(__file__))
    photos = sorted(glob.glob(os.path.join(here, "../../../../shared/images/*")))
    for path in photos:
        for channels, size in ((1, (28, 28)), (3, (224, 224))):
            for interpolation in ("nearest", "bilinear"):
                out = load_img(path, channels, size, interpolation).astype(np.int64)
                h, w = size
                samples = [int(out[y, x, c]) for y, x, c in
                           ((0, 0, 0), (h // 2, w // 2, 0), (h - 1, w - 1, channels - 1),
                            (h // 3, 2 * w // 3, channels // 2))]
                print('  { "%s", %d, %d, %s, %d, { %s } },'
                      % (os.path.basename(path), channels, h,
                         "LSC_RESIZE_NEAREST" if interpolation == "nearest" else "LSC_RESIZE_BILINEAR",
                         out.sum(), ", ".join(map(str, samples))))


if __name__ == "__main__":
    if "--photos" in sys.argv:
        print_photo_references()
    else:
        make_random_references()
