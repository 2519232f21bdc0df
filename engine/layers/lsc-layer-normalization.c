/* BatchNormalization, LayerNormalization, Normalization and Rescaling. */

#include "lsc-layer-normalization.h"

#include "kernels/ref/lsc-ref-index.h"
#include "kernels/ref/lsc-ref-normalization.h"
#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"

/* ---- Shared helpers ---------------------------------------------------- */

/* Reads an int or a list of ints (an axis list); a missing or null key gives
 * the single default axis. Range and duplicates are checked against the
 * input's rank by resolve_axes. */
static gboolean
read_axes (const LscLayer *layer,
           JsonObject     *config,
           int64_t         fallback,
           int64_t        *axes,
           guint          *n_axes,
           GError        **error)
{
  if (!lsc_config_has (config, "axis"))
    {
      axes[0] = fallback;
      *n_axes = 1;
      return TRUE;
    }
  return lsc_config_get_int_list (layer, config, "axis", axes, LSC_MAX_DIMS, n_axes, error);
}

/* Turns config axes (negative ones count from the end) into flags over the
 * input's ndim axes; every flagged axis must have a known size. `resolved`
 * (optional) receives the axes made non-negative, in config order. */
static gboolean
resolve_axes (const LscLayer *layer,
              const LscShape *shape,
              const int64_t  *axes,
              guint           n_axes,
              gboolean       *flags,
              int64_t        *resolved,
              GError        **error)
{
  for (int d = 0; d < LSC_MAX_DIMS; d++)
    flags[d] = FALSE;

  for (guint i = 0; i < n_axes; i++)
    {
      int64_t axis = axes[i] < 0 ? axes[i] + shape->ndim : axes[i];

      if (axis < 0 || axis >= shape->ndim)
        {
          g_autofree char *s = lsc_shape_to_string (shape);
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "axis %" G_GINT64_FORMAT " is out of range for an input of shape %s",
                               (gint64) axes[i], s);
          return FALSE;
        }
      if (flags[axis])
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                               "axis %" G_GINT64_FORMAT " is listed twice", (gint64) axis);
          return FALSE;
        }
      if (shape->dims[axis] < 0)
        {
          g_autofree char *s = lsc_shape_to_string (shape);
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "axis %" G_GINT64_FORMAT " of the input %s must have a known size",
                               (gint64) axes[i], s);
          return FALSE;
        }
      flags[axis] = TRUE;
      if (resolved != NULL)
        resolved[i] = axis;
    }
  return TRUE;
}

static gboolean
require_one_input (const LscLayer *layer,
                   const LscShape *inputs,
                   guint           n_inputs,
                   GError        **error)
{
  if (n_inputs != 1 || inputs[0].ndim < 1)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE, "needs exactly one input");
      return FALSE;
    }
  return TRUE;
}

/* ---- Constant arrays in configs (Rescaling scale/offset, Normalization
 * mean/variance): a number, a nested list, or Keras 3's serialized array
 * {"class_name": "__numpy__", "config": {"value": …}}. ------------------- */

static gboolean
json_fill (JsonNode       *node,
           const LscShape *shape,
           int             depth,
           float          *data,
           int64_t        *pos)
{
  JsonArray *array;

  if (depth == shape->ndim)
    {
      GType type;

      if (!JSON_NODE_HOLDS_VALUE (node))
        return FALSE;
      type = json_node_get_value_type (node);
      if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
        return FALSE;
      data[(*pos)++] = (float) json_node_get_double (node);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  if ((int64_t) json_array_get_length (array) != shape->dims[depth])
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!json_fill (json_array_get_element (array, i), shape, depth + 1, data, pos))
      return FALSE;
  return TRUE;
}

