#pragma once

#include <glib.h>

#include "zoo/lsc-zoo-graph.h"

G_BEGIN_DECLS

/* The version the zoo's files claim: their layout and configs are tf.keras
 * 2.15's. */
#define LSC_ZOO_KERAS_VERSION "2.15.0"

/* Writes graph to path in tf.keras 2.x's legacy HDF5 layout (root
 * attributes model_config, keras_version, backend; group model_weights with
 * layer_names and one group per layer holding weight_names and the
 * datasets LAYER/VAR:0), with weights drawn deterministically from seed.
 * Errors: G_IO_ERROR when path cannot be created, LSC_ENGINE_ERROR_HDF5 when
 * HDF5 fails; no partial file is left behind. */
gboolean lsc_zoo_writer_write (LscZooGraph  *graph,
                               guint32       seed,
                               const char   *path,
                               GError      **error);

G_END_DECLS
