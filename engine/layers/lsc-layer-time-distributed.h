#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* TimeDistributed(layer): applies layer->children[0] to every time step of
 * a (batch, time, …) input, as one batch of batch * time samples; the
 * output is (batch, time, …inner output without its batch). The file's
 * weights are the inner layer's; attach_weights moves them to it, so the
 * wrapper itself holds none afterwards. It has no parameters of its own. */
const LscLayer *lsc_time_distributed_get_inner (const LscLayer *layer);

G_END_DECLS