static gboolean
read_constant_array (const LscLayer *layer,
                     JsonObject     *config,
                     const char     *key,
                     double          fallback,
                     LscTensor     **out,
                     GError        **error)
{
  JsonNode *node = json_object_get_member (config, key);
  LscShape shape = { .ndim = 0 };
  g_autoptr(LscTensor) tensor = NULL;
  int64_t pos = 0;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      float value = (float) fallback;
      *out = lsc_tensor_new_from_data (&shape, &value);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);
      JsonNode *inner = json_object_get_member (obj, "config");

      node = NULL;
      if (inner != NULL && JSON_NODE_HOLDS_OBJECT (inner))
        node = json_object_get_member (json_node_get_object (inner), "value");
      if (node == NULL)
        goto bad;
    }

  /* The shape from the first element at each depth; json_fill then checks
   * that the nesting is regular. */
  for (JsonNode *n = node; JSON_NODE_HOLDS_ARRAY (n); )
    {
      JsonArray *array = json_node_get_array (n);

      if (shape.ndim == LSC_MAX_DIMS)
        goto bad;
      shape.dims[shape.ndim++] = json_array_get_length (array);
      if (json_array_get_length (array) == 0)
        break;
      n = json_array_get_element (array, 0);
    }

  tensor = lsc_tensor_new (&shape);
  if (!json_fill (node, &shape, 0, tensor->data, &pos))
    goto bad;

  *out = g_steal_pointer (&tensor);
  return TRUE;

bad:
  lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "“%s” must be a number or a (nested) list of numbers", key);
  return FALSE;
}

/* Full-rank dims of a constant aligned on the last axes of `shape` (numpy
 * broadcasting); FALSE when it does not broadcast to exactly that shape. */
static gboolean
align_on_last_axes (const LscTensor *constant,
                    const LscShape  *shape,
                    int64_t         *param_dims)
{
  int offset = shape->ndim - constant->shape.ndim;

  if (offset < 0)
    return FALSE;
  for (int d = 0; d < shape->ndim; d++)
    param_dims[d] = 1;
  for (int d = 0; d < constant->shape.ndim; d++)
    {
      int64_t c = constant->shape.dims[d];
      int64_t s = shape->dims[d + offset];

      /* An unknown input dim is checked again once it is known. */
      if (c != 1 && s >= 0 && c != s)
        return FALSE;
      param_dims[d + offset] = c;
    }
  return TRUE;
}

/* ---- BatchNormalization ------------------------------------------------ */

static gboolean
batch_norm_parse (LscLayer             *layer,
                  JsonObject           *config,
                  const LscLoadContext *ctx,
                  GError              **error)
{
  LscBatchNormParams *params = g_new0 (LscBatchNormParams, 1);
  int64_t mode = 0;

  layer->params = params;

  if (!read_axes (layer, config, -1, params->axes, &params->n_axes, error) ||
      !lsc_config_get_double_or (layer, config, "epsilon", 1e-3, &params->epsilon, error) ||
      !lsc_config_get_bool_or (layer, config, "center", TRUE, &params->center, error) ||
      !lsc_config_get_bool_or (layer, config, "scale", TRUE, &params->scale, error) ||
      !lsc_config_get_bool_or (layer, config, "renorm", FALSE, &params->renorm, error) ||
      !lsc_config_get_int_or (layer, config, "mode", 0, &mode, error))
    return FALSE;

  if (params->n_axes == 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG, "“axis” is an empty list");
      return FALSE;
    }
  /* Keras 1: mode 1 normalises each sample and mode 2 uses the batch's own
   * statistics even at inference; only mode 0 is the moving-average form. */
  if (mode != 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "Keras 1 BatchNormalization mode %" G_GINT64_FORMAT
                           " is not supported (only mode 0)", (gint64) mode);
      return FALSE;
    }
  /* Ghost batches change the shape of the weights (an extra axis). */
  if (lsc_config_has (config, "virtual_batch_size"))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "“virtual_batch_size” is not supported");
      return FALSE;
    }
  return TRUE;
}

/* Full-rank parameter dims: the input's size on the normalized axes, 1
 * elsewhere. */
static void
param_dims_over_axes (const LscShape *shape,
                      const gboolean *flags,
                      int64_t        *param_dims)
{
  for (int d = 0; d < shape->ndim; d++)
    param_dims[d] = flags[d] ? shape->dims[d] : 1;
}

