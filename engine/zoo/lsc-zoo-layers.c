/* The layer helpers: each writes its class's config, infers the output
 * shape, declares the weights with their Keras shapes and fills, and counts
 * the multiply-accumulates. */

#include "lsc-zoo-layers.h"

#include "zoo/lsc-zoo-config.h"

static guint
layer_index (LscZooGraph *graph)
{
  return graph->layers->len - 1;
}

static LscShape
shape_of (LscZooGraph *graph,
          guint        x)
{
  return lsc_zoo_graph_get_layer (graph, x)->output;
}

static double
mean_square_of (LscZooGraph *graph,
                guint        x)
{
  return lsc_zoo_graph_get_layer (graph, x)->mean_square;
}

/* E[f(x)²] from E[x²] for a zero-mean x, roughly: what matters is the
 * order of magnitude a following BatchNormalization sees. */
static double
activation_mean_square (const char *activation,
                        double      mean_square)
{
  if (g_str_equal (activation, "relu") || g_str_equal (activation, "relu6") ||
      g_str_equal (activation, "swish"))
    return mean_square / 2;
  if (g_str_equal (activation, "sigmoid"))
    return MIN (1.0, 0.25 + mean_square / 16);   /* sigmoid (x) ≈ 1/2 + x/4 near 0 */
  if (g_str_equal (activation, "tanh"))
    return mean_square / (1 + mean_square);
  if (g_str_equal (activation, "softmax"))
    return 0.01;
  return mean_square;
}

/* Keeps shapes usable after a problem (the first one fails the build). */
static int64_t
checked_dim (LscZooGraph *graph,
             LscZooLayer *layer,
             int64_t      dim)
{
  if (dim < 1)
    {
      lsc_zoo_graph_set_error (graph, "layer “%s” would have an output dimension of %" G_GINT64_FORMAT,
                               layer->name, dim);
      return 1;
    }
  return dim;
}

static void
require_rank (LscZooGraph    *graph,
              LscZooLayer    *layer,
              const LscShape *shape,
              int             ndim)
{
  if (shape->ndim != ndim)
    lsc_zoo_graph_set_error (graph, "layer “%s” expects rank %d, got %d",
                             layer->name, ndim, shape->ndim);
}

guint
lsc_zoo_input (LscZooGraph   *graph,
               const char    *name,
               int            ndim,
               const int64_t *dims)
{
  LscZooLayer *layer;

  g_return_val_if_fail (graph->layers->len == 0, 0);
  g_return_val_if_fail (ndim >= 1 && ndim < LSC_MAX_DIMS, 0);

  /* Keras names a Functional's Input "input_1" (one-based); a Sequential's
   * gets its first layer's name + "_input", set in lsc_zoo_config_begin. */
  layer = lsc_zoo_graph_add_layer (graph, "InputLayer",
                                   name != NULL ? name : graph->sequential ? "input" : "input_1",
                                   NULL, NULL, 0);
  layer->output.ndim = ndim + 1;
  layer->output.dims[0] = LSC_DIM_UNKNOWN;
  for (int i = 0; i < ndim; i++)
    layer->output.dims[i + 1] = dims[i];
  layer->mean_square = graph->input_mean_square;
  lsc_zoo_config_set_input (layer);
  return 0;
}

/* conv_utils.conv_output_length */
static int64_t
conv_output_length (int64_t     input,
                    int         kernel,
                    const char *padding,
                    int         stride)
{
  int64_t length = g_str_equal (padding, "same") ? input : input - kernel + 1;

  return (length + stride - 1) / stride;
}

static void
set_conv_common (JsonBuilder *b,
                 int          kernel,
                 int          stride,
                 const char  *padding)
{
  lsc_zoo_json_pair (b, "kernel_size", kernel, kernel);
  lsc_zoo_json_pair (b, "strides", stride, stride);
  lsc_zoo_json_string (b, "padding", padding);
  lsc_zoo_json_string (b, "data_format", "channels_last");
  lsc_zoo_json_pair (b, "dilation_rate", 1, 1);
  lsc_zoo_json_int (b, "groups", 1);
}

