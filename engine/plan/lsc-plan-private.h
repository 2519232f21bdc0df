#pragma once

/* Inside a plan: operations, the values they read and write, and how an
 * executor binds them to an arena. */

#include "kernels/lsc-kernels.h"
#include "kernels/ref/lsc-ref-conv.h"
#include "layers/lsc-layer.h"
#include "plan/lsc-plan.h"
#include "plan/lsc-run-context.h"

G_BEGIN_DECLS

#define LSC_OP_MAX_INPUTS 32

typedef struct _LscOp      LscOp;
typedef struct _LscOpClass LscOpClass;

/* An operation's buffers in one arena, plus whatever it precomputed for
 * that arena (indirection buffers hold arena addresses). */
typedef struct
{
  const float *in[LSC_OP_MAX_INPUTS];
  float       *out;
  gpointer     state;       /* from klass->bind, freed by klass->unbind */
} LscBoundOp;

struct _LscOpClass
{
  const char *name;
  /* Optional: per-arena precomputation. */
  gpointer  (*bind)   (const LscOp *op, const LscBoundOp *bound);
  void      (*unbind) (gpointer state);
  /* Computes `batch` samples (≤ the plan's batch); may use ctx's pool. */
  void      (*run)    (const LscOp *op, const LscBoundOp *bound, LscRunContext *ctx, int64_t batch);
  void      (*free)   (gpointer data);
};

/* The activation a kernel epilogue applies: a clamp every kernel does, and
 * for other functions a pass over each finished tile while it is in cache. */
typedef struct
{
  LscMinMax     clamp;
  LscActivation post;       /* LSC_ACTIVATION_LINEAR: none */
  float         slope;      /* leaky ReLU */
} LscEpilogue;

struct _LscOp
{
  const LscOpClass *klass;
  LscPlanStep       step;
  guint            *nodes;          /* owned, step.nodes points here */
  char             *kernel;         /* owned, step.kernel points here */

  guint             n_inputs;
  guint             inputs[LSC_OP_MAX_INPUTS];   /* value ids */
  guint             output;                      /* value id */
  LscShape          in_shapes[LSC_OP_MAX_INPUTS];/* with the plan's batch */
  LscShape          out_shape;

  gpointer          data;           /* the class's, freed by klass->free */
};

/* A tensor in the arena: several values may share one storage (Flatten,
 * Reshape and Dropout only rename their input). */
typedef struct
{
  guint    storage;
  LscShape shape;                    /* with the plan's batch */
} LscValue;

typedef struct
{
  gsize floats;                      /* with the plan's batch, rounded to 16 */
  gsize offset;                      /* in floats from the arena start, 64-byte aligned */
  int   first_op, last_op;           /* lifetime in op indices; -1 = before the first op */
} LscStorage;

struct _LscPlan
{
  gatomicrefcount       ref_count;
  LscModel             *model;
  LscPlanOptions        options;
  const LscKernelTable *kernels;
  int64_t               batch;
  LscShape             *input_shapes;   /* n model inputs */

  GPtrArray            *ops;            /* LscOp * */
  GArray               *values;         /* LscValue, one per model node (G_MAXUINT storage: none) */
  GArray               *storages;       /* LscStorage */
  int                  *node_step;      /* per node: op index or -1 */
  gsize                 arena_floats;
  gsize                 packed_bytes;
  float                *zero;           /* zero_floats zeros, for padding taps */
  gsize                 zero_floats;
};

/* Builds op for the layer(s) of `nodes` (nodes[0] the main one). The op
 * constructors return FALSE when their fast kernel does not cover the
 * layer's configuration; the planner then uses the reference op. */
void      _lsc_op_free         (LscOp            *op);

/* Per-sample element count of a shape (dims after the batch). */
int64_t   _lsc_shape_sample_size (const LscShape *shape);
/* The epilogue of an activation; FALSE for those that cannot be applied
 * piecewise (softmax). */
gboolean  _lsc_epilogue_init   (LscEpilogue      *epilogue,
                                LscActivation     activation);
/* Applies epilogue->post to rows × cols values with rows `stride` apart. */
void      _lsc_epilogue_apply_post (const LscEpilogue   *epilogue,
                                    const LscKernelTable *kernels,
                                    float               *y,
                                    size_t               rows,
                                    size_t               cols,
                                    size_t               stride);
/* y = scale · x + shift per channel of a BatchNormalization layer over the
 * last axis (of `channels`) of rank-`rank` tensors; FALSE if it normalises
 * other axes. scale and shift may be NULL (just the check). */
gboolean  _lsc_batch_norm_affine (const LscLayer *layer,
                                  int             rank,
                                  int64_t         channels,
                                  float          *scale,
                                  float          *shift);

/* Op classes (lsc-op-*.c). Each `_lsc_op_*_plan` tries to plan the main
 * node (with the fused ones) and returns NULL when it cannot. */
typedef struct
{
  LscPlan        *plan;
  LscModel       *model;
  const LscShape *shapes;          /* per node, with the plan's batch */
  guint           node;            /* the main node */
  guint           pad_node;        /* a ZeroPadding folded into a convolution, or G_MAXUINT */
  guint           bn_node;         /* a BatchNormalization folded in, or G_MAXUINT */
  guint           act_node;        /* an activation layer fused in, or G_MAXUINT */
  guint           add_node;        /* an Add of the result and an earlier tensor (a residual
                                    * connection) fused in before act_node, or G_MAXUINT */
} LscOpRequest;

LscOp    *_lsc_op_conv_plan        (const LscOpRequest *request);   /* Conv1D/2D, Dense */
LscOp    *_lsc_op_dwconv_plan      (const LscOpRequest *request);
LscOp    *_lsc_op_pool_plan        (const LscOpRequest *request);
LscOp    *_lsc_op_elementwise_plan (const LscOpRequest *request);   /* merges, activations, BN */
LscOp    *_lsc_op_rnn_plan         (const LscOpRequest *request);   /* SimpleRNN, LSTM, GRU, Bidirectional */
LscOp    *_lsc_op_ref_plan         (const LscOpRequest *request);   /* any layer */

/* Helpers shared by the op files. */
const LscLayer *_lsc_request_layer (const LscOpRequest *request,
                                    guint               node);
/* The node whose tensor the main node really reads first: the
 * ZeroPadding's input when one is folded in, else its own first input. */
guint     _lsc_request_input       (const LscOpRequest *request);
/* The op for a request: its nodes (main, then pad, bn, add, act when set),
 * kernel name, inputs (the main node's, then the Add's other input) and
 * output value ids and shapes. */
LscOp    *_lsc_op_new_for_request  (const LscOpRequest *request,
                                    const LscOpClass   *klass,
                                    const char         *kernel);
/* The epilogue of the request: the main layer's own activation, or that
 * of the fused activation layer (the own one is then linear). FALSE when it
 * cannot be fused piecewise (softmax). */
gboolean  _lsc_request_epilogue    (const LscOpRequest *request,
                                    LscActivation       own,
                                    LscEpilogue        *epilogue);
/* A convolution geometry computed on the padded input, turned into one on
 * the ZeroPadding's input with the padding added to its own (when the
 * request folds one in). */
void      _lsc_request_fold_padding (const LscOpRequest *request,
                                     LscRefConvGeometry *geom);
/* The epilogue an activation layer (Activation, ReLU, LeakyReLU) computes;
 * FALSE for other layers and for what cannot be fused. */
gboolean  _lsc_epilogue_from_layer (const LscLayer     *layer,
                                    LscEpilogue        *epilogue);

G_END_DECLS
