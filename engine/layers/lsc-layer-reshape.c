/* Flatten, Reshape and Permute. */

#include "lsc-layer-reshape.h"

#include <string.h>

#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"
#include "lsc-layer-spatial-config.h"
#include "kernels/ref/lsc-ref-transpose.h"

static gboolean
check_rank_at_least_1 (const LscLayer  *layer,
                       const LscShape  *input,
                       GError         **error)
{
  if (input->ndim >= 1)
    return TRUE;
  lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                       "the input has no dimensions (a batch axis is needed)");
  return FALSE;
}

/* Product of the non-batch dims, or LSC_DIM_UNKNOWN when one is unknown. */
static int64_t
sample_numel (const LscShape *shape)
{
  int64_t n = 1;

  for (int i = 1; i < shape->ndim; i++)
    {
      if (shape->dims[i] < 0)
        return LSC_DIM_UNKNOWN;
      n *= shape->dims[i];
    }
  return n;
}

static void
copy_run (const LscLayer         *layer,
          const LscTensor *const *inputs,
          guint                   n_inputs,
          LscTensor              *output)
{
  /* Channels last, Flatten and Reshape reinterpret the row-major data. */
  memcpy (output->data, inputs[0]->data, (size_t) lsc_tensor_numel (output) * sizeof (float));
}

/* Flatten */

static gboolean
flatten_parse (LscLayer             *layer,
               JsonObject           *config,
               const LscLoadContext *ctx,
               GError              **error)
{
  LscReshapeParams *params = g_new0 (LscReshapeParams, 1);

  layer->params = params;
  params->op = LSC_RESHAPE_OP_FLATTEN;
  /* channels_first Flatten transposes to channels last first; we only run
   * channels-last models. */
  return lsc_config_require_channels_last (layer, config, error);
}

static gboolean
flatten_infer (const LscLayer *layer,
               const LscShape *inputs,
               guint           n_inputs,
               LscShape       *output,
               GError        **error)
{
  if (!lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;
  if (!check_rank_at_least_1 (layer, &inputs[0], error))
    return FALSE;
  /* A (batch,) input becomes (batch, 1), as in Keras. */
  *output = lsc_shape_make (2, inputs[0].dims[0], sample_numel (&inputs[0]));
  return TRUE;
}

/* Reshape */

static gboolean
reshape_parse (LscLayer             *layer,
               JsonObject           *config,
               const LscLoadContext *ctx,
               GError              **error)
{
  LscReshapeParams *params = g_new0 (LscReshapeParams, 1);
  guint n = 0;
  int n_inferred = 0;

  layer->params = params;
  params->op = LSC_RESHAPE_OP_RESHAPE;

  /* An empty list is a valid target (batch,); lsc_config_get_int_list maps null, as
   * some versions write the inferred axis, to -1. */
  if (!lsc_config_get_int_list (layer, config, "target_shape", params->dims,
                                G_N_ELEMENTS (params->dims), &n, error))
    return FALSE;
  params->n_dims = (int) n;

  for (int i = 0; i < params->n_dims; i++)
    {
      if (params->dims[i] == -1)
        n_inferred++;
      else if (params->dims[i] < 1)
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                               "target_shape entry %d is %" G_GINT64_FORMAT
                               " (sizes must be positive, or -1 once)",
                               i, (gint64) params->dims[i]);
          return FALSE;
        }
    }
  if (n_inferred > 1)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "target_shape has %d entries of -1, at most one is allowed",
                           n_inferred);
      return FALSE;
    }
  return TRUE;
}

