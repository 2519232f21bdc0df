#pragma once

/* Writes tiny legacy Keras HDF5 files for loader tests: a model_config
 * attribute and, per layer, a weight group with weight_names, laid out as
 * tf.keras 2.x does (model_weights/<layer>/<layer>/<var>:0). */

#include <glib.h>

#include "core/lsc-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  const char      *layer;       /* group name under model_weights */
  const char      *names[8];    /* weight names, NULL-terminated, e.g. "dense/kernel:0" */
  const LscTensor *tensors[8];
  gboolean         chunked;     /* split weight_names into weight_names0, weight_names1 */
} LscTestWeights;

/* config may be NULL (no model_config attribute). A keras_version of
 * "1.x" writes backend "theano", as most Keras 1 files have. */
void lsc_test_h5_write (const char           *path,
                        const char           *config,
                        const char           *keras_version,
                        const LscTestWeights *layers,
                        guint                 n_layers);

/* Writes datasets at the given paths (intermediate groups created; a
 * backslash is an ordinary character in a name), as model.weights.h5. */
void lsc_test_h5_write_datasets (const char             *path,
                                 const char *const      *names,
                                 const LscTensor *const *tensors,
                                 guint                   n);

G_END_DECLS
