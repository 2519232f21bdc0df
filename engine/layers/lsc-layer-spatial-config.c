#include "lsc-layer-spatial-config.h"

#include "lsc-layer-config.h"

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