static gboolean
reshape_infer (const LscLayer *layer,
               const LscShape *inputs,
               guint           n_inputs,
               LscShape       *output,
               GError        **error)
{
  const LscReshapeParams *params = layer->params;
  int64_t in_numel = sample_numel (&inputs[0]);
  int64_t known_product = 1;
  int inferred = -1;

  if (!lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;
  if (!check_rank_at_least_1 (layer, &inputs[0], error))
    return FALSE;

  output->ndim = params->n_dims + 1;
  output->dims[0] = inputs[0].dims[0];
  for (int i = 0; i < params->n_dims; i++)
    {
      output->dims[1 + i] = params->dims[i];
      if (params->dims[i] == -1)
        inferred = i;
      else
        known_product *= params->dims[i];
    }

  /* With an unknown input dim the -1 stays unknown and the element count
   * is checked when the shapes are known. */
  if (in_numel < 0)
    return TRUE;

  if (inferred >= 0 ? in_numel % known_product != 0 : in_numel != known_product)
    {
      g_autofree char *have = lsc_shape_to_string (&inputs[0]);
      g_autofree char *want = NULL;

      output->dims[0] = LSC_DIM_UNKNOWN;
      want = lsc_shape_to_string (output);
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "cannot reshape the input %s (%" G_GINT64_FORMAT
                           " values per sample) to %s", have, (gint64) in_numel, want);
      return FALSE;
    }
  if (inferred >= 0)
    output->dims[1 + inferred] = in_numel / known_product;
  return TRUE;
}

/* Permute */

static gboolean
permute_parse (LscLayer             *layer,
               JsonObject           *config,
               const LscLoadContext *ctx,
               GError              **error)
{
  LscReshapeParams *params = g_new0 (LscReshapeParams, 1);
  gboolean seen[LSC_MAX_DIMS] = { FALSE };
  guint n = 0;

  layer->params = params;
  params->op = LSC_RESHAPE_OP_PERMUTE;

  if (!lsc_config_get_int_list (layer, config, "dims", params->dims,
                                G_N_ELEMENTS (params->dims), &n, error))
    return FALSE;
  params->n_dims = (int) n;

  for (int i = 0; i < params->n_dims; i++)
    {
      int64_t axis = params->dims[i];

      if (axis < 1 || axis > params->n_dims || seen[axis])
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                               "“dims” must be a permutation of 1 … %d (the batch axis "
                               "is not counted)", params->n_dims);
          return FALSE;
        }
      seen[axis] = TRUE;
    }
  if (params->n_dims == 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG, "“dims” is empty");
      return FALSE;
    }
  return TRUE;
}

static gboolean
permute_infer (const LscLayer *layer,
               const LscShape *inputs,
               guint           n_inputs,
               LscShape       *output,
               GError        **error)
{
  const LscReshapeParams *params = layer->params;

  if (!lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;
  if (!lsc_spatial_check_rank (layer, &inputs[0], params->n_dims + 1, error))
    return FALSE;

  *output = inputs[0];
  for (int i = 0; i < params->n_dims; i++)
    output->dims[1 + i] = inputs[0].dims[params->dims[i]];
  return TRUE;
}

static void
permute_run (const LscLayer         *layer,
             const LscTensor *const *inputs,
             guint                   n_inputs,
             LscTensor              *output)
{
  const LscReshapeParams *params = layer->params;
  int perm[LSC_MAX_DIMS];

  perm[0] = 0;
  for (int i = 0; i < params->n_dims; i++)
    perm[1 + i] = (int) params->dims[i];
  lsc_ref_transpose (inputs[0]->data, inputs[0]->shape.ndim, inputs[0]->shape.dims, perm,
                     output->data);
}

const LscLayerOps lsc_layer_flatten_ops = {
  .class_name = "Flatten",
  .kind = LSC_LAYER_KIND_RESHAPE,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = flatten_parse,
  .infer = flatten_infer,
  .run = copy_run,
};

const LscLayerOps lsc_layer_reshape_ops = {
  .class_name = "Reshape",
  .kind = LSC_LAYER_KIND_RESHAPE,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = reshape_parse,
  .infer = reshape_infer,
  .run = copy_run,
};

const LscLayerOps lsc_layer_permute_ops = {
  .class_name = "Permute",
  .kind = LSC_LAYER_KIND_RESHAPE,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = permute_parse,
  .infer = permute_infer,
  .run = permute_run,
};
