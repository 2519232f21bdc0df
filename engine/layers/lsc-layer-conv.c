/* Conv1D and Conv2D, and the option parsing and shape arithmetic every
 * convolution family shares (transposed, depthwise and separable
 * convolutions use the helpers declared in lsc-layer-conv.h). */

#include "lsc-layer-conv.h"

#include "lsc-layer-registry.h"

/* ---- Shared options ---------------------------------------------------- */

/* Keras 1 wrote its convolution configs with other keys (nb_filter, nb_row,
 * nb_col, filter_length, subsample, border_mode, bias, dim_ordering,
 * atrous_rate); Keras 2 and 3 never write these. */
static gboolean
config_is_keras1 (JsonObject *config)
{
  if (lsc_config_has (config, "kernel_size"))
    return FALSE;
  return lsc_config_has (config, "nb_filter") || lsc_config_has (config, "nb_row") ||
         lsc_config_has (config, "filter_length") || lsc_config_has (config, "border_mode");
}

/* Reads `n` spatial values of `key` (an int or a list) into out[2 - n …],
 * leaving out[0] = 1 for rank 1; absent keys give `fallback`. Values must
 * be >= 1. */
static gboolean
read_spatial (const LscLayer *layer,
              JsonObject     *config,
              const char     *key,
              int             rank,
              int64_t         fallback,
              int64_t         out[2],
              GError        **error)
{
  int64_t values[2] = { fallback, fallback };

  if (lsc_config_has (config, key) &&
      !lsc_config_get_ints (layer, config, key, (guint) rank, values, error))
    return FALSE;

  for (int i = 0; i < rank; i++)
    if (values[i] < 1)
      {
        lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                             "“%s” must be at least 1, not %" G_GINT64_FORMAT,
                             key, (gint64) values[i]);
        return FALSE;
      }

  out[0] = rank == 2 ? values[0] : 1;
  out[1] = rank == 2 ? values[1] : values[0];
  return TRUE;
}

static gboolean
parse_padding_name (const LscLayer *layer,
                    const char     *key,
                    const char     *name,
                    LscPadding     *out,
                    GError        **error)
{
  if (g_ascii_strcasecmp (name, "valid") == 0)
    *out = LSC_PADDING_VALID;
  else if (g_ascii_strcasecmp (name, "same") == 0)
    *out = LSC_PADDING_SAME;
  else if (g_ascii_strcasecmp (name, "causal") == 0)
    *out = LSC_PADDING_CAUSAL;
  else
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "%s “%s” is not supported (only valid, same or causal)", key, name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_keras1 (const LscLayer *layer,
              JsonObject     *config,
              int             rank,
              LscConvOptions *options,
              GError        **error)
{
  const char *border_mode = NULL;

  if (rank == 2)
    {
      int64_t rows, cols;

      if (!lsc_config_get_int (layer, config, "nb_row", &rows, error) ||
          !lsc_config_get_int (layer, config, "nb_col", &cols, error))
        return FALSE;
      options->kernel_size[0] = rows;
      options->kernel_size[1] = cols;
      if (!read_spatial (layer, config, "subsample", 2, 1, options->strides, error))
        return FALSE;
    }
  else
    {
      options->kernel_size[0] = 1;
      if (!lsc_config_get_int (layer, config, "filter_length", &options->kernel_size[1], error) ||
          !read_spatial (layer, config, "subsample_length", 1, 1, options->strides, error))
        return FALSE;
    }
  if (options->kernel_size[0] < 1 || options->kernel_size[1] < 1)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "the kernel size must be at least 1");
      return FALSE;
    }

  /* AtrousConvolution1D/2D */
  if (!read_spatial (layer, config, "atrous_rate", rank, 1, options->dilation_rate, error))
    return FALSE;

  if (!lsc_config_get_string_or (layer, config, "border_mode", "valid", &border_mode, error) ||
      !parse_padding_name (layer, "border_mode", border_mode, &options->padding, error))
    return FALSE;

  if (!lsc_config_get_bool_or (layer, config, "bias", TRUE, &options->use_bias, error))
    return FALSE;

  return TRUE;
}