static gboolean
batch_norm_infer (const LscLayer *layer,
                  const LscShape *inputs,
                  guint           n_inputs,
                  LscShape       *output,
                  GError        **error)
{
  const LscBatchNormParams *params = layer->params;
  gboolean flags[LSC_MAX_DIMS];
  int64_t resolved[LSC_MAX_DIMS];
  LscShape param_shape = { 0 };
  guint n_weights, w = 0;

  if (!require_one_input (layer, inputs, n_inputs, error) ||
      !resolve_axes (layer, &inputs[0], params->axes, params->n_axes, flags, resolved, error))
    return FALSE;

  /* tf.keras: one axis gives (C,) weights, several give weights of the
   * input's rank with 1 on the other axes (batch included). */
  if (params->n_axes == 1)
    param_shape = lsc_shape_make (1, inputs[0].dims[resolved[0]]);
  else
    {
      param_shape.ndim = inputs[0].ndim;
      param_dims_over_axes (&inputs[0], flags, param_shape.dims);
    }

  n_weights = (params->scale ? 1 : 0) + (params->center ? 1 : 0) + 2 + (params->renorm ? 2 : 0);
  if (!lsc_layer_check_n_weights (layer, n_weights, error))
    return FALSE;
  for (w = 0; w < n_weights; w++)
    if (!lsc_layer_check_weight (layer, w, &param_shape, error))
      return FALSE;

  *output = inputs[0];
  return TRUE;
}

static void
batch_norm_run (const LscLayer         *layer,
                const LscTensor *const *inputs,
                guint                   n_inputs,
                LscTensor              *output)
{
  const LscBatchNormParams *params = layer->params;
  const LscShape *shape = &inputs[0]->shape;
  gboolean flags[LSC_MAX_DIMS];
  int64_t param_dims[LSC_MAX_DIMS], strides[LSC_MAX_DIMS];
  const float *gamma = NULL, *beta = NULL, *mean, *variance;
  g_autofree float *scale = NULL;
  g_autofree float *shift = NULL;
  guint w = 0;
  int64_t n;

  if (!resolve_axes (layer, shape, params->axes, params->n_axes, flags, NULL, NULL))
    g_return_if_reached ();
  param_dims_over_axes (shape, flags, param_dims);
  lsc_ref_broadcast_strides (shape->ndim, param_dims, strides);

  if (params->scale)
    gamma = lsc_layer_get_weight (layer, w++)->data;
  if (params->center)
    beta = lsc_layer_get_weight (layer, w++)->data;
  mean = lsc_layer_get_weight (layer, w++)->data;
  variance = lsc_layer_get_weight (layer, w++)->data;

  n = lsc_tensor_numel (lsc_layer_get_weight (layer, w - 1));
  scale = g_new (float, MAX (n, 1));
  shift = g_new (float, MAX (n, 1));
  lsc_ref_batch_norm_fold (n, gamma, beta, mean, variance, (float) params->epsilon, scale, shift);
  lsc_ref_scale_shift (inputs[0]->data, shape->ndim, shape->dims,
                       scale, strides, shift, strides, output->data);
}

const LscLayerOps lsc_layer_batch_normalization_ops = {
  .class_name = "BatchNormalization",
  .kind = LSC_LAYER_KIND_NORMALIZATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = batch_norm_parse,
  .infer = batch_norm_infer,
  .run = batch_norm_run,
};

/* ---- LayerNormalization ------------------------------------------------ */

static gboolean
layer_norm_parse (LscLayer             *layer,
                  JsonObject           *config,
                  const LscLoadContext *ctx,
                  GError              **error)
{
  LscLayerNormParams *params = g_new0 (LscLayerNormParams, 1);

  layer->params = params;

  if (!read_axes (layer, config, -1, params->axes, &params->n_axes, error) ||
      !lsc_config_get_double_or (layer, config, "epsilon", 1e-3, &params->epsilon, error) ||
      !lsc_config_get_bool_or (layer, config, "center", TRUE, &params->center, error) ||
      !lsc_config_get_bool_or (layer, config, "scale", TRUE, &params->scale, error) ||
      !lsc_config_get_bool_or (layer, config, "rms_scaling", FALSE, &params->rms_scaling, error))
    return FALSE;

  if (params->n_axes == 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG, "“axis” is an empty list");
      return FALSE;
    }
  return TRUE;
}

static gboolean
layer_norm_has_gamma (const LscLayerNormParams *params)
{
  return params->scale || params->rms_scaling;
}

static gboolean
layer_norm_has_beta (const LscLayerNormParams *params)
{
  return params->center && !params->rms_scaling;
}

