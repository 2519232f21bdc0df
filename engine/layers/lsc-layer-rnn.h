#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

typedef enum
{
  LSC_RNN_CELL_SIMPLE,   /* SimpleRNN: 1 gate */
  LSC_RNN_CELL_LSTM,     /* LSTM, CuDNNLSTM: gates i, f, c, o */
  LSC_RNN_CELL_GRU,      /* GRU, CuDNNGRU: gates z, r, h */
} LscRnnCell;

/* How the weights are laid out in the file. The run converts the
 * non-standard layouts to the standard one (kernel (in, gates * units),
 * recurrent_kernel (units, gates * units), bias) before calling the
 * reference kernels, exactly as Keras's own loader converts them. */
typedef enum
{
  /* Keras 2/3: kernel, recurrent_kernel[, bias]; GRU with reset_after has a
   * (2, 3 * units) bias: input bias row, then recurrent bias row. */
  LSC_RNN_WEIGHTS_STANDARD,
  /* Keras 1 LSTM/GRU with consume_less other than "gpu": one (W, U, b)
   * triple per gate, LSTM in the order i, c, f, o, GRU z, r, h. */
  LSC_RNN_WEIGHTS_KERAS1_PER_GATE,
  /* CuDNNLSTM/CuDNNGRU: each gate's input kernel stored in cuDNN's
   * (units, input) order reshaped to (input, units), each gate's recurrent
   * kernel transposed, and a flat bias of input biases then recurrent
   * biases (2 * gates * units). */
  LSC_RNN_WEIGHTS_CUDNN,
} LscRnnWeightLayout;

/* SimpleRNN, LSTM, GRU, CuDNNLSTM, CuDNNGRU. Masking is not supported (a
 * mask is ignored), return_state, stateful and time_major are rejected at
 * load. The initial state is zeros. */
typedef struct
{
  LscRnnCell         cell;
  LscRnnWeightLayout layout;
  int64_t            units;
  LscActivation      activation;             /* tanh by default */
  LscActivation      recurrent_activation;   /* LSTM/GRU gates */
  gboolean           use_bias;
  gboolean           return_sequences;       /* (batch, time, units) instead of (batch, units) */
  gboolean           go_backwards;           /* steps taken from the last input to the first */
  gboolean           reset_after;            /* GRU: reset gate applied after the recurrent matmul */
} LscRnnParams;

/* TRUE for the layers of this family (the recurrent layers Bidirectional can
 * wrap). */
gboolean lsc_layer_is_rnn                 (const LscLayer *layer);
/* How many weight arrays the file holds for this layer given its config. */
guint    lsc_rnn_get_n_file_weights       (const LscLayer *layer);
/* Multiply-accumulates of one sample over `time` steps for this input
 * dimension; -1 when time is unknown. */
int64_t  lsc_rnn_count_macs_for           (const LscRnnParams *params,
                                           int64_t             input_dim,
                                           int64_t             time);

/* The weights in the standard layout of lsc-ref-rnn.h (whatever layout the
 * file has), as new arrays: kernel (in, G*u), recurrent_kernel (u, G*u),
 * input_bias (G*u) or NULL, recurrent_bias (G*u) or NULL (GRU with
 * reset_after only). Used by the reference run and by the planner, which
 * packs them once. */
typedef struct
{
  float *kernel;
  float *recurrent_kernel;
  float *input_bias;
  float *recurrent_bias;
} LscRnnStandardWeights;

void     lsc_rnn_gather_standard_weights  (const LscLayer        *layer,
                                           int64_t                input_dim,
                                           LscRnnStandardWeights *weights);
void     lsc_rnn_standard_weights_clear   (LscRnnStandardWeights *weights);

G_END_DECLS