gboolean
lsc_conv_options_parse (const LscLayer        *layer,
                        JsonObject            *config,
                        const LscLoadContext  *ctx,
                        int                    rank,
                        gboolean               allow_causal,
                        LscConvOptions        *options,
                        GError               **error)
{
  g_return_val_if_fail (rank == 1 || rank == 2, FALSE);

  options->rank = rank;
  options->keras1 = config_is_keras1 (config);

  if (!lsc_config_require_channels_last (layer, config, error))
    return FALSE;
  if (options->keras1)
    {
      if (!parse_keras1 (layer, config, rank, options, error))
        return FALSE;
    }
  else
    {
      if (!lsc_config_has (config, "kernel_size"))
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                               "the config has no “kernel_size”");
          return FALSE;
        }
      if (!read_spatial (layer, config, "kernel_size", rank, 1, options->kernel_size, error) ||
          !read_spatial (layer, config, "strides", rank, 1, options->strides, error) ||
          !read_spatial (layer, config, "dilation_rate", rank, 1, options->dilation_rate, error) ||
          !lsc_config_get_padding (layer, config, &options->padding, error) ||
          !lsc_config_get_bool_or (layer, config, "use_bias", TRUE, &options->use_bias, error))
        return FALSE;
    }

  if (options->padding == LSC_PADDING_CAUSAL && (rank != 1 || !allow_causal))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "padding “causal” is only valid for one-dimensional convolutions");
      return FALSE;
    }

  return lsc_config_get_activation (layer, config, "activation", ctx, &options->activation, error);
}

gboolean
lsc_conv_parse_filters (const LscLayer *layer,
                        JsonObject     *config,
                        int64_t        *filters,
                        GError        **error)
{
  const char *key = lsc_config_has (config, "filters") || !lsc_config_has (config, "nb_filter")
                    ? "filters" : "nb_filter";

  if (!lsc_config_get_int (layer, config, key, filters, error))
    return FALSE;
  if (*filters < 1)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“%s” must be at least 1, not %" G_GINT64_FORMAT, key, (gint64) *filters);
      return FALSE;
    }
  return TRUE;
}

gboolean
lsc_conv_require_one_group (const LscLayer *layer,
                            JsonObject     *config,
                            GError        **error)
{
  int64_t groups;

  if (!lsc_config_get_int_or (layer, config, "groups", 1, &groups, error))
    return FALSE;
  if (groups != 1)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "groups = %" G_GINT64_FORMAT " is not supported by this layer (only 1)",
                           (gint64) groups);
      return FALSE;
    }
  return TRUE;
}

gboolean
lsc_conv_input_dims (const LscLayer       *layer,
                     const LscConvOptions *options,
                     const LscShape       *input,
                     int64_t               spatial[2],
                     int64_t              *channels,
                     GError              **error)
{
  if (input->ndim != options->rank + 2)
    {
      g_autofree char *have = lsc_shape_to_string (input);
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "expects a rank-%d input (batch, %schannels), got %s",
                           options->rank + 2, options->rank == 2 ? "rows, cols, " : "steps, ",
                           have);
      return FALSE;
    }
  *channels = input->dims[input->ndim - 1];
  if (*channels < 1)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "the channel dimension of the input must be known");
      return FALSE;
    }
  spatial[0] = options->rank == 2 ? input->dims[1] : 1;
  spatial[1] = input->dims[options->rank];
  return TRUE;
}

gboolean
lsc_conv_output_dims (const LscLayer       *layer,
                      const LscConvOptions *options,
                      const int64_t         in_spatial[2],
                      int64_t               out_spatial[2],
                      GError              **error)
{
  for (int i = 0; i < 2; i++)
    {
      if (in_spatial[i] < 0)
        {
          out_spatial[i] = LSC_DIM_UNKNOWN;
          continue;
        }
      out_spatial[i] = lsc_conv_output_length (in_spatial[i], options->kernel_size[i],
                                               options->strides[i], options->dilation_rate[i],
                                               options->padding);
      if (out_spatial[i] < 1)
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "the input is too small: %" G_GINT64_FORMAT " steps with a kernel of %"
                               G_GINT64_FORMAT " (dilation %" G_GINT64_FORMAT ") and valid padding",
                               (gint64) in_spatial[i], (gint64) options->kernel_size[i],
                               (gint64) options->dilation_rate[i]);
          return FALSE;
        }
    }
  return TRUE;
}

LscShape
lsc_conv_make_shape (const LscConvOptions *options,
                     int64_t               batch,
                     const int64_t         spatial[2],
                     int64_t               channels)
{
  if (options->rank == 2)
    return lsc_shape_make (4, batch, spatial[0], spatial[1], channels);
  return lsc_shape_make (3, batch, spatial[1], channels);
}

