#include "lsc-activation.h"

#include <math.h>

#include "core/lsc-error.h"

static const struct {
  const char *name;
  LscActivation activation;
} activation_names[] = {
  { "linear", LSC_ACTIVATION_LINEAR },
  { "relu", LSC_ACTIVATION_RELU },
  { "relu6", LSC_ACTIVATION_RELU6 },
  { "elu", LSC_ACTIVATION_ELU },
  { "selu", LSC_ACTIVATION_SELU },
  { "gelu", LSC_ACTIVATION_GELU },
  { "sigmoid", LSC_ACTIVATION_SIGMOID },
  { "tanh", LSC_ACTIVATION_TANH },
  { "softmax", LSC_ACTIVATION_SOFTMAX },
  { "log_softmax", LSC_ACTIVATION_LOG_SOFTMAX },
  { "softplus", LSC_ACTIVATION_SOFTPLUS },
  { "softsign", LSC_ACTIVATION_SOFTSIGN },
  { "swish", LSC_ACTIVATION_SWISH },
  { "silu", LSC_ACTIVATION_SWISH },
  { "hard_swish", LSC_ACTIVATION_HARD_SWISH },
  { "hard_silu", LSC_ACTIVATION_HARD_SWISH },
  { "leaky_relu", LSC_ACTIVATION_LEAKY_RELU },
  { "exponential", LSC_ACTIVATION_EXPONENTIAL },
  { "mish", LSC_ACTIVATION_MISH },
};

static const char *const display_names[] = {
  [LSC_ACTIVATION_LINEAR] = "linear",
  [LSC_ACTIVATION_RELU] = "relu",
  [LSC_ACTIVATION_RELU6] = "relu6",
  [LSC_ACTIVATION_ELU] = "elu",
  [LSC_ACTIVATION_SELU] = "selu",
  [LSC_ACTIVATION_GELU] = "gelu",
  [LSC_ACTIVATION_GELU_APPROX] = "gelu (tanh approximation)",
  [LSC_ACTIVATION_SIGMOID] = "sigmoid",
  [LSC_ACTIVATION_HARD_SIGMOID_K2] = "hard_sigmoid (Keras 2)",
  [LSC_ACTIVATION_HARD_SIGMOID_K3] = "hard_sigmoid (Keras 3)",
  [LSC_ACTIVATION_TANH] = "tanh",
  [LSC_ACTIVATION_SOFTMAX] = "softmax",
  [LSC_ACTIVATION_LOG_SOFTMAX] = "log_softmax",
  [LSC_ACTIVATION_SOFTPLUS] = "softplus",
  [LSC_ACTIVATION_SOFTSIGN] = "softsign",
  [LSC_ACTIVATION_SWISH] = "swish",
  [LSC_ACTIVATION_HARD_SWISH] = "hard_swish",
  [LSC_ACTIVATION_LEAKY_RELU] = "leaky_relu",
  [LSC_ACTIVATION_EXPONENTIAL] = "exponential",
  [LSC_ACTIVATION_MISH] = "mish",
};
G_STATIC_ASSERT (G_N_ELEMENTS (display_names) == LSC_ACTIVATION_COUNT);

gboolean
lsc_activation_from_name (const char     *name,
                          int             keras_major,
                          LscActivation  *out,
                          GError        **error)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (name == NULL)
    {
      *out = LSC_ACTIVATION_LINEAR;
      return TRUE;
    }

  if (g_str_equal (name, "hard_sigmoid"))
    {
      *out = keras_major >= 3 ? LSC_ACTIVATION_HARD_SIGMOID_K3 : LSC_ACTIVATION_HARD_SIGMOID_K2;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (activation_names); i++)
    if (g_str_equal (name, activation_names[i].name))
      {
        *out = activation_names[i].activation;
        return TRUE;
      }

  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
               "unknown activation function “%s”", name);
  return FALSE;
}

const char *
lsc_activation_get_name (LscActivation activation)
{
  g_return_val_if_fail (activation < LSC_ACTIVATION_COUNT, "?");
  return display_names[activation];
}

