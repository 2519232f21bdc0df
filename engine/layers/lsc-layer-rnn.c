/* SimpleRNN, LSTM, GRU and the CuDNNLSTM/CuDNNGRU layers of Keras 2. */

#include "lsc-layer-rnn.h"

#include <string.h>

#include "kernels/ref/lsc-ref-rnn.h"
#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"

static guint
cell_n_gates (LscRnnCell cell)
{
  switch (cell)
    {
    case LSC_RNN_CELL_LSTM:
      return 4;
    case LSC_RNN_CELL_GRU:
      return 3;
    case LSC_RNN_CELL_SIMPLE:
    default:
      return 1;
    }
}

/* An activation key that Keras would default when it is absent (a null
 * value is "linear", as Keras's activations.get (None) is). */
static gboolean
get_activation_with_default (LscLayer             *layer,
                             JsonObject           *config,
                             const char           *key,
                             LscActivation         fallback,
                             const LscLoadContext *ctx,
                             LscActivation        *out,
                             GError              **error)
{
  if (!json_object_has_member (config, key))
    {
      *out = fallback;
      return TRUE;
    }
  return lsc_config_get_activation (layer, config, key, ctx, out, error);
}

static gboolean
reject_if_true (LscLayer    *layer,
                JsonObject  *config,
                const char  *key,
                const char  *why,
                GError     **error)
{
  gboolean value = FALSE;

  if (!lsc_config_get_bool_or (layer, config, key, FALSE, &value, error))
    return FALSE;
  if (value)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "%s=True is not supported (%s)", key, why);
      return FALSE;
    }
  return TRUE;
}

