#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Keras activation functions, as named in layer configs. Where Keras 2 and
 * Keras 3 differ (hard_sigmoid), there are two members and the loader picks
 * one from the file's keras_version. */
typedef enum
{
  LSC_ACTIVATION_LINEAR,
  LSC_ACTIVATION_RELU,
  LSC_ACTIVATION_RELU6,
  LSC_ACTIVATION_ELU,
  LSC_ACTIVATION_SELU,
  LSC_ACTIVATION_GELU,              /* exact, erf form (Keras default) */
  LSC_ACTIVATION_GELU_APPROX,       /* tanh approximation */
  LSC_ACTIVATION_SIGMOID,
  LSC_ACTIVATION_HARD_SIGMOID_K2,   /* clip (0.2 x + 0.5, 0, 1): Keras 2 / tf.keras */
  LSC_ACTIVATION_HARD_SIGMOID_K3,   /* relu6 (x + 3) / 6: Keras 3 */
  LSC_ACTIVATION_TANH,
  LSC_ACTIVATION_SOFTMAX,           /* over the last axis */
  LSC_ACTIVATION_LOG_SOFTMAX,       /* over the last axis */
  LSC_ACTIVATION_SOFTPLUS,
  LSC_ACTIVATION_SOFTSIGN,
  LSC_ACTIVATION_SWISH,             /* also "silu" */
  LSC_ACTIVATION_HARD_SWISH,        /* also "hard_silu": x * relu6 (x + 3) / 6 */
  LSC_ACTIVATION_LEAKY_RELU,        /* negative slope 0.2, as the activation function */
  LSC_ACTIVATION_EXPONENTIAL,
  LSC_ACTIVATION_MISH,
  LSC_ACTIVATION_COUNT
} LscActivation;

/* Parses an activation name ("relu", "hard_sigmoid", …). keras_major picks
 * the Keras 2 or 3 meaning of names whose semantics changed. Returns FALSE
 * with an error naming the activation when it is unknown. */
gboolean      lsc_activation_from_name (const char     *name,
                                        int             keras_major,
                                        LscActivation  *out,
                                        GError        **error);
const char   *lsc_activation_get_name  (LscActivation   activation);

/* Applies the activation in place to n values laid out as rows of
 * `last_dim` values (softmax normalises each row). */
void          lsc_activation_apply     (LscActivation   activation,
                                        float          *x,
                                        int64_t         n,
                                        int64_t         last_dim);

/* One value; not valid for the softmax family. */
float         lsc_activation_scalar    (LscActivation   activation,
                                        float           x);

G_END_DECLS
