#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* Every layer family's ops, defined in its lsc-layer-*.c file. */
extern const LscLayerOps lsc_layer_input_ops;
extern const LscLayerOps lsc_layer_identity_ops;

G_END_DECLS
