#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* Config and shape checks shared by the spatial layer families (pooling,
 * padding, upsampling, reshape). */

/* LSC_ENGINE_ERROR_BAD_SHAPE unless input has exactly `rank` dims (batch
 * included); the message shows the shape and what the layer expects. */
gboolean lsc_spatial_check_rank            (const LscLayer  *layer,
                                            const LscShape  *input,
                                            int              rank,
                                            GError         **error);

G_END_DECLS
