/* The probe's cache: one JSON file per CPU model (and PU count, so a VM
 * resized to more CPUs is probed again) in the user's cache directory, so
 * the ~10 s of measuring happens once per machine. */

#include "probe/lsc-probe-private.h"

#include <errno.h>

#include "core/lsc-error.h"

/* "AMD EPYC 9655 96-Core Processor" → "amd-epyc-9655-96-core-processor":
 * lower-case letters and digits, runs of anything else one '-'. */
static char *
sanitise_model (const char *model)
{
  GString *s = g_string_new (NULL);

  for (const char *p = model; *p != '\0' && s->len < 64; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (s, g_ascii_tolower (*p));
      else if (s->len > 0 && s->str[s->len - 1] != '-')
        g_string_append_c (s, '-');
    }
  while (s->len > 0 && s->str[s->len - 1] == '-')
    g_string_truncate (s, s->len - 1);
  if (s->len == 0)
    g_string_append (s, "cpu");
  return g_string_free (s, FALSE);
}

char *
lsc_probe_cache_path_for_machine (const LscMachine *machine)
{
  g_autofree char *model = sanitise_model (machine->cpu_model);
  g_autofree char *name = g_strdup_printf ("probe-%s-%upu.json", model, machine->n_pus);

  return g_build_filename (g_get_user_cache_dir (), "layerscope", name, NULL);
}

LscProbe *
lsc_probe_load_cached (GError **error)
{
  g_autoptr(LscMachine) here = lsc_machine_new_for_this_system (error);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  LscProbe *probe;

  if (here == NULL)
    return NULL;
  path = lsc_probe_cache_path_for_machine (here);
  parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "the cached probe %s cannot be read: %s", path, local_error->message);
      return NULL;
    }
  probe = lsc_probe_from_json (json_parser_get_root (parser), &local_error);
  if (probe == NULL)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "the cached probe %s is not valid: %s", path, local_error->message);
      return NULL;
    }
  /* Same name, other machine (a model string shared by two topologies, or
   * a copied cache directory): measure again. */
  if (!lsc_machine_equal (probe->machine, here))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "the cached probe %s describes another machine", path);
      lsc_probe_unref (probe);
      return NULL;
    }
  probe->from_cache = TRUE;
  probe->cache_path = g_steal_pointer (&path);
  return probe;
}

char *
_lsc_probe_save_cache (LscProbe  *probe,
                       GError   **error)
{
  g_autofree char *path = lsc_probe_cache_path_for_machine (probe->machine);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = lsc_probe_to_json (probe);
  g_autofree char *text = NULL;

  if (g_mkdir_with_parents (dir, 0700) < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "could not create %s: %s", dir, g_strerror (errno));
      return NULL;
    }
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  /* Written to a temporary file and renamed: a reader never sees half. */
  if (!g_file_set_contents (path, text, -1, error))
    return NULL;
  return g_steal_pointer (&path);
}