static void
conv_output_shape (LscZooGraph *graph,
                   LscZooLayer *layer,
                   guint        x,
                   int          kernel,
                   int          stride,
                   const char  *padding,
                   int64_t      channels)
{
  LscShape in = shape_of (graph, x);

  require_rank (graph, layer, &in, 4);
  layer->output = in;
  layer->output.dims[1] = checked_dim (graph, layer, conv_output_length (in.dims[1], kernel, padding, stride));
  layer->output.dims[2] = checked_dim (graph, layer, conv_output_length (in.dims[2], kernel, padding, stride));
  layer->output.dims[3] = channels;
}

guint
lsc_zoo_conv2d (LscZooGraph *graph,
                guint        x,
                const char  *name,
                int          filters,
                int          kernel,
                int          stride,
                const char  *padding,
                gboolean     use_bias,
                const char  *activation)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "Conv2D", name, "conv2d", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  int64_t cin = shape_of (graph, x).dims[3];
  LscZooWeight *kernel_weight;

  lsc_zoo_json_int (b, "filters", filters);
  set_conv_common (b, kernel, stride, padding);
  lsc_zoo_json_string (b, "activation", activation);
  lsc_zoo_json_bool (b, "use_bias", use_bias);
  lsc_zoo_json_initializer (b, "kernel_initializer", lsc_zoo_conv_kernel_init (graph));
  lsc_zoo_json_initializer (b, "bias_initializer", LSC_ZOO_INIT_ZEROS);
  lsc_zoo_json_nulls (b, (const char *const[]) { "kernel_regularizer", "bias_regularizer",
                                        "activity_regularizer", "kernel_constraint",
                                        "bias_constraint", NULL });
  lsc_zoo_config_end (layer, b);

  conv_output_shape (graph, layer, x, kernel, stride, padding, filters);
  kernel_weight = lsc_zoo_layer_add_weight (layer, "kernel", LSC_ZOO_FILL_HE, 4,
                                            (int64_t) kernel, (int64_t) kernel, cin, (int64_t) filters);
  kernel_weight->fan_in = (double) kernel * kernel * cin;
  if (use_bias)
    lsc_zoo_layer_add_weight (layer, "bias", LSC_ZOO_FILL_BIAS, 1, (int64_t) filters);
  layer->macs = layer->output.dims[1] * layer->output.dims[2] * filters * kernel * kernel * cin;
  /* He's kernels: E[y²] = fan_in · (2 / fan_in) · E[x²]. */
  layer->mean_square = activation_mean_square (activation, 2 * mean_square_of (graph, x));
  return layer_index (graph);
}

guint
lsc_zoo_depthwise_conv2d (LscZooGraph *graph,
                          guint        x,
                          const char  *name,
                          int          kernel,
                          int          stride,
                          const char  *padding,
                          gboolean     use_bias)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "DepthwiseConv2D", name,
                                                "depthwise_conv2d", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  int64_t channels = shape_of (graph, x).dims[3];
  LscZooWeight *kernel_weight;

  /* DepthwiseConv2D.get_config: Conv's config without filters and the
   * kernel_* keys, then the depthwise_* ones. */
  set_conv_common (b, kernel, stride, padding);
  lsc_zoo_json_string (b, "activation", "linear");
  lsc_zoo_json_bool (b, "use_bias", use_bias);
  lsc_zoo_json_initializer (b, "bias_initializer", LSC_ZOO_INIT_ZEROS);
  lsc_zoo_json_nulls (b, (const char *const[]) { "bias_regularizer", "activity_regularizer",
                                        "bias_constraint", NULL });
  lsc_zoo_json_int (b, "depth_multiplier", 1);
  lsc_zoo_json_initializer (b, "depthwise_initializer", lsc_zoo_conv_kernel_init (graph));
  lsc_zoo_json_nulls (b, (const char *const[]) { "depthwise_regularizer",
                                                 "depthwise_constraint", NULL });
  lsc_zoo_config_end (layer, b);

  conv_output_shape (graph, layer, x, kernel, stride, padding, channels);
  kernel_weight = lsc_zoo_layer_add_weight (layer, "depthwise_kernel", LSC_ZOO_FILL_HE, 4,
                                            (int64_t) kernel, (int64_t) kernel, channels, (int64_t) 1);
  kernel_weight->fan_in = (double) kernel * kernel;
  if (use_bias)
    lsc_zoo_layer_add_weight (layer, "bias", LSC_ZOO_FILL_BIAS, 1, channels);
  layer->macs = layer->output.dims[1] * layer->output.dims[2] * channels * kernel * kernel;
  layer->mean_square = 2 * mean_square_of (graph, x);
  return layer_index (graph);
}

