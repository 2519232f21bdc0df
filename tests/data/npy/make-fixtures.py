#!/usr/bin/python3
"""Writes the numpy-made .npy fixtures that tests/test-npy.c reads.

Made with numpy 1.24.2 (Debian 12's python3-numpy); run from this folder:
    python3 make-fixtures.py
Each file is tiny; test-npy.c states the values it expects, so a change here
must be made there too.
"""

import numpy as np


def save(name, array, version=None):
    if version is None:
        np.save(name, array, allow_pickle=True)
    else:
        with open(name, "wb") as f:
            np.lib.format.write_array(f, array, version=version, allow_pickle=True)


# Readable: every dtype lsc_npy_read converts, both byte orders, all versions.
save("f8-2x3.npy", np.array([[0.5, -1.25, 0.1], [1e-3, 65504.0, -0.0]], dtype="<f8"))
save("i8-3.npy", np.array([-3, 0, 123456789], dtype="<i8"))
save("u1-2x2.npy", np.array([[0, 1], [128, 255]], dtype="|u1"))
save("b1-4.npy", np.array([True, False, False, True]))
save("f2-5.npy", np.array([1.0, -0.5, 65504.0, 2.0**-24, -np.inf], dtype="<f2"))
save("i1-3.npy", np.array([-128, 0, 127], dtype="|i1"))
save("u2-2.npy", np.array([0, 65535], dtype="<u2"))
save("i4-2.npy", np.array([-2147483648, 7], dtype="<i4"))
save("u4-2.npy", np.array([4294967295, 1], dtype="<u4"))
save("u8-2.npy", np.array([18446744073709551615, 3], dtype="<u8"))
save("be-f4-2x2.npy", np.array([[1.5, -2.0], [3.25, 1e-3]], dtype=">f4"))
save("be-i2-3.npy", np.array([-2, 300, 32767], dtype=">i2"))
save("be-f8-2.npy", np.array([2.5, -1e10], dtype=">f8"))
save("f4-2x2x2.npy", np.arange(8, dtype="<f4").reshape(2, 2, 2))
save("v2-f4-3.npy", np.array([1.0, 2.0, 3.0], dtype="<f4"), version=(2, 0))
save("v3-f4-3.npy", np.array([1.0, 2.0, 3.0], dtype="<f4"), version=(3, 0))

# Refused, each with its own message.
save("fortran-f4-2x3.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
save("object-2.npy", np.array([1, "a"], dtype=object))
save("scalar-f4.npy", np.float32(3.0))
save("unicode-2.npy", np.array(["ab", "c"]))
save("c8-2.npy", np.array([1 + 2j, 3], dtype="<c8"))
save("f4-9d.npy", np.zeros((1,) * 9, dtype="<f4"))
