#pragma once

#include <json-glib/json-glib.h>

#include "lsc-model-private.h"

G_BEGIN_DECLS

/* Parses a model config JSON text and builds model's graph from it.
 * `origin` names where the text came from, for error messages. */
gboolean _lsc_keras_config_build (LscModel             *model,
                                  const char           *json_text,
                                  gssize                length,
                                  const char           *origin,
                                  const LscLoadContext *ctx,
                                  GError              **error);

G_END_DECLS
