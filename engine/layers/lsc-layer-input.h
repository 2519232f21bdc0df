#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* InputLayer: a model input. Its params are the declared shape, batch first,
 * with LSC_DIM_UNKNOWN for None. */
typedef struct
{
  LscShape shape;
  gboolean is_string;   /* dtype "string": loads, so that the layers that
                         * consume it are reported, but cannot run */
} LscInputParams;

/* Reads "batch_shape" (Keras 3), "batch_input_shape" (Keras 2) or
 * "input_shape" (without batch) from any layer config; FALSE without error
 * when none is present. */
gboolean lsc_input_shape_from_config (JsonObject *config,
                                      LscShape   *shape);

G_END_DECLS
