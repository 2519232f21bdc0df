/* ZeroPadding1D/2D and Cropping1D/2D, with every config form Keras has
 * saved: an int, a pair, a pair of pairs, and Keras 1's 4-list and dict. */

#include "lsc-layer-padding.h"

#include <math.h>

#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"
#include "lsc-layer-spatial-config.h"
#include "kernels/ref/lsc-ref-pad.h"

/* A non-negative integral JSON number (old files write 1.0 for 1). */
static gboolean
node_get_count (JsonNode *node,
                int64_t  *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      if (d != floor (d) || fabs (d) > 1e15)
        return FALSE;
      *out = (int64_t) d;
    }
  else
    return FALSE;
  return *out >= 0;
}

/* One axis: an int n (n before and after) or a pair (before, after), as
 * Keras's normalize_tuple (x, 2) reads it. */
static gboolean
node_get_axis (JsonNode *node,
               int64_t  *before,
               int64_t  *after)
{
  JsonArray *array;

  if (node_get_count (node, before))
    {
      *after = *before;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  return json_array_get_length (array) == 2 &&
         node_get_count (json_array_get_element (array, 0), before) &&
         node_get_count (json_array_get_element (array, 1), after);
}

/* Keras 1's {"top_pad": …} form; absent keys are 0, as in Keras 1. */
static gboolean
object_get_sides (JsonObject        *object,
                  const char *const *keys,
                  int64_t           *values,
                  guint              n)
{
  for (guint i = 0; i < n; i++)
    {
      values[i] = 0;
      if (json_object_has_member (object, keys[i]) &&
          !node_get_count (json_object_get_member (object, keys[i]), &values[i]))
        return FALSE;
    }
  /* A key we do not know means a form we cannot read. */
  return json_object_get_size (object) <= n;
}

static gboolean
read_1d (JsonNode *node,
         int64_t  *before,
         int64_t  *after)
{
  static const char *const keys[] = { "left_pad", "right_pad" };
  int64_t sides[2];

  if (node_get_axis (node, &before[0], &after[0]))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node) || !object_get_sides (json_node_get_object (node), keys, sides, 2))
    return FALSE;
  before[0] = sides[0];
  after[0] = sides[1];
  return TRUE;
}

static gboolean
read_2d (JsonNode *node,
         int64_t  *before,
         int64_t  *after)
{
  static const char *const keys[] = { "top_pad", "bottom_pad", "left_pad", "right_pad" };
  int64_t sides[4];
  JsonArray *array;

  if (node_get_count (node, &before[0]))
    {
      before[1] = after[0] = after[1] = before[0];
      return TRUE;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      if (!object_get_sides (json_node_get_object (node), keys, sides, 4))
        return FALSE;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      array = json_node_get_array (node);
      /* (rows, cols), each an int or a (before, after) pair. */
      if (json_array_get_length (array) == 2)
        return node_get_axis (json_array_get_element (array, 0), &before[0], &after[0]) &&
               node_get_axis (json_array_get_element (array, 1), &before[1], &after[1]);
      /* Keras 1's ZeroPadding2D (top, bottom, left, right). */
      if (json_array_get_length (array) != 4)
        return FALSE;
      for (guint i = 0; i < 4; i++)
        if (!node_get_count (json_array_get_element (array, i), &sides[i]))
          return FALSE;
    }
  else
    return FALSE;

  before[0] = sides[0];
  after[0] = sides[1];
  before[1] = sides[2];
  after[1] = sides[3];
  return TRUE;
}

static gboolean
padding_parse (LscLayer   *layer,
               JsonObject *config,
               LscPadOp    op,
               int         rank,
               GError    **error)
{
  LscPaddingParams *params = g_new0 (LscPaddingParams, 1);
  const char *key = op == LSC_PAD_OP_ZERO_PAD ? "padding" : "cropping";
  JsonNode *node;
  gboolean ok;

  layer->params = params;
  params->op = op;
  params->rank = rank;

  if (!lsc_config_require_channels_last (layer, config, error))
    return FALSE;

  if (!lsc_config_has (config, key))
    {
      /* Keras's defaults: ZeroPadding 1 on every side, Cropping1D 1 on each
       * side, Cropping2D nothing. */
      int64_t fallback = op == LSC_PAD_OP_ZERO_PAD || rank == 1 ? 1 : 0;
      for (int i = 0; i < rank; i++)
        params->before[i] = params->after[i] = fallback;
      return TRUE;
    }

  node = json_object_get_member (config, key);
  ok = rank == 1 ? read_1d (node, params->before, params->after)
                 : read_2d (node, params->before, params->after);
  if (!ok)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           rank == 1
                           ? "“%s” must be a non-negative int or a pair of them"
                           : "“%s” must be a non-negative int, a pair of them or a pair of pairs",
                           key);
      return FALSE;
    }
  return TRUE;
}

