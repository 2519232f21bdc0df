/* Add, Subtract, Multiply, Average, Maximum, Minimum and Concatenate. */

#include "lsc-layer-merge.h"

#include "kernels/ref/lsc-ref-index.h"
#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"

/* ---- Elementwise merges ------------------------------------------------ */

static const struct
{
  const char *class_name;
  LscMergeOp  op;
} merge_classes[] = {
  { "Add", LSC_MERGE_ADD },
  { "Subtract", LSC_MERGE_SUBTRACT },
  { "Multiply", LSC_MERGE_MULTIPLY },
  { "Average", LSC_MERGE_AVERAGE },
  { "Maximum", LSC_MERGE_MAXIMUM },
  { "Minimum", LSC_MERGE_MINIMUM },
};

static gboolean
merge_parse (LscLayer             *layer,
             JsonObject           *config,
             const LscLoadContext *ctx,
             GError              **error)
{
  LscMergeParams *params = g_new0 (LscMergeParams, 1);

  layer->params = params;
  for (guint i = 0; i < G_N_ELEMENTS (merge_classes); i++)
    if (g_str_equal (layer->ops->class_name, merge_classes[i].class_name))
      {
        params->op = merge_classes[i].op;
        return TRUE;
      }
  g_return_val_if_reached (FALSE);
}

/* An input's shape with size-1 axes inserted after the batch up to `ndim`
 * (Keras expands lower-rank inputs at axis 1 until the ranks agree). */
static LscShape
expand_to_rank (const LscShape *shape,
                int             ndim)
{
  LscShape out = { .ndim = ndim };
  int missing = ndim - shape->ndim;

  out.dims[0] = shape->dims[0];
  for (int d = 1; d < ndim; d++)
    out.dims[d] = d <= missing ? 1 : shape->dims[d - missing];
  return out;
}

static gboolean
merge_infer (const LscLayer *layer,
             const LscShape *inputs,
             guint           n_inputs,
             LscShape       *output,
             GError        **error)
{
  int ndim = 0;

  if (n_inputs < layer->ops->min_inputs || n_inputs > layer->ops->max_inputs)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "called on %u inputs", n_inputs);
      return FALSE;
    }
  if (!lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;

  for (guint k = 0; k < n_inputs; k++)
    {
      if (inputs[k].ndim < 1)
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "input %u has no batch axis", k);
          return FALSE;
        }
      ndim = MAX (ndim, inputs[k].ndim);
    }

  *output = expand_to_rank (&inputs[0], ndim);
  for (guint k = 1; k < n_inputs; k++)
    {
      LscShape in = expand_to_rank (&inputs[k], ndim);

      for (int d = 0; d < ndim; d++)
        {
          int64_t a = output->dims[d], b = in.dims[d];

          if (d == 0)
            {
              /* The batch never broadcasts: known sizes must agree. */
              if (a >= 0 && b >= 0 && a != b)
                goto mismatch;
              output->dims[0] = a >= 0 ? a : b;
            }
          else if (a < 0 || b < 0)
            output->dims[d] = LSC_DIM_UNKNOWN;   /* as Keras: None wins */
          else if (a == 1)
            output->dims[d] = b;
          else if (b != 1 && a != b)
            goto mismatch;
        }
    }
  return TRUE;

mismatch:
  {
    GString *shapes = g_string_new (NULL);

    for (guint k = 0; k < n_inputs; k++)
      {
        g_autofree char *s = lsc_shape_to_string (&inputs[k]);
        g_string_append_printf (shapes, "%s%s", k > 0 ? ", " : "", s);
      }
    lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                         "the input shapes %s do not broadcast together", shapes->str);
    g_string_free (shapes, TRUE);
    return FALSE;
  }
}

static void
merge_run (const LscLayer         *layer,
           const LscTensor *const *inputs,
           guint                   n_inputs,
           LscTensor              *output)
{
  const LscMergeParams *params = layer->params;
  int ndim = output->shape.ndim;
  g_autofree const float **data = g_new (const float *, n_inputs);
  g_autofree int64_t *strides = g_new (int64_t, (gsize) n_inputs * LSC_MAX_DIMS);
  g_autofree const int64_t **stride_rows = g_new (const int64_t *, n_inputs);

  for (guint k = 0; k < n_inputs; k++)
    {
      LscShape in = expand_to_rank (&inputs[k]->shape, ndim);

      lsc_ref_broadcast_strides (ndim, in.dims, strides + k * LSC_MAX_DIMS);
      stride_rows[k] = strides + k * LSC_MAX_DIMS;
      data[k] = inputs[k]->data;
    }

  lsc_ref_merge (params->op, n_inputs, data, stride_rows, ndim, output->shape.dims, output->data);
}

