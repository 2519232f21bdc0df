#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define LSC_MAX_DIMS 8
#define LSC_DIM_UNKNOWN (-1)

/* A shape in Keras order: dims[0] is the batch, channels last.
 * LSC_DIM_UNKNOWN marks a dimension that is None in the Keras config
 * (the batch, or a variable sequence length) until an input fixes it. */
typedef struct
{
  int     ndim;
  int64_t dims[LSC_MAX_DIMS];
} LscShape;

/* A dense float32 tensor; data is 64-byte aligned and owned by the tensor. */
typedef struct
{
  LscShape shape;
  float   *data;
} LscTensor;

LscShape   lsc_shape_make          (int ndim, ...);
int64_t    lsc_shape_numel         (const LscShape *shape);
gboolean   lsc_shape_equal         (const LscShape *a, const LscShape *b);
gboolean   lsc_shape_is_known      (const LscShape *shape);
/* "(None, 28, 28, 1)"; caller frees. */
char      *lsc_shape_to_string     (const LscShape *shape);

LscTensor *lsc_tensor_new          (const LscShape *shape);   /* zero-filled */
LscTensor *lsc_tensor_new_from_data (const LscShape *shape, const float *data);
LscTensor *lsc_tensor_dup          (const LscTensor *tensor);
int64_t    lsc_tensor_numel        (const LscTensor *tensor);
void       lsc_tensor_free         (LscTensor *tensor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscTensor, lsc_tensor_free)

G_END_DECLS