static gboolean
padding_infer (const LscLayer *layer,
               const LscShape *inputs,
               guint           n_inputs,
               LscShape       *output,
               GError        **error)
{
  const LscPaddingParams *params = layer->params;

  if (!lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;
  if (!lsc_spatial_check_rank (layer, &inputs[0], params->rank + 2, error))
    return FALSE;

  *output = inputs[0];
  for (int i = 0; i < params->rank; i++)
    {
      int64_t in = inputs[0].dims[1 + i];
      int64_t total = params->before[i] + params->after[i];

      if (in < 0)
        continue;   /* unknown stays unknown */
      if (params->op == LSC_PAD_OP_ZERO_PAD)
        output->dims[1 + i] = in + total;
      else if (in - total >= 1)
        output->dims[1 + i] = in - total;
      else
        {
          g_autofree char *have = lsc_shape_to_string (&inputs[0]);
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "cropping %" G_GINT64_FORMAT " cells of spatial axis %d leaves "
                               "nothing of the input %s",
                               (gint64) total, i + 1, have);
          return FALSE;
        }
    }
  return TRUE;
}

static void
padding_run (const LscLayer         *layer,
             const LscTensor *const *inputs,
             guint                   n_inputs,
             LscTensor              *output)
{
  const LscPaddingParams *params = layer->params;
  const LscShape *in = &inputs[0]->shape;
  /* A 1-D layer works on a single row. */
  gboolean two_d = params->rank == 2;
  int64_t in_h = two_d ? in->dims[1] : 1;
  int64_t in_w = in->dims[two_d ? 2 : 1];
  int64_t top = two_d ? params->before[0] : 0;
  int64_t bottom = two_d ? params->after[0] : 0;
  int64_t left = params->before[two_d ? 1 : 0];
  int64_t right = params->after[two_d ? 1 : 0];

  if (params->op == LSC_PAD_OP_ZERO_PAD)
    lsc_ref_zero_pad_2d (inputs[0]->data, in->dims[0], in_h, in_w, in->dims[in->ndim - 1],
                         top, bottom, left, right, output->data);
  else
    lsc_ref_crop_2d (inputs[0]->data, in->dims[0], in_h, in_w, in->dims[in->ndim - 1],
                     top, bottom, left, right, output->data);
}

static gboolean
zero_padding1d_parse (LscLayer             *layer,
                      JsonObject           *config,
                      const LscLoadContext *ctx,
                      GError              **error)
{
  return padding_parse (layer, config, LSC_PAD_OP_ZERO_PAD, 1, error);
}

static gboolean
zero_padding2d_parse (LscLayer             *layer,
                      JsonObject           *config,
                      const LscLoadContext *ctx,
                      GError              **error)
{
  return padding_parse (layer, config, LSC_PAD_OP_ZERO_PAD, 2, error);
}

static gboolean
cropping1d_parse (LscLayer             *layer,
                  JsonObject           *config,
                  const LscLoadContext *ctx,
                  GError              **error)
{
  return padding_parse (layer, config, LSC_PAD_OP_CROP, 1, error);
}

static gboolean
cropping2d_parse (LscLayer             *layer,
                  JsonObject           *config,
                  const LscLoadContext *ctx,
                  GError              **error)
{
  return padding_parse (layer, config, LSC_PAD_OP_CROP, 2, error);
}

const LscLayerOps lsc_layer_zero_padding1d_ops = {
  .class_name = "ZeroPadding1D",
  .kind = LSC_LAYER_KIND_PADDING,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = zero_padding1d_parse,
  .infer = padding_infer,
  .run = padding_run,
};

const LscLayerOps lsc_layer_zero_padding2d_ops = {
  .class_name = "ZeroPadding2D",
  .kind = LSC_LAYER_KIND_PADDING,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = zero_padding2d_parse,
  .infer = padding_infer,
  .run = padding_run,
};

const LscLayerOps lsc_layer_cropping1d_ops = {
  .class_name = "Cropping1D",
  .kind = LSC_LAYER_KIND_PADDING,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = cropping1d_parse,
  .infer = padding_infer,
  .run = padding_run,
};

const LscLayerOps lsc_layer_cropping2d_ops = {
  .class_name = "Cropping2D",
  .kind = LSC_LAYER_KIND_PADDING,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = cropping2d_parse,
  .infer = padding_infer,
  .run = padding_run,
};