guint
lsc_zoo_batch_norm (LscZooGraph *graph,
                    guint        x,
                    const char  *name,
                    double       momentum,
                    double       epsilon)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "BatchNormalization", name,
                                                "batch_normalization", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape in = shape_of (graph, x);
  int64_t channels = in.dims[in.ndim - 1];
  LscZooWeight *variance;

  /* Keras stores the normalized axis as a positive index list. */
  json_builder_set_member_name (b, "axis");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, in.ndim - 1);
  json_builder_end_array (b);
  lsc_zoo_json_double (b, "momentum", momentum);
  lsc_zoo_json_double (b, "epsilon", epsilon);
  lsc_zoo_json_bool (b, "center", TRUE);
  lsc_zoo_json_bool (b, "scale", TRUE);
  lsc_zoo_json_initializer (b, "beta_initializer", LSC_ZOO_INIT_ZEROS);
  lsc_zoo_json_initializer (b, "gamma_initializer", LSC_ZOO_INIT_ONES);
  lsc_zoo_json_initializer (b, "moving_mean_initializer", LSC_ZOO_INIT_ZEROS);
  lsc_zoo_json_initializer (b, "moving_variance_initializer", LSC_ZOO_INIT_ONES);
  lsc_zoo_json_nulls (b, (const char *const[]) { "beta_regularizer", "gamma_regularizer",
                                        "beta_constraint", "gamma_constraint", NULL });
  lsc_zoo_config_end (layer, b);

  layer->output = in;
  lsc_zoo_layer_add_weight (layer, "gamma", LSC_ZOO_FILL_BN_GAMMA, 1, channels);
  lsc_zoo_layer_add_weight (layer, "beta", LSC_ZOO_FILL_BN_BETA, 1, channels);
  lsc_zoo_layer_add_weight (layer, "moving_mean", LSC_ZOO_FILL_BN_MEAN, 1, channels);
  variance = lsc_zoo_layer_add_weight (layer, "moving_variance", LSC_ZOO_FILL_BN_VARIANCE, 1, channels);
  /* The statistics of what flows in: the output is then of order 1
   * (gamma ≈ 1, beta ≈ 0). */
  variance->scale = mean_square_of (graph, x);
  layer->mean_square = 1.0;
  return layer_index (graph);
}

static guint
add_shape_preserving (LscZooGraph *graph,
                      guint        x,
                      LscZooLayer *layer,
                      JsonBuilder *b)
{
  lsc_zoo_config_end (layer, b);
  layer->output = shape_of (graph, x);
  layer->mean_square = mean_square_of (graph, x);
  return layer_index (graph);
}

guint
lsc_zoo_relu (LscZooGraph *graph,
              guint        x,
              const char  *name,
              double       max_value)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "ReLU", name, "re_lu", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);

  if (max_value >= 0)
    lsc_zoo_json_double (b, "max_value", max_value);
  else
    lsc_zoo_json_null (b, "max_value");
  lsc_zoo_json_double (b, "negative_slope", 0.0);
  lsc_zoo_json_double (b, "threshold", 0.0);
  add_shape_preserving (graph, x, layer, b);
  layer->mean_square = activation_mean_square ("relu", layer->mean_square);
  return layer_index (graph);
}

guint
lsc_zoo_activation (LscZooGraph *graph,
                    guint        x,
                    const char  *name,
                    const char  *activation)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "Activation", name, "activation", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);

  lsc_zoo_json_string (b, "activation", activation);
  add_shape_preserving (graph, x, layer, b);
  layer->mean_square = activation_mean_square (activation, layer->mean_square);
  return layer_index (graph);
}

