/* MaxPooling1D/2D and AveragePooling1D/2D with TF's semantics: SAME padding
 * puts the odd cell after, padded cells never win a max, and an average
 * divides by the number of window cells inside the input. */

#include "lsc-layer-pool.h"

#include "lsc-layer-registry.h"
#include "lsc-layer-spatial-config.h"
#include "kernels/ref/lsc-ref-pool.h"

/* "padding" (Keras 2/3) or "border_mode" (Keras 1); only valid and same
 * exist for pooling. */
static gboolean
read_pool_padding (const LscLayer  *layer,
                   JsonObject      *config,
                   LscPadding      *out,
                   GError         **error)
{
  const char *key = lsc_config_has (config, "padding") || !lsc_config_has (config, "border_mode")
                    ? "padding" : "border_mode";
  const char *padding = NULL;

  if (!lsc_config_get_string_or (layer, config, key, "valid", &padding, error))
    return FALSE;
  if (g_ascii_strcasecmp (padding, "valid") == 0)
    *out = LSC_PADDING_VALID;
  else if (g_ascii_strcasecmp (padding, "same") == 0)
    *out = LSC_PADDING_SAME;
  else
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "%s “%s” is not supported for pooling (only valid or same)",
                           key, padding);
      return FALSE;
    }
  return TRUE;
}

/* Reads an int-or-list window option of `rank` positive values from the
 * first of `keys` present (Keras 2/3 name first, then Keras 1's); missing
 * everywhere gives `fallback` on every axis, or leaves out untouched and
 * returns FALSE in *found when fallback is 0. */
static gboolean
read_window_ints (const LscLayer     *layer,
                  JsonObject         *config,
                  const char *const  *keys,
                  int                 rank,
                  int64_t             fallback,
                  int64_t            *out,
                  gboolean           *found,
                  GError            **error)
{
  *found = FALSE;
  for (guint k = 0; keys[k] != NULL; k++)
    {
      if (!lsc_config_has (config, keys[k]))
        continue;
      if (!lsc_config_get_ints (layer, config, keys[k], (guint) rank, out, error))
        return FALSE;
      for (int i = 0; i < rank; i++)
        if (out[i] < 1)
          {
            lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                                 "“%s” must be positive", keys[k]);
            return FALSE;
          }
      *found = TRUE;
      return TRUE;
    }
  if (fallback > 0)
    {
      for (int i = 0; i < rank; i++)
        out[i] = fallback;
      *found = TRUE;
    }
  return TRUE;
}

static gboolean
pool_parse (LscLayer   *layer,
            JsonObject *config,
            LscPoolOp   op,
            int         rank,
            GError    **error)
{
  static const char *const pool_keys[] = { "pool_size", "pool_length", NULL };
  static const char *const stride_keys[] = { "strides", "stride", NULL };
  LscPoolParams *params = g_new0 (LscPoolParams, 1);
  gboolean found;

  layer->params = params;
  params->op = op;
  params->rank = rank;

  if (!lsc_config_require_channels_last (layer, config, error))
    return FALSE;
  /* Keras's default window is 2 on every axis. */
  if (!read_window_ints (layer, config, pool_keys, rank, 2, params->pool_size, &found, error))
    return FALSE;
  if (!read_window_ints (layer, config, stride_keys, rank, 0, params->strides, &found, error))
    return FALSE;
  if (!found)
    for (int i = 0; i < rank; i++)
      params->strides[i] = params->pool_size[i];
  return read_pool_padding (layer, config, &params->padding, error);
}

static gboolean
pool_infer (const LscLayer *layer,
            const LscShape *inputs,
            guint           n_inputs,
            LscShape       *output,
            GError        **error)
{
  const LscPoolParams *params = layer->params;

  if (!lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;
  if (!lsc_spatial_check_rank (layer, &inputs[0], params->rank + 2, error))
    return FALSE;

  *output = inputs[0];
  for (int i = 0; i < params->rank; i++)
    {
      int64_t in = inputs[0].dims[1 + i];
      int64_t out = lsc_conv_output_length (in, params->pool_size[i], params->strides[i], 1,
                                            params->padding);

      /* Keras would produce an empty tensor that no later layer can use;
       * a clear error is more useful. */
      if (in >= 0 && out < 1)
        {
          g_autofree char *have = lsc_shape_to_string (&inputs[0]);
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "the input %s is smaller than the pool size %" G_GINT64_FORMAT
                               " on spatial axis %d with padding valid",
                               have, (gint64) params->pool_size[i], i + 1);
          return FALSE;
        }
      output->dims[1 + i] = out;
    }
  return TRUE;
}

