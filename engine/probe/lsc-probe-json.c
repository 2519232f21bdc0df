/* The probe as JSON: the cache file's format and `layerscope probe --json`.
 * Versioned by "schema"; a reader refuses other versions rather than guess. */

#include "probe/lsc-probe-private.h"

#include <math.h>

#include "core/lsc-error.h"
#include "probe/lsc-json-read.h"

#define SCHEMA 1

static void
add_number_or_null (JsonBuilder *b,
                    double       value)
{
  if (isnan (value))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, value);
}

static void
add_per_count (JsonBuilder  *b,
               const double *values,
               guint         n_counts)
{
  json_builder_begin_array (b);
  for (guint c = 0; c < n_counts; c++)
    add_number_or_null (b, values[c]);
  json_builder_end_array (b);
}

JsonNode *
lsc_probe_to_json (LscProbe *probe)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *when = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schema");
  json_builder_add_int_value (b, SCHEMA);
  json_builder_set_member_name (b, "measured_at");
  when = probe->measured_at != NULL ? g_date_time_format_iso8601 (probe->measured_at) : NULL;
  if (when != NULL)
    json_builder_add_string_value (b, when);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "seconds");
  add_number_or_null (b, probe->seconds);
  json_builder_set_member_name (b, "trials");
  json_builder_add_int_value (b, probe->trials);
  json_builder_set_member_name (b, "disturbed_trials");
  json_builder_add_int_value (b, probe->disturbed_trials);
  json_builder_set_member_name (b, "machine");
  json_builder_add_value (b, lsc_machine_to_json (probe->machine));
  json_builder_set_member_name (b, "frequency_ghz");
  add_number_or_null (b, probe->frequency_ghz);

  json_builder_set_member_name (b, "thread_counts");
  json_builder_begin_array (b);
  for (guint c = 0; c < probe->n_counts; c++)
    json_builder_add_int_value (b, probe->thread_counts[c]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "peak_gflops");
  json_builder_begin_object (b);
  for (guint isa = 0; isa < LSC_ISA_COUNT; isa++)
    {
      json_builder_set_member_name (b, lsc_isa_to_string (isa));
      add_per_count (b, probe->peak_gflops[isa], probe->n_counts);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "bandwidth_isa");
  json_builder_add_string_value (b, lsc_isa_to_string (probe->bandwidth_isa));
  json_builder_set_member_name (b, "bandwidth_gbs");
  json_builder_begin_object (b);
  for (guint level = 0; level < LSC_N_MEM_LEVELS; level++)
    {
      json_builder_set_member_name (b, lsc_mem_level_to_string (level));
      add_per_count (b, probe->bandwidth_gbs[level], probe->n_counts);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "array_bytes");
  json_builder_begin_object (b);
  for (guint level = 0; level < LSC_N_MEM_LEVELS; level++)
    {
      json_builder_set_member_name (b, lsc_mem_level_to_string (level));
      json_builder_begin_array (b);
      for (guint c = 0; c < probe->n_counts; c++)
        json_builder_add_int_value (b, (gint64) probe->array_bytes[level][c]);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
read_thread_counts (JsonObject  *object,
                    guint       *counts,
                    guint       *n_out,
                    GError     **error)
{
  JsonArray *array = lsc_json_read_array (object, "thread_counts", 0, error);
  guint n;

  if (array == NULL)
    return FALSE;
  n = json_array_get_length (array);
  if (n == 0 || n > LSC_PROBE_MAX_COUNTS)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“thread_counts” must have 1 to %d elements, not %u", LSC_PROBE_MAX_COUNTS, n);
      return FALSE;
    }
  for (guint c = 0; c < n; c++)
    {
      JsonNode *node = json_array_get_element (array, c);
      gint64 t;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          (t = json_node_get_int (node)) < 1 || t > (1 << 20) || (c > 0 && (guint) t <= counts[c - 1]))
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                       "“thread_counts” must be positive integers in increasing order");
          return FALSE;
        }
      counts[c] = (guint) t;
    }
  *n_out = n;
  return TRUE;
}

/* object[name]: {key: [one number or null per thread count]} for every key
 * in names; values[key index][count]. */
static gboolean
read_table (JsonObject         *object,
            const char         *name,
            const char *const  *names,
            guint               n_names,
            guint               n_counts,
            double            (*values)[LSC_PROBE_MAX_COUNTS],
            GError            **error)
{
  JsonObject *table = lsc_json_read_object (json_object_get_member (object, name), name, error);

  if (table == NULL)
    return FALSE;
  for (guint k = 0; k < n_names; k++)
    {
      g_autofree char *what = g_strdup_printf ("%s.%s", name, names[k]);
      JsonArray *array = lsc_json_read_array (table, names[k], n_counts, error);

      if (array == NULL)
        {
          g_prefix_error (error, "%s: ", name);
          return FALSE;
        }
      for (guint c = 0; c < n_counts; c++)
        if (!lsc_json_read_number (json_array_get_element (array, c), what, TRUE,
                                   &values[k][c], error))
          return FALSE;
    }
  return TRUE;
}

