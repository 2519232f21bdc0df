#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "core/lsc-error.h"
#include "core/lsc-tensor.h"
#include "layers/lsc-activation.h"

G_BEGIN_DECLS

/* What kind of computation a layer is, for the planner and the profiler.
 * Several Keras classes can share a kind (all the training-only layers are
 * LSC_LAYER_KIND_IDENTITY). */
typedef enum
{
  LSC_LAYER_KIND_INPUT,
  LSC_LAYER_KIND_IDENTITY,
  LSC_LAYER_KIND_DENSE,
  LSC_LAYER_KIND_CONV,               /* Conv1D, Conv2D */
  LSC_LAYER_KIND_CONV_TRANSPOSE,
  LSC_LAYER_KIND_DEPTHWISE_CONV,
  LSC_LAYER_KIND_SEPARABLE_CONV,
  LSC_LAYER_KIND_POOL,               /* Max/AveragePooling1D/2D */
  LSC_LAYER_KIND_GLOBAL_POOL,
  LSC_LAYER_KIND_PADDING,            /* ZeroPadding, Cropping */
  LSC_LAYER_KIND_UPSAMPLING,
  LSC_LAYER_KIND_RESHAPE,            /* Flatten, Reshape, Permute */
  LSC_LAYER_KIND_NORMALIZATION,      /* BatchNormalization, LayerNormalization, Normalization, Rescaling */
  LSC_LAYER_KIND_ACTIVATION,         /* Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax */
  LSC_LAYER_KIND_MERGE,              /* Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate */
  LSC_LAYER_KIND_EMBEDDING,
  LSC_LAYER_KIND_RECURRENT,          /* SimpleRNN, LSTM, GRU, Bidirectional */
  LSC_LAYER_KIND_WRAPPER,            /* TimeDistributed */
  LSC_LAYER_KIND_COUNT
} LscLayerKind;

/* What the loader knows about the file while it parses layer configs. */
typedef struct
{
  int keras_major;   /* 1, 2 or 3: picks semantics that changed between versions */
  int keras_minor;
} LscLoadContext;

typedef struct _LscLayer    LscLayer;
typedef struct _LscLayerOps LscLayerOps;

/* One Keras layer: its parsed config and its weights. Immutable once the
 * model is loaded; shared by reference when a layer is called twice. */
struct _LscLayer
{
  gatomicrefcount    ref_count;
  const LscLayerOps *ops;

  /* Owned */
  char              *name;           /* Keras layer name */
  char              *class_name;     /* as written in the file */
  gpointer           params;         /* the family's params struct, freed by ops->params_free or g_free */
  GPtrArray         *weights;        /* LscTensor *, in Keras order (kernel, bias, …) */
  GPtrArray         *weight_names;   /* char *, parallel to weights, e.g. "kernel" or "vars/0" */
  GPtrArray         *children;       /* LscLayer * of wrappers (Bidirectional: forward, backward) */
};

/* The contract of a layer family, one per Keras class. Layer files define
 * `const LscLayerOps lsc_layer_<name>_ops` and lsc-layer-registry.c lists them. */
struct _LscLayerOps
{
  const char   *class_name;        /* canonical Keras class name, e.g. "Conv2D" */
  LscLayerKind  kind;
  guint         min_inputs;        /* 1 for most layers; 2 for merges */
  guint         max_inputs;        /* G_MAXUINT for merges */

  /* Reads config (the layer's "config" object) into layer->params.
   * Must reject options it cannot compute exactly (channels_first, …) with
   * LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG. Wrappers create children with
   * lsc_layer_new_from_json(). */
  gboolean    (*parse)          (LscLayer              *layer,
                                 JsonObject            *config,
                                 const LscLoadContext  *ctx,
                                 GError               **error);

  /* Optional. Called once after layer->weights are attached (e.g.
   * Bidirectional hands the halves to its children). */
  gboolean    (*attach_weights) (LscLayer              *layer,
                                 GError               **error);

  /* Output shape from input shapes. dims[0] is the batch and any dim may be
   * LSC_DIM_UNKNOWN; propagate unknowns. Checks the weight count and every
   * weight's shape against the inputs (LSC_ENGINE_ERROR_BAD_WEIGHTS) and the
   * input ranks (LSC_ENGINE_ERROR_BAD_SHAPE). */
  gboolean    (*infer)          (const LscLayer        *layer,
                                 const LscShape        *inputs,
                                 guint                  n_inputs,
                                 LscShape              *output,
                                 GError               **error);

  /* The plain, obviously-correct reference computation. Shapes are known
   * and were validated by infer; output is allocated with the inferred
   * shape. Cannot fail. */
  void        (*run)            (const LscLayer        *layer,
                                 const LscTensor *const *inputs,
                                 guint                  n_inputs,
                                 LscTensor             *output);

  /* Optional. Multiply-accumulates for the given known shapes (the caller
   * passes batch 1 for per-sample figures). NULL means none worth counting. */
  int64_t     (*count_macs)     (const LscLayer        *layer,
                                 const LscShape        *inputs,
                                 guint                  n_inputs,
                                 const LscShape        *output);

  /* Optional destructor for params. */
  void        (*params_free)    (gpointer               params);
};

/* Creates a layer from {"class_name": …, "config": {…}}. An unknown class
 * gives LSC_ENGINE_ERROR_UNSUPPORTED_LAYER naming class and layer. */
LscLayer          *lsc_layer_new_from_json   (JsonObject            *layer_json,
                                              const LscLoadContext  *ctx,
                                              GError               **error);
LscLayer          *lsc_layer_ref             (LscLayer              *layer);
void               lsc_layer_unref           (LscLayer              *layer);

/* Registry lookup by Keras class name (aliases included); NULL if unknown. */
const LscLayerOps *lsc_layer_ops_lookup      (const char            *class_name);
/* Classes that exist only for training and compute the identity at inference. */
gboolean           lsc_layer_class_is_training_only (const char     *class_name);

guint              lsc_layer_get_n_weights   (const LscLayer        *layer);
const LscTensor   *lsc_layer_get_weight      (const LscLayer        *layer,
                                              guint                  index);
int64_t            lsc_layer_count_params    (const LscLayer        *layer);
/* Appends a weight; takes ownership of tensor. */
void               lsc_layer_add_weight      (LscLayer              *layer,
                                              const char            *name,
                                              LscTensor             *tensor);

/* Helpers for infer(): each sets a message naming the layer, the weight and
 * both shapes. */
gboolean           lsc_layer_check_n_weights (const LscLayer        *layer,
                                              guint                  expected,
                                              GError               **error);
gboolean           lsc_layer_check_weight    (const LscLayer        *layer,
                                              guint                  index,
                                              const LscShape        *expected,
                                              GError               **error);
/* An infer() for weightless layers whose one output has the input's shape
 * (Dropout, activation layers). */
gboolean           lsc_layer_infer_same_shape (const LscLayer       *layer,
                                              const LscShape        *inputs,
                                              guint                  n_inputs,
                                              LscShape              *output,
                                              GError               **error);
/* Sets error with "layer “NAME” (CLASS): " before the formatted message. */
void               lsc_layer_set_error       (const LscLayer        *layer,
                                              GError               **error,
                                              LscEngineError         code,
                                              const char            *format,
                                              ...) G_GNUC_PRINTF (4, 5);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscLayer, lsc_layer_unref)

G_END_DECLS