static void
pool_run (const LscLayer         *layer,
          const LscTensor *const *inputs,
          guint                   n_inputs,
          LscTensor              *output)
{
  const LscPoolParams *params = layer->params;
  const LscShape *in = &inputs[0]->shape;
  LscRefPool2dGeometry g = { 0 };
  /* A 1-D layer is a 2-D one over a single row. */
  int h = params->rank == 2 ? 0 : -1;
  int w = params->rank - 1;

  g.batch = in->dims[0];
  g.channels = in->dims[in->ndim - 1];
  g.in_h = h >= 0 ? in->dims[1 + h] : 1;
  g.in_w = in->dims[1 + w];
  g.pool_h = h >= 0 ? params->pool_size[h] : 1;
  g.pool_w = params->pool_size[w];
  g.stride_h = h >= 0 ? params->strides[h] : 1;
  g.stride_w = params->strides[w];
  g.out_h = h >= 0 ? output->shape.dims[1 + h] : 1;
  g.out_w = output->shape.dims[1 + w];
  g.pad_top = lsc_conv_pad_before (g.in_h, g.pool_h, g.stride_h, 1, params->padding);
  g.pad_left = lsc_conv_pad_before (g.in_w, g.pool_w, g.stride_w, 1, params->padding);

  if (params->op == LSC_POOL_MAX)
    lsc_ref_max_pool_2d (inputs[0]->data, &g, output->data);
  else
    lsc_ref_avg_pool_2d (inputs[0]->data, &g, output->data);
}

static gboolean
max_pooling1d_parse (LscLayer             *layer,
                     JsonObject           *config,
                     const LscLoadContext *ctx,
                     GError              **error)
{
  return pool_parse (layer, config, LSC_POOL_MAX, 1, error);
}

static gboolean
max_pooling2d_parse (LscLayer             *layer,
                     JsonObject           *config,
                     const LscLoadContext *ctx,
                     GError              **error)
{
  return pool_parse (layer, config, LSC_POOL_MAX, 2, error);
}

static gboolean
average_pooling1d_parse (LscLayer             *layer,
                         JsonObject           *config,
                         const LscLoadContext *ctx,
                         GError              **error)
{
  return pool_parse (layer, config, LSC_POOL_AVERAGE, 1, error);
}

static gboolean
average_pooling2d_parse (LscLayer             *layer,
                         JsonObject           *config,
                         const LscLoadContext *ctx,
                         GError              **error)
{
  return pool_parse (layer, config, LSC_POOL_AVERAGE, 2, error);
}

const LscLayerOps lsc_layer_max_pooling1d_ops = {
  .class_name = "MaxPooling1D",
  .kind = LSC_LAYER_KIND_POOL,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = max_pooling1d_parse,
  .infer = pool_infer,
  .run = pool_run,
};

const LscLayerOps lsc_layer_max_pooling2d_ops = {
  .class_name = "MaxPooling2D",
  .kind = LSC_LAYER_KIND_POOL,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = max_pooling2d_parse,
  .infer = pool_infer,
  .run = pool_run,
};

const LscLayerOps lsc_layer_average_pooling1d_ops = {
  .class_name = "AveragePooling1D",
  .kind = LSC_LAYER_KIND_POOL,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = average_pooling1d_parse,
  .infer = pool_infer,
  .run = pool_run,
};

const LscLayerOps lsc_layer_average_pooling2d_ops = {
  .class_name = "AveragePooling2D",
  .kind = LSC_LAYER_KIND_POOL,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = average_pooling2d_parse,
  .infer = pool_infer,
  .run = pool_run,
};
