#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* Embedding: output = input shape + (output_dim,), row id of the weight
 * embeddings (input_dim, output_dim) for each id. Ids arrive as float32 and
 * are truncated toward zero like Keras's cast to int32; see
 * lsc_ref_embedding for negative and out-of-range ids. mask_zero only
 * produces a mask for later layers and does not change the values. */
typedef struct
{
  int64_t  input_dim;
  int64_t  output_dim;
  gboolean mask_zero;
  gboolean wrap_negative_ids;   /* Keras 3's take: id -1 is the last row */
} LscEmbeddingParams;

G_END_DECLS
