#pragma once

/* Weight packing, done once when a model is planned: the layouts the
 * microkernels of lsc-kernels.h read. */

#include <stddef.h>
#include <glib.h>

G_BEGIN_DECLS

/* Floats of a GEMM weight matrix (K × N) packed in panels of nr columns:
 * ceil (N / nr) panels of nr × (K + 1) floats. */
size_t lsc_pack_gemm_size   (size_t       nr,
                             size_t       k,
                             size_t       n);
/* w is K × N row-major (a Keras Dense kernel, or a conv kernel (kh, kw, cin,
 * cout) seen as (kh·kw·cin) × cout); bias has N values or is NULL (zeros).
 * Columns past N in the last panel are zero. */
void   lsc_pack_gemm        (size_t       nr,
                             size_t       k,
                             size_t       n,
                             const float *w,
                             const float *bias,
                             float       *packed);

/* Floats of packed depthwise weights: channels × (ks + 1). */
size_t lsc_pack_dwconv_size (size_t       channels,
                             size_t       ks);
/* w is ks × channels (the Keras (kh, kw, channels, 1) kernel); bias has
 * `channels` values or is NULL. */
void   lsc_pack_dwconv      (size_t       channels,
                             size_t       ks,
                             const float *w,
                             const float *bias,
                             float       *packed);

G_END_DECLS
