#pragma once

#include <json-glib/json-glib.h>

#include "zoo/lsc-zoo-graph.h"

G_BEGIN_DECLS

/* Writing Keras layer configs with JsonBuilder: one member at a time, in
 * the order tf.keras 2.15 writes them. */

/* The initializers keras.applications declares. They only change the JSON:
 * the writer's fill decides the numbers. */
typedef enum
{
  LSC_ZOO_INIT_ZEROS,
  LSC_ZOO_INIT_ONES,
  LSC_ZOO_INIT_GLOROT_UNIFORM,
  LSC_ZOO_INIT_ORTHOGONAL,
  LSC_ZOO_INIT_RANDOM_UNIFORM,           /* Embedding: [-0.05, 0.05] */
  LSC_ZOO_INIT_EFFICIENTNET_CONV,        /* VarianceScaling (2.0, fan_out, truncated_normal) */
  LSC_ZOO_INIT_EFFICIENTNET_DENSE,       /* VarianceScaling (1/3, fan_out, uniform) */
} LscZooInit;

void          lsc_zoo_json_string        (JsonBuilder       *b,
                                          const char        *key,
                                          const char        *value);
void          lsc_zoo_json_int           (JsonBuilder       *b,
                                          const char        *key,
                                          int64_t            value);
void          lsc_zoo_json_double        (JsonBuilder       *b,
                                          const char        *key,
                                          double             value);
void          lsc_zoo_json_bool          (JsonBuilder       *b,
                                          const char        *key,
                                          gboolean           value);
void          lsc_zoo_json_null          (JsonBuilder       *b,
                                          const char        *key);
/* A null for each key of the NULL-terminated list (regularizers, …). */
void          lsc_zoo_json_nulls         (JsonBuilder       *b,
                                          const char *const *keys);
/* [first, second]: kernel_size, strides, … */
void          lsc_zoo_json_pair          (JsonBuilder       *b,
                                          const char        *key,
                                          int64_t            first,
                                          int64_t            second);
/* A shape with the batch as null: [null, 224, 224, 3]. */
void          lsc_zoo_json_batch_shape   (JsonBuilder       *b,
                                          const char        *key,
                                          const LscShape    *shape);
void          lsc_zoo_json_initializer   (JsonBuilder       *b,
                                          const char        *key,
                                          LscZooInit         init);
/* The kernel initializers the graph's init_style declares. */
LscZooInit    lsc_zoo_conv_kernel_init   (LscZooGraph       *graph);
LscZooInit    lsc_zoo_dense_kernel_init  (LscZooGraph       *graph);

/* Sets the InputLayer config of layer from its name and output shape. */
void          lsc_zoo_config_set_input   (LscZooLayer       *layer);
/* Starts layer's config with name, trainable and dtype (and, for a
 * Sequential's first layer, batch_input_shape); the caller adds the class's
 * keys and hands the builder to lsc_zoo_config_end, which sets the config
 * and frees the builder. */
JsonBuilder  *lsc_zoo_config_begin       (LscZooGraph       *graph,
                                          LscZooLayer       *layer);
void          lsc_zoo_config_end         (LscZooLayer       *layer,
                                          JsonBuilder       *b);

G_END_DECLS