guint
lsc_zoo_zero_padding2d (LscZooGraph *graph,
                        guint        x,
                        const char  *name,
                        int          top,
                        int          bottom,
                        int          left,
                        int          right)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "ZeroPadding2D", name,
                                                "zero_padding2d", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape in = shape_of (graph, x);

  json_builder_set_member_name (b, "padding");
  json_builder_begin_array (b);
  json_builder_begin_array (b);
  json_builder_add_int_value (b, top);
  json_builder_add_int_value (b, bottom);
  json_builder_end_array (b);
  json_builder_begin_array (b);
  json_builder_add_int_value (b, left);
  json_builder_add_int_value (b, right);
  json_builder_end_array (b);
  json_builder_end_array (b);
  lsc_zoo_json_string (b, "data_format", "channels_last");
  lsc_zoo_config_end (layer, b);

  require_rank (graph, layer, &in, 4);
  layer->output = in;
  layer->output.dims[1] = in.dims[1] + top + bottom;
  layer->output.dims[2] = in.dims[2] + left + right;
  layer->mean_square = mean_square_of (graph, x);
  return layer_index (graph);
}

guint
lsc_zoo_correct_pad (LscZooGraph *graph,
                     guint        x,
                     const char  *name,
                     int          kernel)
{
  LscShape in = shape_of (graph, x);
  int correct = kernel / 2;
  int adjust_h = 1 - (int) (in.dims[1] % 2);
  int adjust_w = 1 - (int) (in.dims[2] % 2);

  return lsc_zoo_zero_padding2d (graph, x, name, correct - adjust_h, correct,
                                 correct - adjust_w, correct);
}

static guint
pooling2d (LscZooGraph *graph,
           const char  *class_name,
           const char  *auto_prefix,
           guint        x,
           const char  *name,
           int          pool,
           int          stride,
           const char  *padding)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, class_name, name, auto_prefix, &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape in = shape_of (graph, x);

  lsc_zoo_json_pair (b, "pool_size", pool, pool);
  lsc_zoo_json_string (b, "padding", padding);
  lsc_zoo_json_pair (b, "strides", stride, stride);
  lsc_zoo_json_string (b, "data_format", "channels_last");
  lsc_zoo_config_end (layer, b);

  conv_output_shape (graph, layer, x, pool, stride, padding, in.dims[3]);
  layer->mean_square = mean_square_of (graph, x);
  return layer_index (graph);
}

guint
lsc_zoo_max_pooling2d (LscZooGraph *graph,
                       guint        x,
                       const char  *name,
                       int          pool,
                       int          stride,
                       const char  *padding)
{
  return pooling2d (graph, "MaxPooling2D", "max_pooling2d", x, name, pool, stride, padding);
}

guint
lsc_zoo_average_pooling2d (LscZooGraph *graph,
                           guint        x,
                           const char  *name,
                           int          pool,
                           int          stride,
                           const char  *padding)
{
  return pooling2d (graph, "AveragePooling2D", "average_pooling2d", x, name, pool, stride, padding);
}

guint
lsc_zoo_global_average_pooling2d (LscZooGraph *graph,
                                  guint        x,
                                  const char  *name,
                                  gboolean     keepdims)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "GlobalAveragePooling2D", name,
                                                "global_average_pooling2d", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape in = shape_of (graph, x);

  lsc_zoo_json_string (b, "data_format", "channels_last");
  lsc_zoo_json_bool (b, "keepdims", keepdims);
  lsc_zoo_config_end (layer, b);

  require_rank (graph, layer, &in, 4);
  if (keepdims)
    layer->output = lsc_shape_make (4, (int64_t) LSC_DIM_UNKNOWN, (int64_t) 1, (int64_t) 1, in.dims[3]);
  else
    layer->output = lsc_shape_make (2, (int64_t) LSC_DIM_UNKNOWN, in.dims[3]);
  /* The mean of a rectified N (0, s²): (s / sqrt (2 pi))² = E[x²] / pi. */
  layer->mean_square = mean_square_of (graph, x) / G_PI;
  return layer_index (graph);
}

