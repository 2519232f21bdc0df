#pragma once

#include <glib.h>

#include "core/lsc-tensor.h"

G_BEGIN_DECLS

/* NumPy .npy files (format 1.0/2.0/3.0). Reading accepts little- or
 * big-endian float32/float64/int8…int64/uint8…uint64/bool in C order and
 * converts to float32; Fortran order and object arrays are refused with a
 * message naming the file and the dtype. Writing produces float32 <f4. */
LscTensor *lsc_npy_read  (const char       *path,
                          GError          **error);
gboolean   lsc_npy_write (const char       *path,
                          const LscTensor  *tensor,
                          GError          **error);

G_END_DECLS