static gboolean
rnn_parse (LscLayer             *layer,
           JsonObject           *config,
           const LscLoadContext *ctx,
           LscRnnCell            cell,
           gboolean              cudnn,
           GError              **error)
{
  LscRnnParams *params = g_new0 (LscRnnParams, 1);
  gboolean keras1 = FALSE;
  LscActivation default_recurrent;

  layer->params = params;
  params->cell = cell;
  params->layout = cudnn ? LSC_RNN_WEIGHTS_CUDNN : LSC_RNN_WEIGHTS_STANDARD;

  /* Keras 1 wrote output_dim and inner_activation where Keras 2 writes
   * units and recurrent_activation. */
  if (lsc_config_has (config, "units"))
    {
      if (!lsc_config_get_int (layer, config, "units", &params->units, error))
        return FALSE;
    }
  else if (lsc_config_has (config, "output_dim"))
    {
      keras1 = TRUE;
      if (!lsc_config_get_int (layer, config, "output_dim", &params->units, error))
        return FALSE;
    }
  else
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG, "the config has no “units”");
      return FALSE;
    }
  if (params->units <= 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“units” must be positive, not %" G_GINT64_FORMAT, (gint64) params->units);
      return FALSE;
    }

  /* Options that change what the layer returns or where its state comes
   * from: a layer here has one output and starts from zeros. */
  if (!reject_if_true (layer, config, "return_state",
                       "a recurrent layer here has a single output", error) ||
      !reject_if_true (layer, config, "stateful",
                       "the state would carry over between batches; it starts from zeros here", error) ||
      !reject_if_true (layer, config, "time_major",
                       "inputs are (batch, time, features)", error))
    return FALSE;

  if (!lsc_config_get_bool_or (layer, config, "return_sequences", FALSE, &params->return_sequences, error) ||
      !lsc_config_get_bool_or (layer, config, "go_backwards", FALSE, &params->go_backwards, error))
    return FALSE;

  if (cudnn)
    {
      /* The weight layout of these layers changed while Keras 2.0/2.1 were
       * current (the kernels went from Keras's order to cuDNN's and back);
       * the file's version alone cannot tell which one it holds. */
      if (ctx->keras_major == 2 && ctx->keras_minor <= 1)
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                               "%s layers saved by Keras 2.%d are not supported: their weight "
                               "layout changed within those releases (Keras ≥ 2.2 files are)",
                               layer->class_name, ctx->keras_minor);
          return FALSE;
        }
      /* cuDNN's fixed cell: sigmoid gates, tanh, and for the GRU the reset
       * gate applied after the recurrent matmul, with two bias sets. */
      params->activation = LSC_ACTIVATION_TANH;
      params->recurrent_activation = LSC_ACTIVATION_SIGMOID;
      params->use_bias = TRUE;
      params->reset_after = cell == LSC_RNN_CELL_GRU;
      return TRUE;
    }

  if (!get_activation_with_default (layer, config, "activation", LSC_ACTIVATION_TANH, ctx,
                                    &params->activation, error))
    return FALSE;

  if (cell != LSC_RNN_CELL_SIMPLE)
    {
      /* Keras ≤ 2.2 (and Keras 1) defaulted the gates to hard_sigmoid,
       * later versions to sigmoid; files normally spell it out. */
      if (keras1 || ctx->keras_major < 2 || (ctx->keras_major == 2 && ctx->keras_minor < 3))
        default_recurrent = LSC_ACTIVATION_HARD_SIGMOID_K2;
      else
        default_recurrent = LSC_ACTIVATION_SIGMOID;

      if (json_object_has_member (config, "recurrent_activation") || !keras1)
        {
          if (!get_activation_with_default (layer, config, "recurrent_activation", default_recurrent,
                                            ctx, &params->recurrent_activation, error))
            return FALSE;
        }
      else if (!get_activation_with_default (layer, config, "inner_activation", default_recurrent,
                                             ctx, &params->recurrent_activation, error))
        return FALSE;
    }

  if (!lsc_config_get_bool_or (layer, config, "use_bias", TRUE, &params->use_bias, error))
    return FALSE;

  if (cell == LSC_RNN_CELL_GRU)
    {
      /* Keras 3 (and tf.keras 2) default to reset_after=True, and every
       * Keras 2 version that has the option writes it; a file without it
       * predates the option: reset before the matmul. */
      if (!lsc_config_get_bool_or (layer, config, "reset_after", ctx->keras_major >= 3,
                                   &params->reset_after, error))
        return FALSE;
    }

  if (keras1 && cell != LSC_RNN_CELL_SIMPLE)
    {
      const char *consume_less = NULL;

      /* Keras 1 keeps one (W, U, b) per gate unless consume_less="gpu". */
      if (!lsc_config_get_string_or (layer, config, "consume_less", "cpu", &consume_less, error))
        return FALSE;
      if (!g_str_equal (consume_less, "gpu"))
        params->layout = LSC_RNN_WEIGHTS_KERAS1_PER_GATE;
    }

  return TRUE;
}

static gboolean
simple_rnn_parse (LscLayer *layer, JsonObject *config, const LscLoadContext *ctx, GError **error)
{
  return rnn_parse (layer, config, ctx, LSC_RNN_CELL_SIMPLE, FALSE, error);
}

static gboolean
lstm_parse (LscLayer *layer, JsonObject *config, const LscLoadContext *ctx, GError **error)
{
  return rnn_parse (layer, config, ctx, LSC_RNN_CELL_LSTM, FALSE, error);
}

static gboolean
gru_parse (LscLayer *layer, JsonObject *config, const LscLoadContext *ctx, GError **error)
{
  return rnn_parse (layer, config, ctx, LSC_RNN_CELL_GRU, FALSE, error);
}

static gboolean
cudnn_lstm_parse (LscLayer *layer, JsonObject *config, const LscLoadContext *ctx, GError **error)
{
  return rnn_parse (layer, config, ctx, LSC_RNN_CELL_LSTM, TRUE, error);
}

static gboolean
cudnn_gru_parse (LscLayer *layer, JsonObject *config, const LscLoadContext *ctx, GError **error)
{
  return rnn_parse (layer, config, ctx, LSC_RNN_CELL_GRU, TRUE, error);
}

