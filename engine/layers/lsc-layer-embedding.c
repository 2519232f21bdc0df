/* Embedding. */

#include "lsc-layer-embedding.h"

#include "kernels/ref/lsc-ref-embedding.h"
#include "lsc-layer-config.h"
#include "lsc-layer-dense.h"
#include "lsc-layer-registry.h"

static gboolean
embedding_parse (LscLayer             *layer,
                 JsonObject           *config,
                 const LscLoadContext *ctx,
                 GError              **error)
{
  LscEmbeddingParams *params = g_new0 (LscEmbeddingParams, 1);

  layer->params = params;

  if (!lsc_config_get_int (layer, config, "input_dim", &params->input_dim, error) ||
      !lsc_config_get_int (layer, config, "output_dim", &params->output_dim, error) ||
      !lsc_config_get_bool_or (layer, config, "mask_zero", FALSE, &params->mask_zero, error))
    return FALSE;
  if (params->input_dim <= 0 || params->output_dim <= 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“input_dim” and “output_dim” must be positive");
      return FALSE;
    }
  /* Keras 3's ops.take wraps negative indices once (TensorFlow's gather
   * in Keras 2 rejects them instead). */
  params->wrap_negative_ids = ctx->keras_major >= 3;
  return lsc_layer_reject_quantized (layer, config, error);
}

static gboolean
embedding_infer (const LscLayer *layer,
                 const LscShape *inputs,
                 guint           n_inputs,
                 LscShape       *output,
                 GError        **error)
{
  const LscEmbeddingParams *params = layer->params;
  LscShape table = lsc_shape_make (2, params->input_dim, params->output_dim);

  if (n_inputs != 1 || inputs[0].ndim < 1 || inputs[0].ndim >= LSC_MAX_DIMS)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "needs one input of rank 1 to %d", LSC_MAX_DIMS - 1);
      return FALSE;
    }
  if (!lsc_layer_check_n_weights (layer, 1, error) ||
      !lsc_layer_check_weight (layer, 0, &table, error))
    return FALSE;

  *output = inputs[0];
  output->dims[output->ndim++] = params->output_dim;
  return TRUE;
}

static void
embedding_run (const LscLayer         *layer,
               const LscTensor *const *inputs,
               guint                   n_inputs,
               LscTensor              *output)
{
  const LscEmbeddingParams *params = layer->params;

  /* An id outside the table makes TensorFlow raise on CPU; we must not
   * crash or read out of bounds, so such ids give rows of zeros (what
   * TensorFlow returns on GPU). */
  lsc_ref_embedding (inputs[0]->data, lsc_tensor_numel (inputs[0]),
                     lsc_layer_get_weight (layer, 0)->data,
                     params->input_dim, params->output_dim,
                     params->wrap_negative_ids, output->data);
}

const LscLayerOps lsc_layer_embedding_ops = {
  .class_name = "Embedding",
  .kind = LSC_LAYER_KIND_EMBEDDING,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = embedding_parse,
  .infer = embedding_infer,
  .run = embedding_run,
};