LscProbe *
lsc_probe_from_json (JsonNode  *node,
                     GError   **error)
{
  const char *isa_names[LSC_ISA_COUNT], *level_names[LSC_N_MEM_LEVELS];
  g_autoptr(LscProbe) probe = NULL;
  g_autoptr(LscMachine) machine = NULL;
  JsonObject *object = lsc_json_read_object (node, "the probe", error);
  JsonObject *sizes;
  double array_bytes[LSC_N_MEM_LEVELS][LSC_PROBE_MAX_COUNTS];
  guint counts[LSC_PROBE_MAX_COUNTS], n_counts;
  guint64 schema, trials, disturbed;
  const char *text;
  JsonNode *member;

  if (object == NULL)
    return NULL;
  if (!lsc_json_read_uint (object, "schema", 0, G_MAXINT32, &schema, error))
    return NULL;
  if (schema != SCHEMA)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "probe schema %" G_GUINT64_FORMAT " is not the one this version reads (%d)",
                   schema, SCHEMA);
      return NULL;
    }
  if ((machine = lsc_machine_from_json (json_object_get_member (object, "machine"), error)) == NULL ||
      !read_thread_counts (object, counts, &n_counts, error))
    return NULL;
  if (!lsc_json_read_uint (object, "trials", 0, G_MAXINT32, &trials, error) ||
      !lsc_json_read_uint (object, "disturbed_trials", 0, trials, &disturbed, error))
    return NULL;
  probe = _lsc_probe_new (g_steal_pointer (&machine), counts, n_counts);
  probe->trials = (guint) trials;
  probe->disturbed_trials = (guint) disturbed;

  for (guint isa = 0; isa < LSC_ISA_COUNT; isa++)
    isa_names[isa] = lsc_isa_to_string (isa);
  for (guint level = 0; level < LSC_N_MEM_LEVELS; level++)
    level_names[level] = lsc_mem_level_to_string (level);
  if (!read_table (object, "peak_gflops", isa_names, LSC_ISA_COUNT, n_counts,
                   probe->peak_gflops, error) ||
      !read_table (object, "bandwidth_gbs", level_names, LSC_N_MEM_LEVELS, n_counts,
                   probe->bandwidth_gbs, error) ||
      !read_table (object, "array_bytes", level_names, LSC_N_MEM_LEVELS, n_counts,
                   array_bytes, error))
    return NULL;
  sizes = json_object_get_object_member (object, "array_bytes");
  for (guint level = 0; level < LSC_N_MEM_LEVELS; level++)
    for (guint c = 0; c < n_counts; c++)
      {
        /* Byte counts are integers: refuse 1.5 or null. */
        JsonNode *size = json_array_get_element (json_object_get_array_member (sizes, level_names[level]), c);

        if (json_node_get_value_type (size) != G_TYPE_INT64)
          {
            g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                         "“array_bytes.%s” must hold integers", level_names[level]);
            return NULL;
          }
        probe->array_bytes[level][c] = (guint64) array_bytes[level][c];
      }

  if (!lsc_json_read_string (object, "bandwidth_isa", &text, error))
    return NULL;
  if (!lsc_isa_from_string (text, &probe->bandwidth_isa, NULL))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“bandwidth_isa” names no instruction set: “%s”", text);
      return NULL;
    }
  if (!lsc_json_read_number (json_object_get_member (object, "frequency_ghz"), "frequency_ghz",
                             TRUE, &probe->frequency_ghz, error) ||
      !lsc_json_read_number (json_object_get_member (object, "seconds"), "seconds",
                             TRUE, &probe->seconds, error))
    return NULL;

  member = json_object_get_member (object, "measured_at");
  if (member == NULL || !(JSON_NODE_HOLDS_NULL (member) ||
                          json_node_get_value_type (member) == G_TYPE_STRING))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“measured_at” must be an ISO 8601 date or null");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_NULL (member))
    {
      probe->measured_at = g_date_time_new_from_iso8601 (json_node_get_string (member), NULL);
      if (probe->measured_at == NULL)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                       "“measured_at” is not an ISO 8601 date: “%s”", json_node_get_string (member));
          return NULL;
        }
    }
  return g_steal_pointer (&probe);
}