static gboolean
layer_norm_infer (const LscLayer *layer,
                  const LscShape *inputs,
                  guint           n_inputs,
                  LscShape       *output,
                  GError        **error)
{
  const LscLayerNormParams *params = layer->params;
  gboolean flags[LSC_MAX_DIMS];
  int64_t resolved[LSC_MAX_DIMS];
  LscShape param_shape = { .ndim = (int) params->n_axes };
  guint n_weights;

  if (!require_one_input (layer, inputs, n_inputs, error) ||
      !resolve_axes (layer, &inputs[0], params->axes, params->n_axes, flags, resolved, error))
    return FALSE;

  /* Keras: shape = [input_shape[dim] for dim in axis], in config order. */
  for (guint i = 0; i < params->n_axes; i++)
    param_shape.dims[i] = inputs[0].dims[resolved[i]];

  n_weights = (layer_norm_has_gamma (params) ? 1 : 0) + (layer_norm_has_beta (params) ? 1 : 0);
  if (!lsc_layer_check_n_weights (layer, n_weights, error))
    return FALSE;
  for (guint w = 0; w < n_weights; w++)
    if (!lsc_layer_check_weight (layer, w, &param_shape, error))
      return FALSE;

  *output = inputs[0];
  return TRUE;
}

static void
layer_norm_run (const LscLayer         *layer,
                const LscTensor *const *inputs,
                guint                   n_inputs,
                LscTensor              *output)
{
  const LscLayerNormParams *params = layer->params;
  const LscShape *shape = &inputs[0]->shape;
  gboolean flags[LSC_MAX_DIMS];
  const float *gamma = NULL, *beta = NULL;
  guint w = 0;

  if (!resolve_axes (layer, shape, params->axes, params->n_axes, flags, NULL, NULL))
    g_return_if_reached ();

  /* Keras reshapes gamma and beta to the broadcast shape (a plain reshape,
   * not a transpose), so their flat data runs over the normalized axes in
   * increasing order even when the config lists them otherwise — exactly
   * the member order of the reference kernel. */
  if (layer_norm_has_gamma (params))
    gamma = lsc_layer_get_weight (layer, w++)->data;
  if (layer_norm_has_beta (params))
    beta = lsc_layer_get_weight (layer, w++)->data;

  lsc_ref_layer_norm (inputs[0]->data, shape->ndim, shape->dims, flags,
                      gamma, beta, params->epsilon, params->rms_scaling, output->data);
}

const LscLayerOps lsc_layer_layer_normalization_ops = {
  .class_name = "LayerNormalization",
  .kind = LSC_LAYER_KIND_NORMALIZATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = layer_norm_parse,
  .infer = layer_norm_infer,
  .run = layer_norm_run,
};

/* ---- Normalization ----------------------------------------------------- */

static void
normalization_params_free (gpointer data)
{
  LscNormalizationParams *params = data;

  g_clear_pointer (&params->mean, lsc_tensor_free);
  g_clear_pointer (&params->variance, lsc_tensor_free);
  g_free (params);
}

static gboolean
normalization_parse (LscLayer             *layer,
                     JsonObject           *config,
                     const LscLoadContext *ctx,
                     GError              **error)
{
  LscNormalizationParams *params = g_new0 (LscNormalizationParams, 1);
  JsonNode *axis = json_object_get_member (config, "axis");
  gboolean has_mean = lsc_config_has (config, "mean");
  gboolean has_variance = lsc_config_has (config, "variance");

  layer->params = params;

  /* axis: missing → -1; null → () (one mean and variance for everything). */
  if (axis != NULL && JSON_NODE_HOLDS_NULL (axis))
    params->n_axes = 0;
  else if (!read_axes (layer, config, -1, params->axes, &params->n_axes, error))
    return FALSE;

  if (!lsc_config_get_bool_or (layer, config, "invert", FALSE, &params->invert, error))
    return FALSE;

  if (has_mean != has_variance)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "the config sets only one of “mean” and “variance”");
      return FALSE;
    }
  if (has_mean)
    {
      if (!read_constant_array (layer, config, "mean", 0.0, &params->mean, error) ||
          !read_constant_array (layer, config, "variance", 1.0, &params->variance, error))
        return FALSE;
      if (!lsc_shape_equal (&params->mean->shape, &params->variance->shape))
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                               "“mean” and “variance” have different shapes");
          return FALSE;
        }
      if (params->mean->shape.ndim > (int) params->n_axes)
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                               "“mean” has rank %d but only %u axes are kept",
                               params->mean->shape.ndim, params->n_axes);
          return FALSE;
        }
    }
  return TRUE;
}