LscShape
lsc_conv_kernel_shape (const LscConvOptions *options,
                       int64_t               a,
                       int64_t               b)
{
  if (options->rank == 2)
    return lsc_shape_make (4, options->kernel_size[0], options->kernel_size[1], a, b);
  return lsc_shape_make (3, options->kernel_size[1], a, b);
}

LscRefConvGeometry
lsc_conv_forward_geometry (const LscConvOptions *options,
                           const LscShape       *input,
                           const LscShape       *output)
{
  LscRefConvGeometry geom = { 0 };
  const int rank = options->rank;

  geom.batch = input->dims[0];
  geom.in_h = rank == 2 ? input->dims[1] : 1;
  geom.in_w = input->dims[rank];
  geom.in_c = input->dims[rank + 1];
  geom.out_h = rank == 2 ? output->dims[1] : 1;
  geom.out_w = output->dims[rank];
  geom.out_c = output->dims[rank + 1];
  geom.kernel_h = options->kernel_size[0];
  geom.kernel_w = options->kernel_size[1];
  geom.stride_h = options->strides[0];
  geom.stride_w = options->strides[1];
  geom.dilation_h = options->dilation_rate[0];
  geom.dilation_w = options->dilation_rate[1];
  /* SAME: floor (total / 2) before, the rest after (TF); CAUSAL: all of
   * (kernel - 1) * dilation before; VALID: none. A rank-1 layer's height of
   * 1 with a kernel height of 1 never pads. */
  geom.pad_top = lsc_conv_pad_before (geom.in_h, geom.kernel_h, geom.stride_h,
                                      geom.dilation_h, options->padding);
  geom.pad_left = lsc_conv_pad_before (geom.in_w, geom.kernel_w, geom.stride_w,
                                       geom.dilation_w, options->padding);
  return geom;
}

int64_t
lsc_conv_output_positions (const LscConvOptions *options,
                           const LscShape       *output)
{
  int64_t batch = MAX (output->dims[0], 1);

  if (options->rank == 2)
    return batch * output->dims[1] * output->dims[2];
  return batch * output->dims[1];
}

/* ---- Conv1D / Conv2D --------------------------------------------------- */

static gboolean
conv_parse (LscLayer             *layer,
            JsonObject           *config,
            const LscLoadContext *ctx,
            int                   rank,
            GError              **error)
{
  LscConvParams *params = g_new0 (LscConvParams, 1);

  layer->params = params;

  if (!lsc_conv_options_parse (layer, config, ctx, rank, TRUE, &params->options, error) ||
      !lsc_conv_parse_filters (layer, config, &params->filters, error) ||
      !lsc_config_get_int_or (layer, config, "groups", 1, &params->groups, error))
    return FALSE;

  if (params->groups < 1 || params->filters % params->groups != 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "groups = %" G_GINT64_FORMAT " must be at least 1 and divide filters = %"
                           G_GINT64_FORMAT, (gint64) params->groups, (gint64) params->filters);
      return FALSE;
    }
  return TRUE;
}

static gboolean
conv1d_parse (LscLayer             *layer,
              JsonObject           *config,
              const LscLoadContext *ctx,
              GError              **error)
{
  return conv_parse (layer, config, ctx, 1, error);
}

static gboolean
conv2d_parse (LscLayer             *layer,
              JsonObject           *config,
              const LscLoadContext *ctx,
              GError              **error)
{
  return conv_parse (layer, config, ctx, 2, error);
}

/* Keras 1 stored the Conv1D kernel as the 2-D kernel it used internally,
 * (k, 1, in, filters), or in Keras 1.1 as (filters, in, k, 1); Keras 2's
 * loader converts both (preprocess_weights_for_loading) and so do we. */
