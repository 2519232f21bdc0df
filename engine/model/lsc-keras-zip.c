/* Keras 3 .keras archives: a zip of config.json, metadata.json and
 * model.weights.h5 (layers/<name>/vars/<i>, RNN cells under cell/,
 * Bidirectional halves under forward_layer/ and backward_layer/, nested
 * models under layers/<model>/layers/…). */

#include "lsc-model-private.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "lsc-hdf5.h"
#include "lsc-keras-config.h"

/* Archive member names are compared with '\' read as '/', since one real
 * archive written on Windows uses backslashes. */
static gboolean
member_name_equal (const char *member,
                   const char *wanted)
{
  for (; *member && *wanted; member++, wanted++)
    {
      char c = *member == '\\' ? '/' : *member;
      if (c != *wanted)
        return FALSE;
    }
  return *member == '\0' && *wanted == '\0';
}

static gboolean
read_member (zip_t       *archive,
             const char  *path,
             const char  *member,
             gboolean     required,
             guint8     **data,
             gsize       *size,
             GError     **error)
{
  zip_int64_t n = zip_get_num_entries (archive, 0);
  zip_int64_t index = -1;
  zip_stat_t st;
  zip_file_t *file;
  zip_int64_t got;

  *data = NULL;
  *size = 0;
  for (zip_int64_t i = 0; i < n && index < 0; i++)
    {
      const char *name = zip_get_name (archive, (zip_uint64_t) i, 0);
      if (name != NULL && member_name_equal (name, member))
        index = i;
    }
  if (index < 0)
    {
      if (required)
        g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                     "%s: the .keras archive has no %s", path, member);
      return !required;
    }

  if (zip_stat_index (archive, (zip_uint64_t) index, 0, &st) != 0 ||
      !(st.valid & ZIP_STAT_SIZE) || st.size > (zip_uint64_t) G_MAXSSIZE - 1)
    goto bad;
  file = zip_fopen_index (archive, (zip_uint64_t) index, 0);
  if (file == NULL)
    goto bad;

  *data = g_try_malloc (st.size + 1);
  if (*data == NULL)
    {
      zip_fclose (file);
      goto bad;
    }
  got = zip_fread (file, *data, st.size);
  zip_fclose (file);
  if (got < 0 || (zip_uint64_t) got != st.size)
    {
      g_clear_pointer (data, g_free);
      goto bad;
    }
  (*data)[st.size] = '\0';
  *size = st.size;
  return TRUE;

bad:
  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
               "%s: %s in the .keras archive cannot be read (truncated or damaged archive?)",
               path, member);
  return FALSE;
}

static char *
read_keras_version (const guint8 *metadata,
                    gsize         size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (metadata == NULL || !json_parser_load_from_data (parser, (const char *) metadata, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root),
                                                               "keras_version", NULL));
}

gboolean
_lsc_keras_zip_load (LscModel *model,
                     GError  **error)
{
  g_autofree guint8 *config = NULL;
  g_autofree guint8 *metadata = NULL;
  g_autofree guint8 *weights = NULL;
  g_autofree char *version = NULL;
  gsize config_size, metadata_size, weights_size;
  LscLoadContext ctx;
  zip_t *archive;
  int zerr = 0;
  gboolean ok;
  hid_t file;

  archive = zip_open (model->path, ZIP_RDONLY, &zerr);
  if (archive == NULL)
    {
      zip_error_t ze;
      zip_error_init_with_code (&ze, zerr);
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_NOT_A_MODEL,
                   "%s: not a readable .keras archive: %s", model->path, zip_error_strerror (&ze));
      zip_error_fini (&ze);
      return FALSE;
    }

  ok = read_member (archive, model->path, "config.json", TRUE, &config, &config_size, error) &&
       read_member (archive, model->path, "metadata.json", FALSE, &metadata, &metadata_size, error) &&
       read_member (archive, model->path, "model.weights.h5", TRUE, &weights, &weights_size, error);
  zip_discard (archive);
  if (!ok)
    return FALSE;

  version = read_keras_version (metadata, metadata_size);
  if (version != NULL)
    {
      g_free (model->keras_version);
      model->keras_version = g_steal_pointer (&version);
    }
  else
    {
      g_free (model->keras_version);
      model->keras_version = g_strdup ("3");
    }
  _lsc_load_context_init (&ctx, model->keras_version);

  if (!_lsc_keras_config_build (model, (const char *) config, (gssize) config_size,
                                "config.json", &ctx, error))
    return FALSE;

  lsc_hdf5_lock ();
  file = lsc_hdf5_open_image (weights, weights_size, "model.weights.h5", error);
  ok = file >= 0 && _lsc_keras_v3_bind_weights (model, file, error);
  if (file >= 0)
    H5Fclose (file);
  lsc_hdf5_unlock ();

  return ok;
}