guint
lsc_zoo_dense (LscZooGraph *graph,
               guint        x,
               const char  *name,
               int          units,
               const char  *activation)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "Dense", name, "dense", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape in = shape_of (graph, x);
  int64_t features = in.dims[in.ndim - 1];
  int64_t rows = 1;
  LscZooWeight *kernel;

  lsc_zoo_json_int (b, "units", units);
  lsc_zoo_json_string (b, "activation", activation);
  lsc_zoo_json_bool (b, "use_bias", TRUE);
  lsc_zoo_json_initializer (b, "kernel_initializer", lsc_zoo_dense_kernel_init (graph));
  lsc_zoo_json_initializer (b, "bias_initializer", LSC_ZOO_INIT_ZEROS);
  lsc_zoo_json_nulls (b, (const char *const[]) { "kernel_regularizer", "bias_regularizer",
                                        "activity_regularizer", "kernel_constraint",
                                        "bias_constraint", NULL });
  lsc_zoo_config_end (layer, b);

  layer->output = in;
  layer->output.dims[in.ndim - 1] = units;
  kernel = lsc_zoo_layer_add_weight (layer, "kernel", LSC_ZOO_FILL_HE, 2, features, (int64_t) units);
  kernel->fan_in = (double) features;
  lsc_zoo_layer_add_weight (layer, "bias", LSC_ZOO_FILL_BIAS, 1, (int64_t) units);
  /* Dense on a rank > 2 input applies to every position of the middle axes. */
  for (int i = 1; i < in.ndim - 1; i++)
    rows *= in.dims[i];
  layer->macs = rows * features * units;
  layer->mean_square = activation_mean_square (activation, 2 * mean_square_of (graph, x));
  return layer_index (graph);
}

guint
lsc_zoo_dropout (LscZooGraph *graph,
                 guint        x,
                 const char  *name,
                 double       rate,
                 gboolean     per_sample)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "Dropout", name, "dropout", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);

  lsc_zoo_json_double (b, "rate", rate);
  if (per_sample)
    {
      LscShape noise = { .ndim = 4, .dims = { LSC_DIM_UNKNOWN, 1, 1, 1 } };

      lsc_zoo_json_batch_shape (b, "noise_shape", &noise);
    }
  else
    lsc_zoo_json_null (b, "noise_shape");
  lsc_zoo_json_null (b, "seed");
  return add_shape_preserving (graph, x, layer, b);
}

guint
lsc_zoo_flatten (LscZooGraph *graph,
                 guint        x,
                 const char  *name)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "Flatten", name, "flatten", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape in = shape_of (graph, x);
  int64_t features = 1;

  lsc_zoo_json_string (b, "data_format", "channels_last");
  lsc_zoo_config_end (layer, b);

  for (int i = 1; i < in.ndim; i++)
    features *= in.dims[i];
  layer->output = lsc_shape_make (2, (int64_t) LSC_DIM_UNKNOWN, features);
  layer->mean_square = mean_square_of (graph, x);
  return layer_index (graph);
}

guint
lsc_zoo_reshape (LscZooGraph   *graph,
                 guint          x,
                 const char    *name,
                 int            ndim,
                 const int64_t *target)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "Reshape", name, "reshape", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape in = shape_of (graph, x);
  int64_t numel = 1;

  json_builder_set_member_name (b, "target_shape");
  json_builder_begin_array (b);
  for (int i = 0; i < ndim; i++)
    json_builder_add_int_value (b, target[i]);
  json_builder_end_array (b);
  lsc_zoo_config_end (layer, b);

  layer->output.ndim = ndim + 1;
  layer->output.dims[0] = LSC_DIM_UNKNOWN;
  for (int i = 0; i < ndim; i++)
    {
      layer->output.dims[i + 1] = target[i];
      numel *= target[i];
    }
  layer->mean_square = mean_square_of (graph, x);
  in.dims[0] = 1;
  if (numel != lsc_shape_numel (&in))
    lsc_zoo_graph_set_error (graph, "layer “%s” cannot reshape %" G_GINT64_FORMAT " values",
                             layer->name, lsc_shape_numel (&in));
  return layer_index (graph);
}

