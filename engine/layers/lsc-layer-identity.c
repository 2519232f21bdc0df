/* Dropout and the other layers that only act during training. */

#include <string.h>

#include "lsc-layer-registry.h"

static gboolean
identity_infer (const LscLayer *layer,
                const LscShape *inputs,
                guint           n_inputs,
                LscShape       *output,
                GError        **error)
{
  if (!lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;
  *output = inputs[0];
  return TRUE;
}

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
  .infer = identity_infer,
  .run = identity_run,
};
