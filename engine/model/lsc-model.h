#pragma once

#include <glib.h>

#include "core/lsc-error.h"
#include "core/lsc-tensor.h"
#include "layers/lsc-layer.h"

G_BEGIN_DECLS

typedef enum
{
  LSC_MODEL_FORMAT_HDF5,       /* legacy Keras .h5 (Keras 2.0 … 3.x) */
  LSC_MODEL_FORMAT_KERAS_ZIP,  /* Keras 3 .keras zip */
} LscModelFormat;

/* One call of a layer in the flattened graph. Nested models (a Sequential
 * holding a Functional, …) are flattened: every node is a leaf layer, and
 * `scope` names the models it sat in ("sequential_1/model1"). */
typedef struct
{
  LscLayer *layer;          /* shared when Keras calls one layer several times */
  char     *name;           /* unique in the model: the layer name, "name_call2" for repeated calls */
  char     *scope;          /* "" at the top level */
  guint    *inputs;         /* node indices, in the layer's argument order */
  guint     n_inputs;
  LscShape  output_shape;   /* batch (and None dims) LSC_DIM_UNKNOWN */
} LscNode;

typedef struct _LscModel LscModel;

/* Loads a Keras model, detecting the format from the file's first bytes.
 * Errors: G_IO_ERROR for a file that cannot be read; LSC_ENGINE_ERROR
 * otherwise, naming what is wrong (every unsupported layer at once). */
LscModel       *lsc_model_load            (const char      *path,
                                           GError         **error);
LscModel       *lsc_model_ref             (LscModel        *model);
void            lsc_model_unref           (LscModel        *model);

const char     *lsc_model_get_name        (LscModel        *model);
const char     *lsc_model_get_path        (LscModel        *model);
const char     *lsc_model_get_keras_version (LscModel      *model);   /* "2.4.0", may be "" */
LscModelFormat  lsc_model_get_format      (LscModel        *model);

/* Nodes in topological order: a node's inputs come before it. */
guint           lsc_model_get_n_nodes     (LscModel        *model);
const LscNode  *lsc_model_get_node        (LscModel        *model,
                                           guint            index);
guint           lsc_model_get_n_inputs    (LscModel        *model);
guint           lsc_model_get_input_node  (LscModel        *model,
                                           guint            i);
guint           lsc_model_get_n_outputs   (LscModel        *model);
guint           lsc_model_get_output_node (LscModel        *model,
                                           guint            i);

/* Parameters of the node's layer (0 for a repeated call of a shared layer,
 * so that the sum over nodes counts each weight once). */
int64_t         lsc_model_get_node_params (LscModel        *model,
                                           guint            index);
/* Multiply-accumulates of one sample; -1 when a dimension is unknown. */
int64_t         lsc_model_get_node_macs   (LscModel        *model,
                                           guint            index);
int64_t         lsc_model_get_n_params    (LscModel        *model);
/* Sum of the known per-node MACs. */
int64_t         lsc_model_get_n_macs      (LscModel        *model);

/* Every node's output shape for inputs of these shapes (what lsc_model_run
 * would compute), with the same checks and errors; shapes has one entry per
 * node. */
gboolean        lsc_model_infer_run_shapes (LscModel       *model,
                                            const LscShape *input_shapes,
                                            guint           n_inputs,
                                            LscShape       *shapes,
                                            GError        **error);

/* Runs the model with the reference kernels. inputs[i] must match input i
 * in rank and in every known dimension; the batch and None dims are taken
 * from the inputs. On success outputs[0..n_outputs) receive new tensors.
 * Bad inputs give LSC_ENGINE_ERROR_BAD_INPUT. */
gboolean        lsc_model_run             (LscModel        *model,
                                           const LscTensor *const *inputs,
                                           guint            n_inputs,
                                           LscTensor      **outputs,
                                           GError         **error);

/* Appends to inputs (LscTensor *) one tensor per model input of `batch`
 * samples, seeded uniform [0, 1): valid images, and index 0 for Embedding
 * inputs — what benchmarks and profiles run on without data. Errors name
 * an input whose shape is not fixed. */
gboolean        lsc_model_make_random_inputs (LscModel   *model,
                                              int64_t     batch,
                                              GPtrArray  *inputs,
                                              GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscModel, lsc_model_unref)

G_END_DECLS
