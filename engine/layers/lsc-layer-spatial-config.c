#include "lsc-layer-spatial-config.h"

#include "lsc-layer-config.h"

gboolean
lsc_spatial_require_channels_last (const LscLayer  *layer,
                                   JsonObject      *config,
                                   GError         **error)
{
  const char *dim_ordering = NULL;

  if (!lsc_config_require_channels_last (layer, config, error))
    return FALSE;

  /* Keras 1 saved the resolved ordering: "tf" is channels last, "th"
   * channels first. */
  if (!lsc_config_get_string_or (layer, config, "dim_ordering", "tf", &dim_ordering, error))
    return FALSE;
  if (!g_str_equal (dim_ordering, "tf"))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "dim_ordering “%s” is not supported (only “tf”, channels last)",
                           dim_ordering);
      return FALSE;
    }
  return TRUE;
}

gboolean
lsc_spatial_check_rank (const LscLayer  *layer,
                        const LscShape  *input,
                        int              rank,
                        GError         **error)
{
  g_autofree char *have = NULL;

  if (input->ndim == rank)
    return TRUE;

  have = lsc_shape_to_string (input);
  lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                       "the input has shape %s but this layer needs %d dimensions "
                       "(batch included)", have, rank);
  return FALSE;
}