guint
lsc_rnn_get_n_file_weights (const LscLayer *layer)
{
  const LscRnnParams *params = layer->params;

  switch (params->layout)
    {
    case LSC_RNN_WEIGHTS_KERAS1_PER_GATE:
      return 3 * cell_n_gates (params->cell);
    case LSC_RNN_WEIGHTS_CUDNN:
      return 3;
    case LSC_RNN_WEIGHTS_STANDARD:
    default:
      return params->use_bias ? 3 : 2;
    }
}

static gboolean
check_weights (const LscLayer *layer,
               int64_t         input_dim,
               GError        **error)
{
  const LscRnnParams *params = layer->params;
  const int64_t u = params->units;
  const int64_t gu = cell_n_gates (params->cell) * u;
  LscShape shape;

  if (!lsc_layer_check_n_weights (layer, lsc_rnn_get_n_file_weights (layer), error))
    return FALSE;

  if (params->layout == LSC_RNN_WEIGHTS_KERAS1_PER_GATE)
    {
      for (guint g = 0; g < cell_n_gates (params->cell); g++)
        {
          shape = lsc_shape_make (2, input_dim, u);
          if (!lsc_layer_check_weight (layer, 3 * g, &shape, error))
            return FALSE;
          shape = lsc_shape_make (2, u, u);
          if (!lsc_layer_check_weight (layer, 3 * g + 1, &shape, error))
            return FALSE;
          shape = lsc_shape_make (1, u);
          if (!lsc_layer_check_weight (layer, 3 * g + 2, &shape, error))
            return FALSE;
        }
      return TRUE;
    }

  shape = lsc_shape_make (2, input_dim, gu);
  if (!lsc_layer_check_weight (layer, 0, &shape, error))
    return FALSE;
  shape = lsc_shape_make (2, u, gu);
  if (!lsc_layer_check_weight (layer, 1, &shape, error))
    return FALSE;

  if (params->layout == LSC_RNN_WEIGHTS_CUDNN)
    shape = lsc_shape_make (1, 2 * gu);
  else if (!params->use_bias)
    return TRUE;
  else if (params->cell == LSC_RNN_CELL_GRU && params->reset_after)
    shape = lsc_shape_make (2, (int64_t) 2, gu);
  else
    shape = lsc_shape_make (1, gu);
  return lsc_layer_check_weight (layer, 2, &shape, error);
}

static gboolean
rnn_infer (const LscLayer *layer,
           const LscShape *inputs,
           guint           n_inputs,
           LscShape       *output,
           GError        **error)
{
  const LscRnnParams *params = layer->params;
  const LscShape *in = &inputs[0];

  if (in->ndim != 3)
    {
      g_autofree char *have = lsc_shape_to_string (in);
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "needs a 3-D input (batch, time, features), got %s", have);
      return FALSE;
    }
  if (in->dims[2] == LSC_DIM_UNKNOWN)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "the number of input features must be known");
      return FALSE;
    }
  if (!check_weights (layer, in->dims[2], error))
    return FALSE;

  if (params->return_sequences)
    *output = lsc_shape_make (3, in->dims[0], in->dims[1], params->units);
  else
    *output = lsc_shape_make (2, in->dims[0], params->units);
  return TRUE;
}

static const float *
weight_data (const LscLayer *layer,
             guint           index)
{
  return lsc_layer_get_weight (layer, index)->data;
}

void
lsc_rnn_standard_weights_clear (LscRnnStandardWeights *w)
{
  g_clear_pointer (&w->kernel, g_free);
  g_clear_pointer (&w->recurrent_kernel, g_free);
  g_clear_pointer (&w->input_bias, g_free);
  g_clear_pointer (&w->recurrent_bias, g_free);
}

static float *
copy_floats (const float *data,
             int64_t      n)
{
  return g_memdup2 (data, (gsize) n * sizeof (float));
}