#define MERGE_OPS(ident, name, min, max)          \
  const LscLayerOps lsc_layer_##ident##_ops = {   \
    .class_name = name,                           \
    .kind = LSC_LAYER_KIND_MERGE,                 \
    .min_inputs = min,                            \
    .max_inputs = max,                            \
    .parse = merge_parse,                         \
    .infer = merge_infer,                         \
    .run = merge_run,                             \
  }

/* Keras accepts a single input for all but Subtract (the output is then
 * that input). */
MERGE_OPS (add, "Add", 1, G_MAXUINT);
MERGE_OPS (subtract, "Subtract", 2, 2);
MERGE_OPS (multiply, "Multiply", 1, G_MAXUINT);
MERGE_OPS (average, "Average", 1, G_MAXUINT);
MERGE_OPS (maximum, "Maximum", 1, G_MAXUINT);
MERGE_OPS (minimum, "Minimum", 1, G_MAXUINT);

/* ---- Concatenate ------------------------------------------------------- */

static gboolean
concatenate_parse (LscLayer             *layer,
                   JsonObject           *config,
                   const LscLoadContext *ctx,
                   GError              **error)
{
  LscConcatenateParams *params = g_new0 (LscConcatenateParams, 1);

  layer->params = params;
  return lsc_config_get_int_or (layer, config, "axis", -1, &params->axis, error);
}

static gboolean
concatenate_axis (const LscLayer *layer,
                  int             ndim,
                  int            *axis,
                  GError        **error)
{
  const LscConcatenateParams *params = layer->params;
  int64_t a = params->axis < 0 ? params->axis + ndim : params->axis;

  if (a < 0 || a >= ndim)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "axis %" G_GINT64_FORMAT " is out of range for rank %d inputs",
                           (gint64) params->axis, ndim);
      return FALSE;
    }
  *axis = (int) a;
  return TRUE;
}

static gboolean
concatenate_infer (const LscLayer *layer,
                   const LscShape *inputs,
                   guint           n_inputs,
                   LscShape       *output,
                   GError        **error)
{
  int axis;

  if (n_inputs < 1)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE, "called without inputs");
      return FALSE;
    }
  if (!lsc_layer_check_n_weights (layer, 0, error) ||
      !concatenate_axis (layer, inputs[0].ndim, &axis, error))
    return FALSE;

  *output = inputs[0];
  for (guint k = 1; k < n_inputs; k++)
    {
      const LscShape *in = &inputs[k];

      if (in->ndim != output->ndim)
        goto mismatch;
      for (int d = 0; d < in->ndim; d++)
        {
          if (d == axis)
            output->dims[d] = output->dims[d] < 0 || in->dims[d] < 0
                              ? LSC_DIM_UNKNOWN : output->dims[d] + in->dims[d];
          else if (output->dims[d] < 0)
            output->dims[d] = in->dims[d];
          else if (in->dims[d] >= 0 && in->dims[d] != output->dims[d])
            goto mismatch;
        }
    }
  return TRUE;

mismatch:
  {
    GString *shapes = g_string_new (NULL);

    for (guint k = 0; k < n_inputs; k++)
      {
        g_autofree char *s = lsc_shape_to_string (&inputs[k]);
        g_string_append_printf (shapes, "%s%s", k > 0 ? ", " : "", s);
      }
    lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                         "cannot concatenate inputs of shapes %s on axis %d (all other axes must match)",
                         shapes->str, axis);
    g_string_free (shapes, TRUE);
    return FALSE;
  }
}

static void
concatenate_run (const LscLayer         *layer,
                 const LscTensor *const *inputs,
                 guint                   n_inputs,
                 LscTensor              *output)
{
  const LscShape *shape = &output->shape;
  g_autofree const float **data = g_new (const float *, n_inputs);
  g_autofree int64_t *axis_sizes = g_new (int64_t, n_inputs);
  int64_t outer = 1, inner = 1;
  int axis;

  if (!concatenate_axis (layer, shape->ndim, &axis, NULL))
    g_return_if_reached ();
  for (int d = 0; d < axis; d++)
    outer *= shape->dims[d];
  for (int d = axis + 1; d < shape->ndim; d++)
    inner *= shape->dims[d];
  for (guint k = 0; k < n_inputs; k++)
    {
      data[k] = inputs[k]->data;
      axis_sizes[k] = inputs[k]->shape.dims[axis];
    }

  lsc_ref_concatenate (n_inputs, data, axis_sizes, outer, inner, output->data);
}

const LscLayerOps lsc_layer_concatenate_ops = {
  .class_name = "Concatenate",
  .kind = LSC_LAYER_KIND_MERGE,
  .min_inputs = 1,
  .max_inputs = G_MAXUINT,
  .parse = concatenate_parse,
  .infer = concatenate_infer,
  .run = concatenate_run,
};
