/* Activation functions against hand-computed values, including the Keras 2
 * vs Keras 3 hard_sigmoid difference. */

#include <math.h>

#include <string.h>

#include "core/lsc-error.h"
#include "layers/lsc-activation.h"

static LscActivation
parse (const char *name,
       int         keras_major)
{
  LscActivation act;
  g_autoptr(GError) error = NULL;

  g_assert_true (lsc_activation_from_name (name, keras_major, &act, &error));
  g_assert_no_error (error);
  return act;
}

static void
check (const char *name,
       int         keras_major,
       float       x,
       float       expected)
{
  float y = lsc_activation_scalar (parse (name, keras_major), x);
  g_assert_cmpfloat_with_epsilon (y, expected, 1e-6f * MAX (1.0f, fabsf (expected)));
}

static void
test_activation_values (void)
{
  check ("linear", 2, -3.5f, -3.5f);
  check ("relu", 2, -1.0f, 0.0f);
  check ("relu", 2, 2.5f, 2.5f);
  check ("relu6", 2, 7.0f, 6.0f);
  check ("relu6", 2, -7.0f, 0.0f);
  check ("elu", 2, -1.0f, -0.6321205588f);
  check ("elu", 2, 2.0f, 2.0f);
  check ("selu", 2, -1.0f, -1.1113307378f);
  check ("selu", 2, 1.0f, 1.0507009874f);
  check ("gelu", 3, 1.0f, 0.8413447461f);
  check ("gelu", 3, -1.0f, -0.1586552539f);
  check ("sigmoid", 2, 0.0f, 0.5f);
  check ("sigmoid", 2, 2.0f, 0.8807970780f);
  check ("tanh", 2, 0.5f, 0.4621171573f);
  check ("softplus", 2, 0.0f, 0.6931471806f);
  check ("softplus", 2, 100.0f, 100.0f);
  check ("softsign", 2, 3.0f, 0.75f);
  check ("swish", 2, 1.0f, 0.7310585786f);
  check ("silu", 3, -1.0f, -0.2689414214f);
  check ("hard_swish", 3, 1.0f, 0.6666666667f);
  check ("hard_swish", 3, -4.0f, 0.0f);
  check ("leaky_relu", 3, -1.0f, -0.2f);
  check ("exponential", 2, 1.0f, 2.7182818285f);
  check ("mish", 3, 1.0f, 0.8650983882f);
}

static void
test_activation_hard_sigmoid_versions (void)
{
  /* Keras 2: clip (0.2 x + 0.5); Keras 3: relu6 (x + 3) / 6. */
  check ("hard_sigmoid", 2, 1.0f, 0.7f);
  check ("hard_sigmoid", 3, 1.0f, 0.6666666667f);
  check ("hard_sigmoid", 2, 2.5f, 1.0f);
  check ("hard_sigmoid", 3, 2.5f, 0.9166666667f);
  check ("hard_sigmoid", 2, -3.0f, 0.0f);
}

static void
test_activation_softmax (void)
{
  float x[6] = { 1.0f, 2.0f, 3.0f, 1000.0f, 1000.0f, 1000.0f };

  lsc_activation_apply (LSC_ACTIVATION_SOFTMAX, x, 6, 3);
  g_assert_cmpfloat_with_epsilon (x[0], 0.0900305732f, 1e-7);
  g_assert_cmpfloat_with_epsilon (x[1], 0.2447284711f, 1e-7);
  g_assert_cmpfloat_with_epsilon (x[2], 0.6652409558f, 1e-7);
  /* Large equal logits must not overflow. */
  g_assert_cmpfloat_with_epsilon (x[3], 1.0f / 3.0f, 1e-7);
  g_assert_cmpfloat_with_epsilon (x[5], 1.0f / 3.0f, 1e-7);
}

static void
test_activation_unknown (void)
{
  LscActivation act;
  g_autoptr(GError) error = NULL;

  g_assert_false (lsc_activation_from_name ("frobnicate", 3, &act, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  g_assert_nonnull (strstr (error->message, "frobnicate"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/activation/values", test_activation_values);
  g_test_add_func ("/activation/hard-sigmoid-versions", test_activation_hard_sigmoid_versions);
  g_test_add_func ("/activation/softmax", test_activation_softmax);
  g_test_add_func ("/activation/unknown", test_activation_unknown);
  return g_test_run ();
}