void
lsc_rnn_gather_standard_weights (const LscLayer        *layer,
                                 int64_t                in,
                                 LscRnnStandardWeights *w)
{
  const LscRnnParams *params = layer->params;
  const int64_t u = params->units;
  const guint n_gates = cell_n_gates (params->cell);
  const int64_t gu = n_gates * u;

  memset (w, 0, sizeof *w);

  switch (params->layout)
    {
    case LSC_RNN_WEIGHTS_STANDARD:
      w->kernel = copy_floats (weight_data (layer, 0), in * gu);
      w->recurrent_kernel = copy_floats (weight_data (layer, 1), u * gu);
      if (params->use_bias)
        {
          w->input_bias = copy_floats (weight_data (layer, 2), gu);
          if (params->cell == LSC_RNN_CELL_GRU && params->reset_after)
            w->recurrent_bias = copy_floats (weight_data (layer, 2) + gu, gu);
        }
      break;

    case LSC_RNN_WEIGHTS_KERAS1_PER_GATE:
      {
        /* Keras 1's LSTM gate triples are in the order i, c, f, o; Keras 2
         * concatenates them as i, f, c, o (its preprocess_weights_for_loading
         * takes triples 0, 2, 1, 3). The GRU's z, r, h order is unchanged. */
        static const guint lstm_source[4] = { 0, 2, 1, 3 };
        static const guint gru_source[3] = { 0, 1, 2 };
        const guint *source = params->cell == LSC_RNN_CELL_LSTM ? lstm_source : gru_source;

        w->kernel = g_new (float, in * gu);
        w->recurrent_kernel = g_new (float, u * gu);
        w->input_bias = g_new (float, gu);
        for (guint g = 0; g < n_gates; g++)
          {
            const float *wk = weight_data (layer, 3 * source[g]);
            const float *uk = weight_data (layer, 3 * source[g] + 1);
            const float *bk = weight_data (layer, 3 * source[g] + 2);

            for (int64_t i = 0; i < in; i++)
              memcpy (w->kernel + i * gu + g * u, wk + i * u, (size_t) u * sizeof (float));
            for (int64_t i = 0; i < u; i++)
              memcpy (w->recurrent_kernel + i * gu + g * u, uk + i * u, (size_t) u * sizeof (float));
            memcpy (w->input_bias + g * u, bk, (size_t) u * sizeof (float));
          }
      }
      break;

    case LSC_RNN_WEIGHTS_CUDNN:
    default:
      {
        const float *ck = weight_data (layer, 0);
        const float *cr = weight_data (layer, 1);
        const float *cb = weight_data (layer, 2);

        /* Keras's _convert_rnn_weights, CuDNN → plain, per gate g:
         *   kernel_g = C_g.T.reshape ((in, u), order='F')
         * where C_g = C[:, g*u:(g+1)*u]: element [i][j] is the (i + j*in)-th
         * value of C_g read row by row;
         *   recurrent_g = R_g.T. */
        w->kernel = g_new (float, in * gu);
        w->recurrent_kernel = g_new (float, u * gu);
        for (guint g = 0; g < n_gates; g++)
          {
            for (int64_t i = 0; i < in; i++)
              for (int64_t j = 0; j < u; j++)
                {
                  const int64_t n = i + j * in;
                  w->kernel[i * gu + g * u + j] = ck[(n / u) * gu + g * u + n % u];
                }
            for (int64_t a = 0; a < u; a++)
              for (int64_t b = 0; b < u; b++)
                w->recurrent_kernel[a * gu + g * u + b] = cr[b * gu + g * u + a];
          }

        if (params->cell == LSC_RNN_CELL_LSTM)
          {
            /* cuDNN adds both bias sets; Keras sums them into one. */
            w->input_bias = g_new (float, gu);
            for (int64_t j = 0; j < gu; j++)
              w->input_bias[j] = cb[j] + cb[gu + j];
          }
        else
          {
            /* The GRU keeps them apart: reshape (2, 3u), as GRU(reset_after). */
            w->input_bias = copy_floats (cb, gu);
            w->recurrent_bias = copy_floats (cb + gu, gu);
          }
      }
      break;
    }
}

