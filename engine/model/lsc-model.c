#include "lsc-model-private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "layers/lsc-layer-input.h"

static void
lsc_node_free (LscNode *node)
{
  g_clear_pointer (&node->layer, lsc_layer_unref);
  g_free (node->name);
  g_free (node->scope);
  g_free (node->inputs);
  g_free (node);
}

LscModel *
_lsc_model_new (const char *path)
{
  LscModel *model = g_new0 (LscModel, 1);

  g_atomic_ref_count_init (&model->ref_count);
  model->path = g_strdup (path);
  model->name = g_path_get_basename (path);
  model->keras_version = g_strdup ("");
  model->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_node_free);
  model->inputs = g_array_new (FALSE, FALSE, sizeof (guint));
  model->outputs = g_array_new (FALSE, FALSE, sizeof (guint));
  model->first_call = g_array_new (FALSE, FALSE, sizeof (gboolean));
  return model;
}

LscModel *
lsc_model_ref (LscModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_atomic_ref_count_inc (&model->ref_count);
  return model;
}

void
lsc_model_unref (LscModel *model)
{
  if (model == NULL || !g_atomic_ref_count_dec (&model->ref_count))
    return;
  g_ptr_array_unref (model->nodes);
  g_array_unref (model->inputs);
  g_array_unref (model->outputs);
  g_array_unref (model->first_call);
  g_free (model->name);
  g_free (model->path);
  g_free (model->keras_version);
  g_free (model);
}

static gboolean
node_name_taken (LscModel   *model,
                 const char *name)
{
  for (guint i = 0; i < model->nodes->len; i++)
    if (g_str_equal (((LscNode *) g_ptr_array_index (model->nodes, i))->name, name))
      return TRUE;
  return FALSE;
}

guint
_lsc_model_add_node (LscModel    *model,
                     LscLayer    *layer,
                     const char  *scope,
                     const guint *inputs,
                     guint        n_inputs)
{
  LscNode *node = g_new0 (LscNode, 1);
  gboolean first = TRUE;
  const char *base = layer ? layer->name : "unsupported";

  for (guint i = 0; i < model->nodes->len && layer != NULL; i++)
    if (((LscNode *) g_ptr_array_index (model->nodes, i))->layer == layer)
      first = FALSE;

  node->layer = layer ? lsc_layer_ref (layer) : NULL;
  node->scope = g_strdup (scope);
  node->inputs = g_memdup2 (inputs, sizeof (guint) * n_inputs);
  node->n_inputs = n_inputs;
  node->output_shape.ndim = 0;

  /* Names stay unique even when nested models reuse a layer name or a
   * shared layer is called again. */
  node->name = g_strdup (base);
  for (guint k = 2; node_name_taken (model, node->name); k++)
    {
      g_free (node->name);
      node->name = g_strdup_printf ("%s_%u", base, k);
    }

  g_ptr_array_add (model->nodes, node);
  g_array_append_val (model->first_call, first);
  return model->nodes->len - 1;
}

char *
_lsc_node_dup_layer_path (const LscNode *node)
{
  if (node->scope == NULL || node->scope[0] == '\0')
    return g_strdup (node->layer->name);
  return g_strconcat (node->scope, "/", node->layer->name, NULL);
}

const char *
lsc_model_get_name (LscModel *model)
{
  return model->name;
}

const char *
lsc_model_get_path (LscModel *model)
{
  return model->path;
}

const char *
lsc_model_get_keras_version (LscModel *model)
{
  return model->keras_version;
}

LscModelFormat
lsc_model_get_format (LscModel *model)
{
  return model->format;
}

guint
lsc_model_get_n_nodes (LscModel *model)
{
  return model->nodes->len;
}

const LscNode *
lsc_model_get_node (LscModel *model,
                    guint     index)
{
  g_return_val_if_fail (index < model->nodes->len, NULL);
  return g_ptr_array_index (model->nodes, index);
}

guint
lsc_model_get_n_inputs (LscModel *model)
{
  return model->inputs->len;
}

guint
lsc_model_get_input_node (LscModel *model,
                          guint     i)
{
  g_return_val_if_fail (i < model->inputs->len, 0);
  return g_array_index (model->inputs, guint, i);
}

guint
lsc_model_get_n_outputs (LscModel *model)
{
  return model->outputs->len;
}

