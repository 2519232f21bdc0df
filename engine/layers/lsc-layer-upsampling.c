/* UpSampling1D/2D. "nearest" repeats cells; UpSampling2D's "bilinear" is
 * tf.image.resize (method="bilinear", antialias=False), which samples with
 * half-pixel centres (TF 2). */

#include "lsc-layer-upsampling.h"

#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"
#include "lsc-layer-spatial-config.h"
#include "kernels/ref/lsc-ref-upsample.h"

static gboolean
upsampling_parse (LscLayer   *layer,
                  JsonObject *config,
                  int         rank,
                  GError    **error)
{
  LscUpsamplingParams *params = g_new0 (LscUpsamplingParams, 1);
  /* Keras 1's UpSampling1D called its factor "length". */
  const char *key = !lsc_config_has (config, "size") && lsc_config_has (config, "length")
                    ? "length" : "size";
  const char *interpolation = NULL;

  layer->params = params;
  params->rank = rank;

  if (!lsc_config_require_channels_last (layer, config, error))
    return FALSE;

  if (!lsc_config_has (config, key))
    params->size[0] = params->size[1] = 2;   /* Keras's default factor */
  else if (!lsc_config_get_ints (layer, config, key, (guint) rank, params->size, error))
    return FALSE;
  for (int i = 0; i < rank; i++)
    if (params->size[i] < 1)
      {
        lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                             "“%s” must be positive", key);
        return FALSE;
      }

  if (!lsc_config_get_string_or (layer, config, "interpolation", "nearest", &interpolation, error))
    return FALSE;
  if (g_str_equal (interpolation, "nearest"))
    params->interpolation = LSC_UPSAMPLING_NEAREST;
  else if (g_str_equal (interpolation, "bilinear") && rank == 2)
    params->interpolation = LSC_UPSAMPLING_BILINEAR;
  else
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "interpolation “%s” is not supported (only nearest%s)",
                           interpolation, rank == 2 ? " and bilinear" : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
upsampling_infer (const LscLayer *layer,
                  const LscShape *inputs,
                  guint           n_inputs,
                  LscShape       *output,
                  GError        **error)
{
  const LscUpsamplingParams *params = layer->params;

  if (!lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;
  if (!lsc_spatial_check_rank (layer, &inputs[0], params->rank + 2, error))
    return FALSE;

  *output = inputs[0];
  for (int i = 0; i < params->rank; i++)
    if (inputs[0].dims[1 + i] >= 0)
      output->dims[1 + i] = inputs[0].dims[1 + i] * params->size[i];
  return TRUE;
}

static void
upsampling_run (const LscLayer         *layer,
                const LscTensor *const *inputs,
                guint                   n_inputs,
                LscTensor              *output)
{
  const LscUpsamplingParams *params = layer->params;
  const LscShape *in = &inputs[0]->shape;
  /* A 1-D layer works on a single row. */
  gboolean two_d = params->rank == 2;
  int64_t in_h = two_d ? in->dims[1] : 1;
  int64_t in_w = in->dims[two_d ? 2 : 1];
  int64_t factor_h = two_d ? params->size[0] : 1;
  int64_t factor_w = params->size[two_d ? 1 : 0];
  int64_t channels = in->dims[in->ndim - 1];

  if (params->interpolation == LSC_UPSAMPLING_BILINEAR)
    lsc_ref_resize_bilinear (inputs[0]->data, in->dims[0], in_h, in_w, channels,
                             in_h * factor_h, in_w * factor_w, TRUE, output->data);
  else
    lsc_ref_upsample_nearest_2d (inputs[0]->data, in->dims[0], in_h, in_w, channels,
                                 factor_h, factor_w, output->data);
}

static gboolean
upsampling1d_parse (LscLayer             *layer,
                    JsonObject           *config,
                    const LscLoadContext *ctx,
                    GError              **error)
{
  return upsampling_parse (layer, config, 1, error);
}

static gboolean
upsampling2d_parse (LscLayer             *layer,
                    JsonObject           *config,
                    const LscLoadContext *ctx,
                    GError              **error)
{
  return upsampling_parse (layer, config, 2, error);
}

const LscLayerOps lsc_layer_upsampling1d_ops = {
  .class_name = "UpSampling1D",
  .kind = LSC_LAYER_KIND_UPSAMPLING,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = upsampling1d_parse,
  .infer = upsampling_infer,
  .run = upsampling_run,
};

const LscLayerOps lsc_layer_upsampling2d_ops = {
  .class_name = "UpSampling2D",
  .kind = LSC_LAYER_KIND_UPSAMPLING,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = upsampling2d_parse,
  .infer = upsampling_infer,
  .run = upsampling_run,
};