/* The kept axes in increasing order; their count is returned. */
static int
normalization_kept_axes (const gboolean *flags,
                         int             ndim,
                         int64_t        *kept)
{
  int n = 0;

  for (int d = 0; d < ndim; d++)
    if (flags[d])
      kept[n++] = d;
  return n;
}

/* Shapes equal once their 1s are dropped: the flat data is then laid out
 * the same (weights of some older versions carry broadcast 1s). */
static gboolean
same_without_ones (const LscShape *a,
                   const LscShape *b)
{
  int i = 0, j = 0;

  for (;;)
    {
      while (i < a->ndim && a->dims[i] == 1)
        i++;
      while (j < b->ndim && b->dims[j] == 1)
        j++;
      if (i == a->ndim || j == b->ndim)
        return i == a->ndim && j == b->ndim;
      if (a->dims[i++] != b->dims[j++])
        return FALSE;
    }
}

/* Full-rank dims of the mean/variance against the input: config constants
 * are aligned right to left on the kept axes (what Keras's broadcasting of
 * input_mean amounts to); weights span the kept axes exactly. */
static gboolean
normalization_param_dims (const LscNormalizationParams *params,
                          const LscShape               *shape,
                          const gboolean               *flags,
                          int64_t                      *param_dims)
{
  int64_t kept[LSC_MAX_DIMS];
  int n_kept = normalization_kept_axes (flags, shape->ndim, kept);

  if (params->mean == NULL)
    {
      param_dims_over_axes (shape, flags, param_dims);
      return TRUE;
    }

  for (int d = 0; d < shape->ndim; d++)
    param_dims[d] = 1;
  if (params->mean->shape.ndim > n_kept)
    return FALSE;
  for (int i = 1; i <= params->mean->shape.ndim; i++)
    {
      int64_t axis = kept[n_kept - i];
      int64_t m = params->mean->shape.dims[params->mean->shape.ndim - i];

      if (m != 1 && m != shape->dims[axis])
        return FALSE;
      param_dims[axis] = m;
    }
  return TRUE;
}

static gboolean
normalization_infer (const LscLayer *layer,
                     const LscShape *inputs,
                     guint           n_inputs,
                     LscShape       *output,
                     GError        **error)
{
  const LscNormalizationParams *params = layer->params;
  gboolean flags[LSC_MAX_DIMS];
  int64_t param_dims[LSC_MAX_DIMS];

  if (!require_one_input (layer, inputs, n_inputs, error) ||
      !resolve_axes (layer, &inputs[0], params->axes, params->n_axes, flags, NULL, error))
    return FALSE;

  if (params->mean != NULL)
    {
      if (!lsc_layer_check_n_weights (layer, 0, error))
        return FALSE;
      if (!normalization_param_dims (params, &inputs[0], flags, param_dims))
        {
          g_autofree char *m = lsc_shape_to_string (&params->mean->shape);
          g_autofree char *s = lsc_shape_to_string (&inputs[0]);
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "“mean” of shape %s does not broadcast over the kept axes of the input %s",
                               m, s);
          return FALSE;
        }
    }
  else
    {
      int64_t kept[LSC_MAX_DIMS];
      int n_kept = normalization_kept_axes (flags, inputs[0].ndim, kept);
      LscShape kept_shape = { .ndim = n_kept };

      for (int i = 0; i < n_kept; i++)
        kept_shape.dims[i] = inputs[0].dims[kept[i]];

      /* mean, variance and (for backwards compatibility) count. */
      if (lsc_layer_get_n_weights (layer) != 2 && !lsc_layer_check_n_weights (layer, 3, error))
        return FALSE;
      for (guint w = 0; w < 2; w++)
        if (!same_without_ones (&lsc_layer_get_weight (layer, w)->shape, &kept_shape) &&
            !lsc_layer_check_weight (layer, w, &kept_shape, error))
          return FALSE;
      if (lsc_layer_get_n_weights (layer) == 3 &&
          lsc_tensor_numel (lsc_layer_get_weight (layer, 2)) != 1)
        {
          LscShape scalar = { .ndim = 0 };
          return lsc_layer_check_weight (layer, 2, &scalar, error);
        }
    }

  *output = inputs[0];
  return TRUE;
}

