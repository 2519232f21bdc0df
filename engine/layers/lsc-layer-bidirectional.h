#pragma once

#include "kernels/ref/lsc-ref-rnn.h"
#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* Bidirectional(layer): runs layer->children[0] (forward) and
 * layer->children[1] (backward, go_backwards flipped) on the same input and
 * merges their outputs. The file's weights are the forward layer's then the
 * backward layer's; attach_weights hands them to the children, so the
 * wrapper itself holds none afterwards. */
typedef struct
{
  LscBidirectionalMerge merge;
  /* The inner layers' return_sequences: the backward sequence is then
   * reversed back to the input's time order before merging. */
  gboolean              return_sequences;
} LscBidirectionalParams;

const LscLayer *lsc_bidirectional_get_forward  (const LscLayer *layer);
const LscLayer *lsc_bidirectional_get_backward (const LscLayer *layer);

G_END_DECLS
