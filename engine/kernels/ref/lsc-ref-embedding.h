#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Embedding lookup. Ids arrive as float32 and become integers the way
 * Keras casts them (ops.cast to int32: truncation toward zero). Row `id` of
 * the (input_dim, output_dim) table is copied for each of the n_ids ids.
 * With wrap_negative (Keras 3: ops.take adds input_dim to a negative index)
 * ids in [-input_dim, -1] select row id + input_dim. Any other id outside
 * [0, input_dim) — where TensorFlow on CPU raises an error and on GPU
 * returns zeros — gives a row of zeros, so a bad id never reads out of
 * bounds. */
void lsc_ref_embedding (const float *ids,
                        int64_t      n_ids,
                        const float *table,
                        int64_t      input_dim,
                        int64_t      output_dim,
                        gboolean     wrap_negative,
                        float       *y);

G_END_DECLS