guint
lsc_model_get_output_node (LscModel *model,
                           guint     i)
{
  g_return_val_if_fail (i < model->outputs->len, 0);
  return g_array_index (model->outputs, guint, i);
}

int64_t
lsc_model_get_node_params (LscModel *model,
                           guint     index)
{
  const LscNode *node = lsc_model_get_node (model, index);

  if (!g_array_index (model->first_call, gboolean, index))
    return 0;
  return lsc_layer_count_params (node->layer);
}

int64_t
lsc_model_get_node_macs (LscModel *model,
                         guint     index)
{
  const LscNode *node = lsc_model_get_node (model, index);
  LscShape inputs[64];
  LscShape output;

  if (node->layer->ops->count_macs == NULL)
    return 0;
  if (node->n_inputs > G_N_ELEMENTS (inputs))
    return -1;

  for (guint i = 0; i < node->n_inputs; i++)
    {
      inputs[i] = lsc_model_get_node (model, node->inputs[i])->output_shape;
      inputs[i].dims[0] = 1;
      if (!lsc_shape_is_known (&inputs[i]))
        return -1;
    }
  output = node->output_shape;
  output.dims[0] = 1;
  if (!lsc_shape_is_known (&output))
    return -1;

  return node->layer->ops->count_macs (node->layer, inputs, node->n_inputs, &output);
}

int64_t
lsc_model_get_n_params (LscModel *model)
{
  int64_t total = 0;

  for (guint i = 0; i < model->nodes->len; i++)
    total += lsc_model_get_node_params (model, i);
  return total;
}

int64_t
lsc_model_get_n_macs (LscModel *model)
{
  int64_t total = 0;

  for (guint i = 0; i < model->nodes->len; i++)
    total += MAX (lsc_model_get_node_macs (model, i), 0);
  return total;
}

/* Runs infer on one node given its input shapes, with the arity check
 * every layer shares. */
static gboolean
infer_node (LscModel       *model,
            const LscNode  *node,
            const LscShape *in_shapes,
            LscShape       *out_shape,
            GError        **error)
{
  const LscLayerOps *ops = node->layer->ops;

  if (node->n_inputs < ops->min_inputs || node->n_inputs > ops->max_inputs)
    {
      lsc_layer_set_error (node->layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "called with %u inputs", node->n_inputs);
      return FALSE;
    }
  return ops->infer (node->layer, in_shapes, node->n_inputs, out_shape, error);
}

gboolean
_lsc_model_infer_shapes (LscModel *model,
                         GError  **error)
{
  for (guint i = 0; i < model->nodes->len; i++)
    {
      LscNode *node = g_ptr_array_index (model->nodes, i);
      g_autofree LscShape *in_shapes = g_new0 (LscShape, MAX (node->n_inputs, 1));

      for (guint k = 0; k < node->n_inputs; k++)
        in_shapes[k] = lsc_model_get_node (model, node->inputs[k])->output_shape;
      if (!infer_node (model, node, in_shapes, &node->output_shape, error))
        return FALSE;
    }

  for (guint i = 0; i < model->inputs->len; i++)
    {
      const LscNode *node = lsc_model_get_node (model, g_array_index (model->inputs, guint, i));
      const LscInputParams *params = node->layer->params;

      if (node->layer->ops->kind != LSC_LAYER_KIND_INPUT)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "model input “%s” is not an InputLayer", node->name);
          return FALSE;
        }
      if (params->is_string)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                       "model input “%s” takes strings; Layerscope runs numeric tensors only",
                       node->name);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_input (LscModel       *model,
             guint           i,
             const LscShape *shape,
             GError        **error)
{
  const LscNode *node = lsc_model_get_node (model, g_array_index (model->inputs, guint, i));
  const LscShape *want = &node->output_shape;
  gboolean ok = shape->ndim == want->ndim && shape->dims[0] > 0;

  for (int d = 1; ok && d < want->ndim; d++)
    ok = shape->dims[d] > 0 && (want->dims[d] < 0 || want->dims[d] == shape->dims[d]);

  if (!ok)
    {
      g_autofree char *have = lsc_shape_to_string (shape);
      g_autofree char *expect = lsc_shape_to_string (want);
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "input %u (“%s”) has shape %s but the model expects %s",
                   i, node->name, have, expect);
    }
  return ok;
}

