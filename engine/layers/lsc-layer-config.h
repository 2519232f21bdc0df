#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* Readers for the values of a Keras layer config. Each takes the layer so
 * that its errors name it; a missing key gives the default when one is
 * passed (the *_or variants) and an error otherwise; a value of the wrong
 * JSON type is always an error (LSC_ENGINE_ERROR_BAD_CONFIG). */

typedef enum
{
  LSC_PADDING_VALID,
  LSC_PADDING_SAME,     /* Keras/TF split: the extra pixel goes after (bottom/right) */
  LSC_PADDING_CAUSAL,   /* Conv1D: all padding before */
} LscPadding;

gboolean    lsc_config_has         (JsonObject      *config,
                                    const char      *key);   /* present and not null */
gboolean    lsc_config_get_int_or  (const LscLayer  *layer,
                                    JsonObject      *config,
                                    const char      *key,
                                    int64_t          fallback,
                                    int64_t         *out,
                                    GError         **error);
gboolean    lsc_config_get_int     (const LscLayer  *layer,
                                    JsonObject      *config,
                                    const char      *key,
                                    int64_t         *out,
                                    GError         **error);
gboolean    lsc_config_get_double_or (const LscLayer *layer,
                                    JsonObject      *config,
                                    const char      *key,
                                    double           fallback,
                                    double          *out,
                                    GError         **error);
gboolean    lsc_config_get_bool_or (const LscLayer  *layer,
                                    JsonObject      *config,
                                    const char      *key,
                                    gboolean         fallback,
                                    gboolean        *out,
                                    GError         **error);
/* Borrowed string; fallback may be NULL. */
gboolean    lsc_config_get_string_or (const LscLayer *layer,
                                    JsonObject      *config,
                                    const char      *key,
                                    const char      *fallback,
                                    const char     **out,
                                    GError         **error);
/* An int or a list of ints (kernel_size: 3 or [3, 3]); an int is repeated
 * n times; a list must have exactly n entries. */
gboolean    lsc_config_get_ints    (const LscLayer  *layer,
                                    JsonObject      *config,
                                    const char      *key,
                                    guint            n,
                                    int64_t         *out,
                                    GError         **error);
/* A list of ints or nulls of any length (null → LSC_DIM_UNKNOWN);
 * an int alone is a list of one. Returns the count in n_out. */
gboolean    lsc_config_get_int_list (const LscLayer *layer,
                                    JsonObject      *config,
                                    const char      *key,
                                    int64_t         *out,
                                    guint            max,
                                    guint           *n_out,
                                    GError         **error);
gboolean    lsc_config_get_padding (const LscLayer  *layer,
                                    JsonObject      *config,
                                    LscPadding      *out,
                                    GError         **error);
/* "activation" and the like; a string or a serialized {"class_name": …}; a
 * missing or null value is linear. */
gboolean    lsc_config_get_activation (const LscLayer       *layer,
                                    JsonObject            *config,
                                    const char            *key,
                                    const LscLoadContext  *ctx,
                                    LscActivation         *out,
                                    GError               **error);
/* Rejects channels first in every spelling: data_format "channels_first"
 * and Keras 1's dim_ordering "th" (we compute channels last only). */
gboolean    lsc_config_require_channels_last (const LscLayer *layer,
                                    JsonObject      *config,
                                    GError         **error);

/* Output length of one spatial dimension the way Keras computes it. */
int64_t     lsc_conv_output_length (int64_t          input,
                                    int64_t          kernel,
                                    int64_t          stride,
                                    int64_t          dilation,
                                    LscPadding       padding);
/* Padding before the first element for SAME (TF's split: floor of half the
 * total before, the rest after) and CAUSAL; 0 for VALID. */
int64_t     lsc_conv_pad_before    (int64_t          input,
                                    int64_t          kernel,
                                    int64_t          stride,
                                    int64_t          dilation,
                                    LscPadding       padding);

G_END_DECLS
