/* Legacy Keras HDF5 files, as written by Keras 2.0 – 2.15, tf.keras and
 * Keras 3's model.save("x.h5"): the config in the root attribute
 * model_config, the weights under model_weights/<layer>/… listed by each
 * layer group's weight_names attribute. optimizer_weights is ignored. */

#include "lsc-model-private.h"

#include <string.h>

#include "lsc-hdf5.h"
#include "lsc-keras-config.h"

/* Last path components after the owner, without the ":0" suffix of Keras 2
 * names: "dense/kernel:0" → "kernel", "lstm/lstm_cell/kernel:0" →
 * "lstm_cell/kernel". */
static char *
display_weight_name (char **parts,
                     guint  owner_index)
{
  g_autofree char *joined = g_strjoinv ("/", parts + owner_index + 1);
  char *colon = strrchr (joined, ':');

  if (colon != NULL)
    *colon = '\0';
  return g_steal_pointer (&joined);
}

/* Leaf layer names inside the nested model stored under group `top`. */
static GHashTable *
leaf_names_under (LscModel   *model,
                  const char *top)
{
  GHashTable *names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *prefix = g_strconcat (top, "/", NULL);

  for (guint i = 0; i < model->nodes->len; i++)
    {
      LscNode *node = g_ptr_array_index (model->nodes, i);
      g_autofree char *path = _lsc_node_dup_layer_path (node);

      if (g_str_has_prefix (path, prefix))
        g_hash_table_add (names, node->layer->name);
    }
  return names;
}

static gboolean
bind_node (LscModel *model,
           LscNode  *node,
           hid_t     weights_group,
           GError  **error)
{
  g_autofree char *path = _lsc_node_dup_layer_path (node);
  g_auto(GStrv) components = g_strsplit (path, "/", -1);
  g_auto(GStrv) names = NULL;
  g_autoptr(GHashTable) leaves = NULL;
  const char *top = components[0];
  gboolean nested = components[1] != NULL;
  hid_t group;

  if (H5Lexists (weights_group, top, H5P_DEFAULT) <= 0)
    return TRUE;   /* no group: the layer has no weights (infer checks) */

  group = H5Gopen2 (weights_group, top, H5P_DEFAULT);
  if (group < 0)
    {
      lsc_layer_set_error (node->layer, error, LSC_ENGINE_ERROR_HDF5,
                           "weight group “%s” cannot be opened", top);
      return FALSE;
    }
  names = lsc_hdf5_read_strings_attr (group, "weight_names", error);
  if (names == NULL && error && *error)
    {
      H5Gclose (group);
      return FALSE;
    }
  if (nested)
    leaves = leaf_names_under (model, top);

  for (guint w = 0; names != NULL && names[w] != NULL; w++)
    {
      g_auto(GStrv) parts = g_strsplit (names[w], "/", -1);
      guint n_parts = g_strv_length (parts);
      guint owner = 0;
      g_autofree char *display = NULL;
      LscTensor *tensor;

      if (nested)
        {
          /* A nested model's group lists the weights of all its layers;
           * a weight belongs to the first path component that is a layer
           * of that model ("Conv1/kernel:0", "model/dense/kernel"). */
          for (owner = 0; owner + 1 < n_parts; owner++)
            if (g_hash_table_contains (leaves, parts[owner]))
              break;
          if (owner + 1 >= n_parts || !g_str_equal (parts[owner], node->layer->name))
            continue;
        }
      else
        {
          /* The owner is the layer itself: usually the first component, one
           * deeper in Keras 3 ("sequential/dense/kernel"). */
          for (owner = 0; owner + 1 < n_parts; owner++)
            if (g_str_equal (parts[owner], node->layer->name))
              break;
          if (owner + 1 >= n_parts)
            owner = 0;
        }

      tensor = lsc_hdf5_read_tensor (group, names[w], error);
      if (tensor == NULL)
        {
          g_prefix_error (error, "layer “%s”: ", node->layer->name);
          H5Gclose (group);
          return FALSE;
        }
      display = display_weight_name (parts, n_parts > 1 ? owner : 0);
      if (n_parts == 1)
        {
          g_free (display);
          display = g_strdup (names[w]);
        }
      lsc_layer_add_weight (node->layer, display, tensor);
    }

  H5Gclose (group);
  return TRUE;
}

gboolean
_lsc_keras_h5_bind_weights (LscModel *model,
                            hid_t     file,
                            GError  **error)
{
  hid_t weights_group;
  gboolean ok = TRUE;

  if (H5Lexists (file, "model_weights", H5P_DEFAULT) > 0)
    weights_group = H5Gopen2 (file, "model_weights", H5P_DEFAULT);
  else
    weights_group = H5Gopen2 (file, "/", H5P_DEFAULT);   /* Keras 1 and save_weights files */
  if (weights_group < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_HDF5,
                   "the model_weights group cannot be opened");
      return FALSE;
    }

  for (guint i = 0; ok && i < model->nodes->len; i++)
    {
      LscNode *node = g_ptr_array_index (model->nodes, i);

      if (!g_array_index (model->first_call, gboolean, i))
        continue;
      ok = bind_node (model, node, weights_group, error);
      if (ok && node->layer->ops->attach_weights != NULL)
        ok = node->layer->ops->attach_weights (node->layer, error);
    }

  H5Gclose (weights_group);
  return ok;
}

/* Theano stored convolution kernels flipped; Keras flips them back when it
 * loads such a file. Rather than compute something else silently, say so. */
static gboolean
check_backend (LscModel *model,
               hid_t     file,
               GError  **error)
{
  g_autofree char *backend = lsc_hdf5_read_string_attr (file, "backend", NULL);

  if (backend == NULL || !g_str_equal (backend, "theano"))
    return TRUE;
  for (guint i = 0; i < model->nodes->len; i++)
    {
      LscNode *node = g_ptr_array_index (model->nodes, i);
      LscLayerKind kind = node->layer->ops->kind;

      if (kind == LSC_LAYER_KIND_CONV || kind == LSC_LAYER_KIND_CONV_TRANSPOSE ||
          kind == LSC_LAYER_KIND_DEPTHWISE_CONV || kind == LSC_LAYER_KIND_SEPARABLE_CONV)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                       "%s was saved by the Theano backend, whose convolution kernels "
                       "(first: layer “%s”) are stored flipped; Layerscope does not convert them",
                       model->path, node->layer->name);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_lsc_keras_h5_load (LscModel *model,
                    GError  **error)
{
  g_autofree char *config = NULL;
  g_autofree char *version = NULL;
  LscLoadContext ctx;
  gboolean ok = FALSE;
  hid_t file;

  lsc_hdf5_lock ();

  file = lsc_hdf5_open_file (model->path, error);
  if (file < 0)
    goto out;

  config = lsc_hdf5_read_string_attr (file, "model_config", error);
  if (config == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                     "%s: an HDF5 file without a model_config attribute "
                     "(a weights-only file, or not saved by Keras)", model->path);
      goto close;
    }
  version = lsc_hdf5_read_string_attr (file, "keras_version", NULL);
  if (version != NULL)
    {
      g_free (model->keras_version);
      model->keras_version = g_steal_pointer (&version);
    }
  _lsc_load_context_init (&ctx, model->keras_version);

  if (!_lsc_keras_config_build (model, config, -1, "the model_config attribute", &ctx, error))
    goto close;
  if (!check_backend (model, file, error))
    goto close;
  ok = _lsc_keras_h5_bind_weights (model, file, error);

close:
  H5Fclose (file);
out:
  lsc_hdf5_unlock ();
  return ok;
}