static gboolean
check_input_shapes (LscModel       *model,
                    const LscShape *shapes,
                    guint           n_inputs,
                    GError        **error)
{
  if (n_inputs != model->inputs->len)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "the model takes %u input%s, %u given",
                   model->inputs->len, model->inputs->len == 1 ? "" : "s", n_inputs);
      return FALSE;
    }
  for (guint i = 0; i < n_inputs; i++)
    if (!check_input (model, i, &shapes[i], error))
      return FALSE;
  for (guint i = 1; i < n_inputs; i++)
    if (shapes[i].dims[0] != shapes[0].dims[0])
      {
        g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                     "input %u has batch %" G_GINT64_FORMAT " but input 0 has %" G_GINT64_FORMAT,
                     i, (gint64) shapes[i].dims[0], (gint64) shapes[0].dims[0]);
        return FALSE;
      }
  return TRUE;
}

/* The input of index `node` among the model's inputs, or -1. */
static int
find_model_input (LscModel *model,
                  guint     node)
{
  for (guint k = 0; k < model->inputs->len; k++)
    if (g_array_index (model->inputs, guint, k) == node)
      return (int) k;
  return -1;
}

gboolean
lsc_model_infer_run_shapes (LscModel       *model,
                            const LscShape *input_shapes,
                            guint           n_inputs,
                            LscShape       *shapes,
                            GError        **error)
{
  g_autofree LscShape *in_shapes = NULL;
  guint max_inputs = 1;

  if (!check_input_shapes (model, input_shapes, n_inputs, error))
    return FALSE;
  for (guint i = 0; i < model->nodes->len; i++)
    max_inputs = MAX (max_inputs, lsc_model_get_node (model, i)->n_inputs);
  in_shapes = g_new0 (LscShape, max_inputs);

  for (guint i = 0; i < model->nodes->len; i++)
    {
      const LscNode *node = lsc_model_get_node (model, i);

      if (node->layer->ops->kind == LSC_LAYER_KIND_INPUT)
        {
          int k = find_model_input (model, i);
          if (k < 0)
            {
              g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "InputLayer “%s” is not one of the model's inputs", node->name);
              return FALSE;
            }
          shapes[i] = input_shapes[k];
          continue;
        }
      for (guint k = 0; k < node->n_inputs; k++)
        in_shapes[k] = shapes[node->inputs[k]];
      if (!infer_node (model, node, in_shapes, &shapes[i], error))
        return FALSE;
      if (!lsc_shape_is_known (&shapes[i]))
        {
          g_autofree char *str = lsc_shape_to_string (&shapes[i]);
          lsc_layer_set_error (node->layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "output shape %s is not fixed by the inputs", str);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
lsc_model_run (LscModel               *model,
               const LscTensor *const *inputs,
               guint                   n_inputs,
               LscTensor             **outputs,
               GError                **error)
{
  guint n = model->nodes->len;
  g_autofree LscTensor **values = g_new0 (LscTensor *, n);
  g_autofree guint *uses = g_new0 (guint, n);
  g_autofree LscShape *shapes = g_new0 (LscShape, n);
  g_autofree LscShape *input_shapes = g_new0 (LscShape, MAX (n_inputs, 1));
  g_autofree const LscTensor **in_values = NULL;
  guint max_inputs = 1;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (outputs != NULL, FALSE);

  for (guint i = 0; i < n_inputs; i++)
    input_shapes[i] = inputs[i]->shape;
  if (!lsc_model_infer_run_shapes (model, input_shapes, n_inputs, shapes, error))
    return FALSE;

  /* Consumers per value, so intermediates are freed after their last use. */
  for (guint i = 0; i < n; i++)
    {
      const LscNode *node = g_ptr_array_index (model->nodes, i);
      max_inputs = MAX (max_inputs, node->n_inputs);
      for (guint k = 0; k < node->n_inputs; k++)
        uses[node->inputs[k]]++;
    }
  for (guint o = 0; o < model->outputs->len; o++)
    uses[g_array_index (model->outputs, guint, o)]++;
  in_values = g_new0 (const LscTensor *, max_inputs);

  for (guint i = 0; i < n; i++)
    {
      const LscNode *node = g_ptr_array_index (model->nodes, i);

      if (node->layer->ops->kind == LSC_LAYER_KIND_INPUT)
        {
          values[i] = lsc_tensor_dup (inputs[find_model_input (model, i)]);
          continue;
        }
      for (guint k = 0; k < node->n_inputs; k++)
        in_values[k] = values[node->inputs[k]];
      values[i] = lsc_tensor_new (&shapes[i]);
      node->layer->ops->run (node->layer, (const LscTensor *const *) in_values, node->n_inputs, values[i]);

      for (guint k = 0; k < node->n_inputs; k++)
        if (--uses[node->inputs[k]] == 0)
          g_clear_pointer (&values[node->inputs[k]], lsc_tensor_free);
    }

  for (guint o = 0; o < model->outputs->len; o++)
    outputs[o] = lsc_tensor_dup (values[g_array_index (model->outputs, guint, o)]);
  for (guint i = 0; i < n; i++)
    lsc_tensor_free (values[i]);
  return TRUE;
}

void
_lsc_load_context_init (LscLoadContext *ctx,
                        const char     *keras_version)
{
  ctx->keras_major = 2;
  ctx->keras_minor = 0;
  if (keras_version != NULL && keras_version[0] != '\0')
    {
      char *end = NULL;
      ctx->keras_major = (int) g_ascii_strtoll (keras_version, &end, 10);
      if (end != NULL && *end == '.')
        ctx->keras_minor = (int) g_ascii_strtoll (end + 1, NULL, 10);
      if (ctx->keras_major <= 0)
        ctx->keras_major = 2;
    }
}

/* The HDF5 signature may sit after a user block of 512, 1024, 2048… bytes. */
static gboolean
has_hdf5_signature (FILE *f)
{
  static const guchar sig[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };
  guchar buf[8];

  for (long offset = 0; offset <= 1 << 20; offset = offset ? offset * 2 : 512)
    {
      if (fseek (f, offset, SEEK_SET) != 0 || fread (buf, 1, 8, f) != 8)
        return FALSE;
      if (memcmp (buf, sig, 8) == 0)
        return TRUE;
    }
  return FALSE;
}

LscModel *
lsc_model_load (const char *path,
                GError    **error)
{
  g_autoptr(LscModel) model = NULL;
  guchar magic[4] = { 0 };
  gboolean is_hdf5, is_zip;
  FILE *f;
  size_t got;

  g_return_val_if_fail (path != NULL, NULL);

  f = fopen (path, "rb");
  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", path, g_strerror (saved));
      return NULL;
    }
  got = fread (magic, 1, 4, f);
  is_zip = got == 4 && memcmp (magic, "PK\x03\x04", 4) == 0;
  is_hdf5 = !is_zip && has_hdf5_signature (f);
  fclose (f);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   "%s: is a folder, not a model file", path);
      return NULL;
    }
  if (!is_zip && !is_hdf5)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_NOT_A_MODEL,
                   "%s: not a Keras model (neither an HDF5 file nor a .keras zip archive)", path);
      return NULL;
    }

  model = _lsc_model_new (path);
  model->format = is_zip ? LSC_MODEL_FORMAT_KERAS_ZIP : LSC_MODEL_FORMAT_HDF5;

  if (is_zip ? !_lsc_keras_zip_load (model, error) : !_lsc_keras_h5_load (model, error))
    return NULL;
  if (!_lsc_model_infer_shapes (model, error))
    return NULL;

  return g_steal_pointer (&model);
}

gboolean
lsc_model_make_random_inputs (LscModel   *model,
                              int64_t     batch,
                              GPtrArray  *inputs,
                              GError    **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < lsc_model_get_n_inputs (model); i++)
    {
      const LscNode *node = lsc_model_get_node (model, lsc_model_get_input_node (model, i));
      LscShape shape = node->output_shape;
      LscTensor *t;

      shape.dims[0] = batch;
      if (!lsc_shape_is_known (&shape))
        {
          g_autofree char *s = lsc_shape_to_string (&node->output_shape);
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                       "input “%s” has the shape %s, with a size that is not fixed: random inputs need "
                       "fixed shapes (give images, or run it on .npy inputs with “layerscope run”)",
                       node->name, s);
          return FALSE;
        }
      t = lsc_tensor_new (&shape);
      for (int64_t k = 0; k < lsc_tensor_numel (t); k++)
        t->data[k] = (float) g_rand_double (rand);
      g_ptr_array_add (inputs, t);
    }
  return TRUE;
}