static inline float
sigmoidf (float x)
{
  return 1.0f / (1.0f + expf (-x));
}

float
lsc_activation_scalar (LscActivation activation,
                       float         x)
{
  const float selu_alpha = 1.6732632423543772f;
  const float selu_scale = 1.0507009873554805f;

  switch (activation)
    {
    case LSC_ACTIVATION_LINEAR:
      return x;
    case LSC_ACTIVATION_RELU:
      return x > 0.0f ? x : 0.0f;
    case LSC_ACTIVATION_RELU6:
      return fminf (fmaxf (x, 0.0f), 6.0f);
    case LSC_ACTIVATION_ELU:
      return x > 0.0f ? x : expm1f (x);
    case LSC_ACTIVATION_SELU:
      return selu_scale * (x > 0.0f ? x : selu_alpha * expm1f (x));
    case LSC_ACTIVATION_GELU:
      return 0.5f * x * (1.0f + erff (x * (float) M_SQRT1_2));
    case LSC_ACTIVATION_GELU_APPROX:
      return 0.5f * x * (1.0f + tanhf (0.7978845608028654f * (x + 0.044715f * x * x * x)));
    case LSC_ACTIVATION_SIGMOID:
      return sigmoidf (x);
    case LSC_ACTIVATION_HARD_SIGMOID_K2:
      return fminf (fmaxf (0.2f * x + 0.5f, 0.0f), 1.0f);
    case LSC_ACTIVATION_HARD_SIGMOID_K3:
      return fminf (fmaxf (x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case LSC_ACTIVATION_TANH:
      return tanhf (x);
    case LSC_ACTIVATION_SOFTPLUS:
      /* log (1 + e^x) without overflow for large x. */
      return fmaxf (x, 0.0f) + log1pf (expf (-fabsf (x)));
    case LSC_ACTIVATION_SOFTSIGN:
      return x / (1.0f + fabsf (x));
    case LSC_ACTIVATION_SWISH:
      return x * sigmoidf (x);
    case LSC_ACTIVATION_HARD_SWISH:
      return x * fminf (fmaxf (x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case LSC_ACTIVATION_LEAKY_RELU:
      return x >= 0.0f ? x : 0.2f * x;
    case LSC_ACTIVATION_EXPONENTIAL:
      return expf (x);
    case LSC_ACTIVATION_MISH:
      return x * tanhf (fmaxf (x, 0.0f) + log1pf (expf (-fabsf (x))));
    case LSC_ACTIVATION_SOFTMAX:
    case LSC_ACTIVATION_LOG_SOFTMAX:
    case LSC_ACTIVATION_COUNT:
    default:
      g_return_val_if_reached (x);
    }
}

static void
softmax_rows (float   *x,
              int64_t  n,
              int64_t  last_dim,
              gboolean log_form)
{
  for (int64_t row = 0; row + last_dim <= n; row += last_dim)
    {
      float *v = x + row;
      float max = v[0];
      double sum = 0.0;

      for (int64_t i = 1; i < last_dim; i++)
        max = fmaxf (max, v[i]);
      for (int64_t i = 0; i < last_dim; i++)
        sum += exp ((double) v[i] - max);
      for (int64_t i = 0; i < last_dim; i++)
        v[i] = log_form ? (float) ((double) v[i] - max - log (sum))
                        : (float) (exp ((double) v[i] - max) / sum);
    }
}

void
lsc_activation_apply (LscActivation activation,
                      float        *x,
                      int64_t       n,
                      int64_t       last_dim)
{
  switch (activation)
    {
    case LSC_ACTIVATION_LINEAR:
      return;
    case LSC_ACTIVATION_SOFTMAX:
    case LSC_ACTIVATION_LOG_SOFTMAX:
      g_return_if_fail (last_dim > 0);
      softmax_rows (x, n, last_dim, activation == LSC_ACTIVATION_LOG_SOFTMAX);
      return;
    default:
      for (int64_t i = 0; i < n; i++)
        x[i] = lsc_activation_scalar (activation, x[i]);
      return;
    }
}
