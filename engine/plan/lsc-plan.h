#pragma once

/* A plan: a loaded model compiled for one instruction set, one input shape
 * and one largest batch — operations with packed weights (BatchNormalization
 * folded in, bias and activation fused into epilogues), and one activation
 * arena laid out from tensor lifetimes. Immutable once built and shared by
 * every executor (and every replica) that runs it. */

#include <glib.h>

#include "core/lsc-error.h"
#include "core/lsc-tensor.h"
#include "kernels/lsc-isa.h"
#include "model/lsc-model.h"

G_BEGIN_DECLS

typedef struct
{
  LscIsa   isa;     /* the kernels' instruction set (must be supported) */
  gboolean fuse;    /* fold BatchNormalization, fuse padding / activations / Add */
} LscPlanOptions;

/* The best supported ISA, fusion on. */
void lsc_plan_options_init (LscPlanOptions *options);

/* One operation of the plan, as the profiler sees it: which Keras nodes it
 * computes (the first is the one it is named after; the others were fused
 * into it) and which kernel variant runs it. */
typedef struct
{
  const char  *kernel;      /* "f32_igemm_6x32__avx512"; "ref" for a reference kernel */
  const guint *nodes;       /* model node indices */
  guint        n_nodes;
  int64_t      macs;        /* multiply-accumulates of one sample */
  const char  *op;          /* the operation family: "conv", "dwconv", "pool", "elementwise", "rnn", "ref" */
} LscPlanStep;

/* What one step computes and moves for a run of `batch` samples, the
 * profiler's denominators. FLOPs count what the kernel really does: 2 per
 * multiply-accumulate, one per element for an activation layer (3 for
 * softmax) or a merge, the window size per pooled output, nothing for a
 * BatchNormalization or padding folded into a convolution. (A layer's own
 * activation argument, conv "relu", is not counted: it is a clamp in the
 * GEMM epilogue.) Bytes are float32 as the core reads and writes
 * them: each weight once, each input and the output once. */
typedef struct
{
  double flops;
  double weight_bytes;
  double input_bytes;
  double output_bytes;
} LscStepCost;

typedef struct _LscPlan LscPlan;

/* Plans `model` for inputs of these shapes (all dims known; dims[0] is
 * the largest batch the plan runs). Errors: LSC_ENGINE_ERROR_BAD_INPUT for
 * shapes the model does not take, BAD_CONFIG for an unsupported ISA. */
LscPlan           *lsc_plan_new              (LscModel             *model,
                                              const LscShape       *input_shapes,
                                              guint                 n_inputs,
                                              const LscPlanOptions *options,
                                              GError              **error);
LscPlan           *lsc_plan_ref              (LscPlan              *plan);
void               lsc_plan_unref            (LscPlan              *plan);

LscModel          *lsc_plan_get_model        (LscPlan              *plan);
LscIsa             lsc_plan_get_isa          (LscPlan              *plan);
gboolean           lsc_plan_get_fuse         (LscPlan              *plan);
int64_t            lsc_plan_get_batch        (LscPlan              *plan);
const LscShape    *lsc_plan_get_input_shape  (LscPlan              *plan,
                                              guint                 i);

guint              lsc_plan_get_n_steps      (LscPlan              *plan);
const LscPlanStep *lsc_plan_get_step         (LscPlan              *plan,
                                              guint                 i);
/* The step that computes node `node`, or -1 (an Input, or a node that
 * only renames its input: Flatten, Reshape, Dropout …). */
int                lsc_plan_find_node_step   (LscPlan              *plan,
                                              guint                 node);

/* The cost of step `step` for a run of `batch` samples (1 … any). */
void               lsc_plan_get_step_cost    (LscPlan              *plan,
                                              guint                 step,
                                              int64_t               batch,
                                              LscStepCost          *cost);

/* Bytes of the activation arena for the plan's batch: the peak of live
 * activations (with buffers reused), 64-byte aligned. */
gsize              lsc_plan_get_arena_bytes  (LscPlan              *plan);
/* Bytes of the packed weights the plan owns. */
gsize              lsc_plan_get_packed_bytes (LscPlan              *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscPlan, lsc_plan_unref)

G_END_DECLS
