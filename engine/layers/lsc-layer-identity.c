/* Dropout and the other layers that only act during training. */

#include <string.h>

#include "lsc-layer-registry.h"

static void
identity_run (const LscLayer         *layer,
              const LscTensor *const *inputs,
              guint                   n_inputs,
              LscTensor              *output)
{
  memcpy (output->data, inputs[0]->data, (size_t) lsc_tensor_numel (output) * sizeof (float));
}

const LscLayerOps lsc_layer_identity_ops = {
  .class_name = "Dropout",
  .kind = LSC_LAYER_KIND_IDENTITY,
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = lsc_layer_infer_same_shape,
  .run = identity_run,
};
