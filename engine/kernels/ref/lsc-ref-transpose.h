#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Generic transpose of a row-major tensor of ndim dims (batch included):
 * output dim i is input dim perm[i], so
 * output[j_0, …, j_{n-1}] = input[i] with i[perm[k]] = j_k. */
void lsc_ref_transpose (const float   *input,
                        int            ndim,
                        const int64_t *in_dims,
                        const int     *perm,
                        float         *output);

G_END_DECLS
