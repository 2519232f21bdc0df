/* Global pooling. Masks (GlobalAveragePooling1D after an Embedding with
 * mask_zero) are not part of the layer contract: this is the unmasked
 * computation. */

#include "lsc-layer-global-pool.h"

#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"
#include "lsc-layer-spatial-config.h"
#include "kernels/ref/lsc-ref-pool.h"

static gboolean
global_pool_parse (LscLayer   *layer,
                   JsonObject *config,
                   LscPoolOp   op,
                   int         rank,
                   GError    **error)
{
  LscGlobalPoolParams *params = g_new0 (LscGlobalPoolParams, 1);

  layer->params = params;
  params->op = op;
  params->rank = rank;

  if (!lsc_config_require_channels_last (layer, config, error))
    return FALSE;
  /* keepdims appeared in Keras 2.6; older files mean FALSE. */
  return lsc_config_get_bool_or (layer, config, "keepdims", FALSE, &params->keepdims, error);
}

static gboolean
global_pool_infer (const LscLayer *layer,
                   const LscShape *inputs,
                   guint           n_inputs,
                   LscShape       *output,
                   GError        **error)
{
  const LscGlobalPoolParams *params = layer->params;
  const LscShape *in = &inputs[0];

  if (!lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;
  if (!lsc_spatial_check_rank (layer, in, params->rank + 2, error))
    return FALSE;

  if (params->keepdims)
    {
      *output = *in;
      for (int i = 0; i < params->rank; i++)
        output->dims[1 + i] = 1;
    }
  else
    *output = lsc_shape_make (2, in->dims[0], in->dims[in->ndim - 1]);
  return TRUE;
}

static void
global_pool_run (const LscLayer         *layer,
                 const LscTensor *const *inputs,
                 guint                   n_inputs,
                 LscTensor              *output)
{
  const LscGlobalPoolParams *params = layer->params;
  const LscShape *in = &inputs[0]->shape;
  int64_t spatial = 1;

  for (int i = 1; i < in->ndim - 1; i++)
    spatial *= in->dims[i];

  /* keepdims only adds axes of length 1: the data is the same. */
  if (params->op == LSC_POOL_MAX)
    lsc_ref_global_max_pool (inputs[0]->data, in->dims[0], spatial, in->dims[in->ndim - 1],
                             output->data);
  else
    lsc_ref_global_avg_pool (inputs[0]->data, in->dims[0], spatial, in->dims[in->ndim - 1],
                             output->data);
}

static gboolean
global_max_pooling1d_parse (LscLayer             *layer,
                            JsonObject           *config,
                            const LscLoadContext *ctx,
                            GError              **error)
{
  return global_pool_parse (layer, config, LSC_POOL_MAX, 1, error);
}

static gboolean
global_max_pooling2d_parse (LscLayer             *layer,
                            JsonObject           *config,
                            const LscLoadContext *ctx,
                            GError              **error)
{
  return global_pool_parse (layer, config, LSC_POOL_MAX, 2, error);
}

static gboolean
global_average_pooling1d_parse (LscLayer             *layer,
                                JsonObject           *config,
                                const LscLoadContext *ctx,
                                GError              **error)
{
  return global_pool_parse (layer, config, LSC_POOL_AVERAGE, 1, error);
}

static gboolean
global_average_pooling2d_parse (LscLayer             *layer,
                                JsonObject           *config,
                                const LscLoadContext *ctx,
                                GError              **error)
{
  return global_pool_parse (layer, config, LSC_POOL_AVERAGE, 2, error);
}

const LscLayerOps lsc_layer_global_max_pooling1d_ops = {
  .class_name = "GlobalMaxPooling1D",
  .kind = LSC_LAYER_KIND_GLOBAL_POOL,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = global_max_pooling1d_parse,
  .infer = global_pool_infer,
  .run = global_pool_run,
};

const LscLayerOps lsc_layer_global_max_pooling2d_ops = {
  .class_name = "GlobalMaxPooling2D",
  .kind = LSC_LAYER_KIND_GLOBAL_POOL,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = global_max_pooling2d_parse,
  .infer = global_pool_infer,
  .run = global_pool_run,
};

const LscLayerOps lsc_layer_global_average_pooling1d_ops = {
  .class_name = "GlobalAveragePooling1D",
  .kind = LSC_LAYER_KIND_GLOBAL_POOL,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = global_average_pooling1d_parse,
  .infer = global_pool_infer,
  .run = global_pool_run,
};

const LscLayerOps lsc_layer_global_average_pooling2d_ops = {
  .class_name = "GlobalAveragePooling2D",
  .kind = LSC_LAYER_KIND_GLOBAL_POOL,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = global_average_pooling2d_parse,
  .infer = global_pool_infer,
  .run = global_pool_run,
};