static void
normalization_run (const LscLayer         *layer,
                   const LscTensor *const *inputs,
                   guint                   n_inputs,
                   LscTensor              *output)
{
  const LscNormalizationParams *params = layer->params;
  const LscShape *shape = &inputs[0]->shape;
  gboolean flags[LSC_MAX_DIMS];
  int64_t param_dims[LSC_MAX_DIMS], strides[LSC_MAX_DIMS];
  const float *mean, *variance;

  if (!resolve_axes (layer, shape, params->axes, params->n_axes, flags, NULL, NULL) ||
      !normalization_param_dims (params, shape, flags, param_dims))
    g_return_if_reached ();
  lsc_ref_broadcast_strides (shape->ndim, param_dims, strides);

  if (params->mean != NULL)
    {
      mean = params->mean->data;
      variance = params->variance->data;
    }
  else
    {
      mean = lsc_layer_get_weight (layer, 0)->data;
      variance = lsc_layer_get_weight (layer, 1)->data;
    }

  lsc_ref_normalization (inputs[0]->data, shape->ndim, shape->dims,
                         mean, variance, strides, params->invert, output->data);
}

const LscLayerOps lsc_layer_normalization_ops = {
  .class_name = "Normalization",
  .kind = LSC_LAYER_KIND_NORMALIZATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = normalization_parse,
  .infer = normalization_infer,
  .run = normalization_run,
  .params_free = normalization_params_free,
};

/* ---- Rescaling --------------------------------------------------------- */

static void
rescaling_params_free (gpointer data)
{
  LscRescalingParams *params = data;

  g_clear_pointer (&params->scale, lsc_tensor_free);
  g_clear_pointer (&params->offset, lsc_tensor_free);
  g_free (params);
}

static gboolean
rescaling_parse (LscLayer             *layer,
                 JsonObject           *config,
                 const LscLoadContext *ctx,
                 GError              **error)
{
  LscRescalingParams *params = g_new0 (LscRescalingParams, 1);

  layer->params = params;

  if (!lsc_config_has (config, "scale"))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG, "the config has no “scale”");
      return FALSE;
    }
  return read_constant_array (layer, config, "scale", 1.0, &params->scale, error) &&
         read_constant_array (layer, config, "offset", 0.0, &params->offset, error);
}

static gboolean
rescaling_infer (const LscLayer *layer,
                 const LscShape *inputs,
                 guint           n_inputs,
                 LscShape       *output,
                 GError        **error)
{
  const LscRescalingParams *params = layer->params;
  int64_t param_dims[LSC_MAX_DIMS];
  const LscTensor *constants[] = { params->scale, params->offset };
  const char *names[] = { "scale", "offset" };

  if (!require_one_input (layer, inputs, n_inputs, error) ||
      !lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (constants); i++)
    if (!align_on_last_axes (constants[i], &inputs[0], param_dims))
      {
        g_autofree char *c = lsc_shape_to_string (&constants[i]->shape);
        g_autofree char *s = lsc_shape_to_string (&inputs[0]);
        lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                             "“%s” of shape %s does not broadcast over the input %s",
                             names[i], c, s);
        return FALSE;
      }

  *output = inputs[0];
  return TRUE;
}

static void
rescaling_run (const LscLayer         *layer,
               const LscTensor *const *inputs,
               guint                   n_inputs,
               LscTensor              *output)
{
  const LscRescalingParams *params = layer->params;
  const LscShape *shape = &inputs[0]->shape;
  int64_t dims[LSC_MAX_DIMS], scale_strides[LSC_MAX_DIMS], offset_strides[LSC_MAX_DIMS];

  if (!align_on_last_axes (params->scale, shape, dims))
    g_return_if_reached ();
  lsc_ref_broadcast_strides (shape->ndim, dims, scale_strides);
  if (!align_on_last_axes (params->offset, shape, dims))
    g_return_if_reached ();
  lsc_ref_broadcast_strides (shape->ndim, dims, offset_strides);

  lsc_ref_scale_shift (inputs[0]->data, shape->ndim, shape->dims,
                       params->scale->data, scale_strides,
                       params->offset->data, offset_strides, output->data);
}

const LscLayerOps lsc_layer_rescaling_ops = {
  .class_name = "Rescaling",
  .kind = LSC_LAYER_KIND_NORMALIZATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = rescaling_parse,
  .infer = rescaling_infer,
  .run = rescaling_run,
  .params_free = rescaling_params_free,
};