/* Add and Multiply: Keras's merge broadcasting (a dimension of 1 stretches). */
static guint
merge (LscZooGraph *graph,
       const char  *class_name,
       const char  *auto_prefix,
       guint        a,
       guint        b_index,
       const char  *name)
{
  guint inputs[2] = { a, b_index };
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, class_name, name, auto_prefix, inputs, 2);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape sa = shape_of (graph, a);
  LscShape sb = shape_of (graph, b_index);

  lsc_zoo_config_end (layer, b);

  /* Independent inputs: squares add under Add, multiply under Multiply. */
  if (g_str_equal (class_name, "Add"))
    layer->mean_square = mean_square_of (graph, a) + mean_square_of (graph, b_index);
  else
    layer->mean_square = mean_square_of (graph, a) * mean_square_of (graph, b_index);
  layer->output = sa;
  if (sa.ndim != sb.ndim)
    {
      lsc_zoo_graph_set_error (graph, "layer “%s” merges ranks %d and %d",
                               layer->name, sa.ndim, sb.ndim);
      return layer_index (graph);
    }
  for (int i = 1; i < sa.ndim; i++)
    {
      if (sa.dims[i] == sb.dims[i] || sb.dims[i] == 1)
        continue;
      if (sa.dims[i] == 1)
        layer->output.dims[i] = sb.dims[i];
      else
        lsc_zoo_graph_set_error (graph, "layer “%s” merges dimensions %" G_GINT64_FORMAT
                                 " and %" G_GINT64_FORMAT, layer->name, sa.dims[i], sb.dims[i]);
    }
  return layer_index (graph);
}

guint
lsc_zoo_add (LscZooGraph *graph,
             guint        a,
             guint        b,
             const char  *name)
{
  return merge (graph, "Add", "add", a, b, name);
}

guint
lsc_zoo_multiply (LscZooGraph *graph,
                  guint        a,
                  guint        b,
                  const char  *name)
{
  return merge (graph, "Multiply", "multiply", a, b, name);
}

guint
lsc_zoo_rescaling (LscZooGraph *graph,
                   guint        x,
                   const char  *name,
                   double       scale,
                   double       offset)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "Rescaling", name, "rescaling", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);

  lsc_zoo_json_double (b, "scale", scale);
  lsc_zoo_json_double (b, "offset", offset);
  add_shape_preserving (graph, x, layer, b);
  layer->mean_square = layer->mean_square * scale * scale + offset * offset;
  return layer_index (graph);
}

guint
lsc_zoo_normalization (LscZooGraph  *graph,
                       guint         x,
                       const char   *name,
                       const double *mean,
                       const double *variance,
                       int64_t       count)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "Normalization", name, "normalization", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape in = shape_of (graph, x);
  int64_t channels = in.dims[in.ndim - 1];
  LscZooWeight *weight;

  /* mean and variance null in the config: Keras then builds (and the file
   * stores) the adapted-state weights mean, variance and count. */
  json_builder_set_member_name (b, "axis");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, in.ndim - 1);
  json_builder_end_array (b);
  lsc_zoo_json_bool (b, "invert", FALSE);
  lsc_zoo_json_null (b, "mean");
  lsc_zoo_json_null (b, "variance");
  add_shape_preserving (graph, x, layer, b);
  layer->mean_square = 1.0;

  weight = lsc_zoo_layer_add_weight (layer, "mean", LSC_ZOO_FILL_VALUES, 1, channels);
  weight->values = g_memdup2 (mean, channels * sizeof (double));
  weight = lsc_zoo_layer_add_weight (layer, "variance", LSC_ZOO_FILL_VALUES, 1, channels);
  weight->values = g_memdup2 (variance, channels * sizeof (double));
  weight = lsc_zoo_layer_add_weight (layer, "count", LSC_ZOO_FILL_VALUES, 0);
  weight->is_int64 = TRUE;
  weight->values = g_new (double, 1);
  weight->values[0] = (double) count;
  return layer_index (graph);
}

