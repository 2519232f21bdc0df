#pragma once

/* Strict readers for the probe's JSON: each names the member that is
 * missing or wrong (LSC_ENGINE_ERROR_BAD_INPUT), so a damaged cache file or
 * a hand-edited export says what is wrong instead of reading as zeros. */

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The object node, or an error naming `what`. */
JsonObject *lsc_json_read_object (JsonNode    *node,
                                  const char  *what,
                                  GError     **error);
/* An integer member in [min, max]. */
gboolean    lsc_json_read_uint   (JsonObject  *object,
                                  const char  *name,
                                  guint64      min,
                                  guint64      max,
                                  guint64     *out,
                                  GError     **error);
/* A string member (borrowed from the object). */
gboolean    lsc_json_read_string (JsonObject  *object,
                                  const char  *name,
                                  const char **out,
                                  GError     **error);
/* A finite, non-negative number, or null (NAN) when allow_null. */
gboolean    lsc_json_read_number (JsonNode    *node,
                                  const char  *what,
                                  gboolean     allow_null,
                                  double      *out,
                                  GError     **error);
/* An array member of exactly `length` elements (any length when 0). */
JsonArray  *lsc_json_read_array  (JsonObject  *object,
                                  const char  *name,
                                  guint        length,
                                  GError     **error);

G_END_DECLS
