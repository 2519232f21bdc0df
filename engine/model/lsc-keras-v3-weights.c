/* Weights of a Keras 3 model.weights.h5: every dataset is found by walking
 * the file once, its path normalised ('\' → '/'), then each layer takes the
 * datasets under layers/<model>/layers/<layer>/ in Keras's variable order. */

#include "lsc-model-private.h"

#include <stdlib.h>
#include <string.h>

#include "lsc-hdf5.h"

static herr_t
collect_dataset (hid_t             object,
                 const char       *name,
                 const H5O_info_t *info,
                 void             *user_data)
{
  GPtrArray *paths = user_data;

  if (info->type == H5O_TYPE_DATASET)
    g_ptr_array_add (paths, g_strdup (name));
  return 0;
}

static char *
normalise (const char *path)
{
  char *copy = g_strdup (path);

  g_strdelimit (copy, "\\", '/');
  return copy;
}

/* Sub-groups of a layer in the order Keras creates their variables: the
 * layer's own vars, its cell, the forward half before the backward half. */
static int
component_rank (const char *c)
{
  if (g_str_equal (c, "vars"))
    return 0;
  if (g_str_equal (c, "cell"))
    return 1;
  if (g_str_equal (c, "forward_layer"))
    return 2;
  if (g_str_equal (c, "backward_layer"))
    return 3;
  if (g_str_equal (c, "layer"))
    return 4;
  return 5;
}

static gboolean
is_number (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static int
compare_components (const char *a,
                    const char *b)
{
  int ra = component_rank (a), rb = component_rank (b);

  if (ra != rb)
    return ra - rb;
  if (is_number (a) && is_number (b))
    {
      gint64 na = g_ascii_strtoll (a, NULL, 10), nb = g_ascii_strtoll (b, NULL, 10);
      return na < nb ? -1 : na > nb;
    }
  return strcmp (a, b);
}

static int
compare_paths (gconstpointer pa,
               gconstpointer pb)
{
  g_auto(GStrv) a = g_strsplit (*(const char *const *) pa, "/", -1);
  g_auto(GStrv) b = g_strsplit (*(const char *const *) pb, "/", -1);
  guint i;

  for (i = 0; a[i] && b[i]; i++)
    {
      int c = compare_components (a[i], b[i]);
      if (c != 0)
        return c;
    }
  return (a[i] != NULL) - (b[i] != NULL);
}

gboolean
_lsc_keras_v3_bind_weights (LscModel *model,
                            hid_t     file,
                            GError  **error)
{
  g_autoptr(GPtrArray) raw = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) by_normalised = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (H5Ovisit (file, H5_INDEX_NAME, H5_ITER_NATIVE, collect_dataset, raw) < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_HDF5,
                   "model.weights.h5 cannot be walked (damaged file?)");
      return FALSE;
    }
  for (guint i = 0; i < raw->len; i++)
    g_hash_table_insert (by_normalised, normalise (g_ptr_array_index (raw, i)),
                         g_ptr_array_index (raw, i));

  for (guint i = 0; i < model->nodes->len; i++)
    {
      LscNode *node = g_ptr_array_index (model->nodes, i);
      g_autofree char *path = NULL;
      g_auto(GStrv) components = NULL;
      g_autofree char *joined = NULL;
      g_autofree char *prefix = NULL;
      g_autoptr(GPtrArray) mine = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer key, value;

      if (!g_array_index (model->first_call, gboolean, i))
        continue;

      path = _lsc_node_dup_layer_path (node);
      components = g_strsplit (path, "/", -1);
      joined = g_strjoinv ("/layers/", components);
      prefix = g_strconcat ("layers/", joined, "/", NULL);

      g_hash_table_iter_init (&iter, by_normalised);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_str_has_prefix (key, prefix) && !strstr ((char *) key + strlen (prefix), "layers/"))
          g_ptr_array_add (mine, key);
      g_ptr_array_sort (mine, compare_paths);

      for (guint w = 0; w < mine->len; w++)
        {
          const char *normalised = g_ptr_array_index (mine, w);
          const char *original = g_hash_table_lookup (by_normalised, normalised);
          LscTensor *tensor = lsc_hdf5_read_tensor (file, original, error);

          if (tensor == NULL)
            {
              g_prefix_error (error, "layer “%s”: ", node->layer->name);
              return FALSE;
            }
          lsc_layer_add_weight (node->layer, normalised + strlen (prefix), tensor);
        }

      if (node->layer->ops->attach_weights != NULL &&
          !node->layer->ops->attach_weights (node->layer, error))
        return FALSE;
    }
  return TRUE;
}