guint
lsc_zoo_embedding (LscZooGraph *graph,
                   guint        x,
                   const char  *name,
                   int          input_dim,
                   int          output_dim)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "Embedding", name, "embedding", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape in = shape_of (graph, x);

  lsc_zoo_json_int (b, "input_dim", input_dim);
  lsc_zoo_json_int (b, "output_dim", output_dim);
  lsc_zoo_json_initializer (b, "embeddings_initializer", LSC_ZOO_INIT_RANDOM_UNIFORM);
  lsc_zoo_json_nulls (b, (const char *const[]) { "embeddings_regularizer", "activity_regularizer",
                                        "embeddings_constraint", NULL });
  lsc_zoo_json_bool (b, "mask_zero", FALSE);
  lsc_zoo_json_null (b, "input_length");
  lsc_zoo_config_end (layer, b);

  layer->output = in;
  layer->output.dims[in.ndim] = output_dim;
  layer->output.ndim = in.ndim + 1;
  lsc_zoo_layer_add_weight (layer, "embeddings", LSC_ZOO_FILL_EMBEDDING, 2,
                            (int64_t) input_dim, (int64_t) output_dim);
  layer->mean_square = 0.05 * 0.05 / 3;
  return layer_index (graph);
}

guint
lsc_zoo_lstm (LscZooGraph *graph,
              guint        x,
              const char  *name,
              int          units)
{
  LscZooLayer *layer = lsc_zoo_graph_add_layer (graph, "LSTM", name, "lstm", &x, 1);
  JsonBuilder *b = lsc_zoo_config_begin (graph, layer);
  LscShape in = shape_of (graph, x);
  int64_t features = in.dims[in.ndim - 1];
  LscZooWeight *weight;

  lsc_zoo_json_bool (b, "return_sequences", FALSE);
  lsc_zoo_json_bool (b, "return_state", FALSE);
  lsc_zoo_json_bool (b, "go_backwards", FALSE);
  lsc_zoo_json_bool (b, "stateful", FALSE);
  lsc_zoo_json_bool (b, "unroll", FALSE);
  lsc_zoo_json_bool (b, "time_major", FALSE);
  lsc_zoo_json_int (b, "units", units);
  lsc_zoo_json_string (b, "activation", "tanh");
  lsc_zoo_json_string (b, "recurrent_activation", "sigmoid");
  lsc_zoo_json_bool (b, "use_bias", TRUE);
  lsc_zoo_json_initializer (b, "kernel_initializer", LSC_ZOO_INIT_GLOROT_UNIFORM);
  lsc_zoo_json_initializer (b, "recurrent_initializer", LSC_ZOO_INIT_ORTHOGONAL);
  lsc_zoo_json_initializer (b, "bias_initializer", LSC_ZOO_INIT_ZEROS);
  lsc_zoo_json_bool (b, "unit_forget_bias", TRUE);
  lsc_zoo_json_nulls (b, (const char *const[]) { "kernel_regularizer", "recurrent_regularizer",
                                        "bias_regularizer", "activity_regularizer",
                                        "kernel_constraint", "recurrent_constraint",
                                        "bias_constraint", NULL });
  lsc_zoo_json_double (b, "dropout", 0.0);
  lsc_zoo_json_double (b, "recurrent_dropout", 0.0);
  lsc_zoo_json_int (b, "implementation", 2);
  lsc_zoo_config_end (layer, b);

  require_rank (graph, layer, &in, 3);
  layer->output = lsc_shape_make (2, (int64_t) LSC_DIM_UNKNOWN, (int64_t) units);
  /* TF 2 names the cell's variables under the layer: "lstm/lstm_cell/…". */
  weight = lsc_zoo_layer_add_weight (layer, "lstm_cell/kernel", LSC_ZOO_FILL_GLOROT, 2,
                                     features, (int64_t) 4 * units);
  weight->fan_in = (double) features;
  weight->fan_out = 4.0 * units;
  weight = lsc_zoo_layer_add_weight (layer, "lstm_cell/recurrent_kernel", LSC_ZOO_FILL_GLOROT, 2,
                                     (int64_t) units, (int64_t) 4 * units);
  weight->fan_in = (double) units;
  weight->fan_out = 4.0 * units;
  lsc_zoo_layer_add_weight (layer, "lstm_cell/bias", LSC_ZOO_FILL_LSTM_BIAS, 1, (int64_t) 4 * units);
  /* h = o · tanh (c): bounded, small for small inputs. */
  layer->mean_square = 0.1;
  return layer_index (graph);
}
