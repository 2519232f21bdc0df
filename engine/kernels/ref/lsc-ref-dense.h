#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Dense on the last axis: x is `rows` rows of `in` values, kernel is
 * (in, units) row-major, bias (units) or NULL; y receives rows × units.
 * The activation is applied by the caller. Sums in double. */
void lsc_ref_dense (const float *x,
                    int64_t      rows,
                    int64_t      in,
                    const float *kernel,
                    const float *bias,
                    int64_t      units,
                    float       *y);

G_END_DECLS