static gboolean
conv_attach_weights (LscLayer *layer,
                     GError  **error)
{
  const LscConvParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  LscTensor *kernel, *converted;
  int64_t k = options->kernel_size[1];
  int64_t in;

  if (!options->keras1 || options->rank != 1 || layer->weights->len == 0)
    return TRUE;

  kernel = g_ptr_array_index (layer->weights, 0);
  if (kernel->shape.ndim != 4)
    return TRUE;   /* infer reports a mismatch */

  if (kernel->shape.dims[0] == k && kernel->shape.dims[1] == 1 &&
      kernel->shape.dims[3] == params->filters)
    {
      LscShape shape = lsc_shape_make (3, k, kernel->shape.dims[2], params->filters);
      converted = lsc_tensor_new_from_data (&shape, kernel->data);
    }
  else if (kernel->shape.dims[0] == params->filters && kernel->shape.dims[2] == k &&
           kernel->shape.dims[3] == 1)
    {
      LscShape shape;

      /* (filters, in, k, 1) → (k, in, filters) */
      in = kernel->shape.dims[1];
      shape = lsc_shape_make (3, k, in, params->filters);
      converted = lsc_tensor_new (&shape);
      for (int64_t f = 0; f < params->filters; f++)
        for (int64_t c = 0; c < in; c++)
          for (int64_t t = 0; t < k; t++)
            converted->data[(t * in + c) * params->filters + f] = kernel->data[(f * in + c) * k + t];
    }
  else
    return TRUE;

  lsc_tensor_free (kernel);
  g_ptr_array_index (layer->weights, 0) = converted;
  return TRUE;
}

static gboolean
conv_infer (const LscLayer *layer,
            const LscShape *inputs,
            guint           n_inputs,
            LscShape       *output,
            GError        **error)
{
  const LscConvParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  int64_t in_spatial[2], out_spatial[2], channels;
  LscShape kernel_shape, bias_shape;

  if (!lsc_conv_input_dims (layer, options, &inputs[0], in_spatial, &channels, error))
    return FALSE;
  if (channels % params->groups != 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "the input has %" G_GINT64_FORMAT " channels, not a multiple of groups = %"
                           G_GINT64_FORMAT, (gint64) channels, (gint64) params->groups);
      return FALSE;
    }
  if (!lsc_conv_output_dims (layer, options, in_spatial, out_spatial, error))
    return FALSE;

  kernel_shape = lsc_conv_kernel_shape (options, channels / params->groups, params->filters);
  bias_shape = lsc_shape_make (1, params->filters);
  if (!lsc_layer_check_n_weights (layer, options->use_bias ? 2 : 1, error) ||
      !lsc_layer_check_weight (layer, 0, &kernel_shape, error) ||
      (options->use_bias && !lsc_layer_check_weight (layer, 1, &bias_shape, error)))
    return FALSE;

  *output = lsc_conv_make_shape (options, inputs[0].dims[0], out_spatial, params->filters);
  return TRUE;
}

static void
conv_run (const LscLayer         *layer,
          const LscTensor *const *inputs,
          guint                   n_inputs,
          LscTensor              *output)
{
  const LscConvParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  LscRefConvGeometry geom = lsc_conv_forward_geometry (options, &inputs[0]->shape, &output->shape);
  const float *bias = options->use_bias ? lsc_layer_get_weight (layer, 1)->data : NULL;

  lsc_ref_conv2d (&geom, params->groups, inputs[0]->data, lsc_layer_get_weight (layer, 0)->data,
                  bias, output->data);
  if (options->activation != LSC_ACTIVATION_LINEAR)
    lsc_activation_apply (options->activation, output->data, lsc_tensor_numel (output),
                          params->filters);
}

/* Every output value is a dot product over kh × kw × in / groups inputs. */
static int64_t
conv_count_macs (const LscLayer *layer,
                 const LscShape *inputs,
                 guint           n_inputs,
                 const LscShape *output)
{
  const LscConvParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  int64_t in_c = inputs[0].dims[inputs[0].ndim - 1];

  return lsc_conv_output_positions (options, output) * params->filters *
         options->kernel_size[0] * options->kernel_size[1] * (in_c / params->groups);
}

const LscLayerOps lsc_layer_conv1d_ops = {
  .class_name = "Conv1D",
  .kind = LSC_LAYER_KIND_CONV,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = conv1d_parse,
  .attach_weights = conv_attach_weights,
  .infer = conv_infer,
  .run = conv_run,
  .count_macs = conv_count_macs,
};

const LscLayerOps lsc_layer_conv2d_ops = {
  .class_name = "Conv2D",
  .kind = LSC_LAYER_KIND_CONV,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = conv2d_parse,
  .attach_weights = conv_attach_weights,
  .infer = conv_infer,
  .run = conv_run,
  .count_macs = conv_count_macs,
};