static void
rnn_run (const LscLayer         *layer,
         const LscTensor *const *inputs,
         guint                   n_inputs,
         LscTensor              *output)
{
  const LscRnnParams *params = layer->params;
  const LscTensor *x = inputs[0];
  LscRefRnnConfig config = {
    .batch = x->shape.dims[0],
    .time = x->shape.dims[1],
    .input_dim = x->shape.dims[2],
    .units = params->units,
    .activation = params->activation,
    .recurrent_activation = params->recurrent_activation,
    .go_backwards = params->go_backwards,
    .return_sequences = params->return_sequences,
  };
  LscRnnStandardWeights w;

  lsc_rnn_gather_standard_weights (layer, config.input_dim, &w);

  switch (params->cell)
    {
    case LSC_RNN_CELL_LSTM:
      lsc_ref_lstm (&config, x->data, w.kernel, w.recurrent_kernel, w.input_bias, output->data);
      break;
    case LSC_RNN_CELL_GRU:
      lsc_ref_gru (&config, params->reset_after, x->data, w.kernel, w.recurrent_kernel,
                   w.input_bias, w.recurrent_bias, output->data);
      break;
    case LSC_RNN_CELL_SIMPLE:
    default:
      lsc_ref_simple_rnn (&config, x->data, w.kernel, w.recurrent_kernel, w.input_bias, output->data);
      break;
    }

  lsc_rnn_standard_weights_clear (&w);
}

int64_t
lsc_rnn_count_macs_for (const LscRnnParams *params,
                        int64_t             input_dim,
                        int64_t             time)
{
  if (time < 0 || input_dim < 0)
    return -1;
  /* Each step: x W and h U for every gate. */
  return (int64_t) cell_n_gates (params->cell) * params->units * (input_dim + params->units) * time;
}

static int64_t
rnn_count_macs (const LscLayer *layer,
                const LscShape *inputs,
                guint           n_inputs,
                const LscShape *output)
{
  const LscShape *in = &inputs[0];
  int64_t per_sample;

  if (in->ndim != 3 || in->dims[0] < 0)
    return -1;
  per_sample = lsc_rnn_count_macs_for (layer->params, in->dims[2], in->dims[1]);
  return per_sample < 0 ? -1 : per_sample * in->dims[0];
}

gboolean
lsc_layer_is_rnn (const LscLayer *layer)
{
  return layer->ops == &lsc_layer_simple_rnn_ops ||
         layer->ops == &lsc_layer_lstm_ops ||
         layer->ops == &lsc_layer_gru_ops ||
         layer->ops == &lsc_layer_cudnn_lstm_ops ||
         layer->ops == &lsc_layer_cudnn_gru_ops;
}

const LscLayerOps lsc_layer_simple_rnn_ops = {
  .class_name = "SimpleRNN",
  .kind = LSC_LAYER_KIND_RECURRENT,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = simple_rnn_parse,
  .infer = rnn_infer,
  .run = rnn_run,
  .count_macs = rnn_count_macs,
};

const LscLayerOps lsc_layer_lstm_ops = {
  .class_name = "LSTM",
  .kind = LSC_LAYER_KIND_RECURRENT,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = lstm_parse,
  .infer = rnn_infer,
  .run = rnn_run,
  .count_macs = rnn_count_macs,
};

const LscLayerOps lsc_layer_gru_ops = {
  .class_name = "GRU",
  .kind = LSC_LAYER_KIND_RECURRENT,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = gru_parse,
  .infer = rnn_infer,
  .run = rnn_run,
  .count_macs = rnn_count_macs,
};

const LscLayerOps lsc_layer_cudnn_lstm_ops = {
  .class_name = "CuDNNLSTM",
  .kind = LSC_LAYER_KIND_RECURRENT,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = cudnn_lstm_parse,
  .infer = rnn_infer,
  .run = rnn_run,
  .count_macs = rnn_count_macs,
};

const LscLayerOps lsc_layer_cudnn_gru_ops = {
  .class_name = "CuDNNGRU",
  .kind = LSC_LAYER_KIND_RECURRENT,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = cudnn_gru_parse,
  .infer = rnn_infer,
  .run = rnn_run,
  .count_macs = rnn_count_macs,
};
