#pragma once

#include <glib.h>
#include <stdint.h>

#include "layers/lsc-activation.h"

G_BEGIN_DECLS

/* Reference recurrent kernels: Keras's SimpleRNN, LSTM and GRU cells run
 * over a sequence, on raw float32 arrays, one time step after the other
 * from a zero initial state, exactly as keras.backend.rnn does.
 *
 * Layouts (all row-major, Keras's own):
 *   x                 (batch, time, input_dim)
 *   kernel            (input_dim, gates * units)   gates: SimpleRNN 1,
 *   recurrent_kernel  (units, gates * units)              LSTM 4 (i, f, c, o),
 *   bias              (gates * units) or NULL             GRU 3 (z, r, h)
 *   out               (batch, units), or (batch, time, units) with
 *                     return_sequences
 *
 * go_backwards takes the steps from the last input to the first; with
 * return_sequences out[t] is then the output of the t-th step taken, i.e.
 * of input time - 1 - t (Keras does not reverse it back). */
typedef struct
{
  int64_t       batch;
  int64_t       time;
  int64_t       input_dim;
  int64_t       units;
  LscActivation activation;             /* candidate / output activation (tanh by default) */
  LscActivation recurrent_activation;   /* LSTM and GRU gates */
  gboolean      go_backwards;
  gboolean      return_sequences;
} LscRefRnnConfig;

/* h = activation (x W + b + h U) */
void lsc_ref_simple_rnn (const LscRefRnnConfig *config,
                         const float           *x,
                         const float           *kernel,
                         const float           *recurrent_kernel,
                         const float           *bias,
                         float                 *out);

/* z = x W + h U + b, split in i, f, c, o:
 *   i = ra (z_i)  f = ra (z_f)  c = f * c + i * a (z_c)  o = ra (z_o)
 *   h = o * a (c) */
void lsc_ref_lstm       (const LscRefRnnConfig *config,
                         const float           *x,
                         const float           *kernel,
                         const float           *recurrent_kernel,
                         const float           *bias,
                         float                 *out);

/* Gates z, r, h. With reset_after FALSE (recurrent_bias must be NULL):
 *   z = ra (x Wz + bz + h Uz)   r = ra (x Wr + br + h Ur)
 *   hh = a (x Wh + bh + (r * h) Uh)
 * With reset_after TRUE (input_bias and recurrent_bias are the two rows of
 * Keras's (2, 3 * units) bias, either may be NULL):
 *   m = h U + recurrent_bias
 *   z = ra (x Wz + bz + m_z)   r = ra (x Wr + br + m_r)
 *   hh = a (x Wh + bh + r * m_h)
 * and in both cases h = z * h + (1 - z) * hh. */
void lsc_ref_gru        (const LscRefRnnConfig *config,
                         gboolean               reset_after,
                         const float           *x,
                         const float           *kernel,
                         const float           *recurrent_kernel,
                         const float           *input_bias,
                         const float           *recurrent_bias,
                         float                 *out);

/* How Bidirectional combines its two outputs. */
typedef enum
{
  LSC_BIDIRECTIONAL_MERGE_CONCAT,   /* [forward, backward] on the last axis */
  LSC_BIDIRECTIONAL_MERGE_SUM,
  LSC_BIDIRECTIONAL_MERGE_MUL,
  LSC_BIDIRECTIONAL_MERGE_AVE,      /* (forward + backward) / 2 */
} LscBidirectionalMerge;

/* Merges forward (batch, time, forward_units) and backward (batch, time,
 * backward_units) outputs (time = 1 for last-step outputs). With
 * reverse_backward, backward's time axis is read reversed, as Keras's
 * Bidirectional does for return_sequences so both align with the input's
 * time steps. The units must be equal unless merge is CONCAT; out is
 * (batch, time, forward_units + backward_units) for CONCAT, else
 * (batch, time, units). */
void lsc_ref_bidirectional_merge (LscBidirectionalMerge  merge,
                                  const float           *forward,
                                  const float           *backward,
                                  int64_t                batch,
                                  int64_t                time,
                                  int64_t                forward_units,
                                  int64_t                backward_units,
                                  gboolean               reverse_backward,
                                  float                 *out);

G_END_DECLS
