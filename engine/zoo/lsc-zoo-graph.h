#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>

#include "core/lsc-tensor.h"

G_BEGIN_DECLS

/* The zoo's in-memory model: a graph of Keras layer calls, each with the
 * config tf.keras 2.15 would serialize, its output shape, the weights it
 * owns (shapes and how to fill them) and its multiply-accumulates. The
 * architecture builders fill it with the helpers of lsc-zoo-layers.h; the
 * writer turns it into a Keras HDF5 file. Every layer is called once, so a
 * layer is a node and a layer index is a tensor handle. */

/* How the writer fills a weight; see lsc-zoo-writer.c for the numbers. */
typedef enum
{
  LSC_ZOO_FILL_HE,               /* kernels: uniform with std sqrt (2 / fan_in) */
  LSC_ZOO_FILL_GLOROT,           /* recurrent kernels: uniform with std sqrt (2 / (fan_in + fan_out)) */
  LSC_ZOO_FILL_BIAS,             /* small uniform around 0 */
  LSC_ZOO_FILL_LSTM_BIAS,        /* zeros, forget gate ones (unit_forget_bias) */
  LSC_ZOO_FILL_EMBEDDING,        /* uniform in [-0.05, 0.05), Keras's default */
  LSC_ZOO_FILL_BN_GAMMA,         /* about 1 */
  LSC_ZOO_FILL_BN_BETA,          /* about 0 */
  LSC_ZOO_FILL_BN_MEAN,          /* small */
  LSC_ZOO_FILL_BN_VARIANCE,      /* about the weight's scale (≈ 1), positive */
  LSC_ZOO_FILL_VALUES,           /* the weight's own values */
} LscZooFill;

/* Initializer configs as keras.applications declares them; they only
 * change the JSON (the writer's fill decides the numbers). */
typedef enum
{
  LSC_ZOO_INIT_STYLE_KERAS,         /* layer defaults: GlorotUniform, Zeros */
  LSC_ZOO_INIT_STYLE_EFFICIENTNET,  /* CONV_ and DENSE_KERNEL_INITIALIZER */
} LscZooInitStyle;

typedef struct
{
  char       *name;        /* as in weight_names without "LAYER/" and ":0": "kernel", "lstm_cell/bias" */
  int         ndim;        /* 0 for a scalar */
  int64_t     dims[4];
  gboolean    is_int64;    /* Normalization's count */
  LscZooFill  fill;
  double      scale;       /* LSC_ZOO_FILL_BN_VARIANCE: the variance it is centred on */
  double      fan_in;
  double      fan_out;
  double     *values;      /* LSC_ZOO_FILL_VALUES: numel values */
} LscZooWeight;

typedef struct
{
  char      *class_name;
  char      *name;
  JsonNode  *config;       /* the layer's "config" object */
  guint     *inputs;       /* layer indices */
  guint      n_inputs;
  LscShape   output;       /* dims[0] (batch) is LSC_DIM_UNKNOWN */
  GPtrArray *weights;      /* LscZooWeight *, in Keras order */
  int64_t    macs;         /* per sample; Conv2D, DepthwiseConv2D and Dense only */
  /* A rough estimate of E[y²] over the output for typical inputs, from
   * the fills' statistics (He-initialized kernels double it, ReLU halves
   * it, …): a BatchNormalization's moving_variance is centred on its
   * input's, so that it normalizes like a trained one and deep residual
   * networks keep activations of order 1 instead of doubling their
   * variance at every block. */
  double     mean_square;
} LscZooLayer;

typedef struct
{
  char            *name;          /* the model's name, e.g. "mobilenetv2_1.00_224" */
  gboolean         sequential;    /* Sequential (else Functional) */
  LscZooInitStyle  init_style;
  double           input_mean_square;  /* E[x²] of the inputs the model expects */
  GPtrArray       *layers;        /* LscZooLayer *, in creation order; layer 0 is the input */
  GHashTable      *auto_names;    /* snake_case class name → next suffix */
  char            *error;         /* first shape problem, NULL when none */
} LscZooGraph;

LscZooGraph  *lsc_zoo_graph_new            (const char      *name,
                                            gboolean         sequential);
void          lsc_zoo_graph_free           (LscZooGraph     *graph);
LscZooLayer  *lsc_zoo_graph_get_layer      (LscZooGraph     *graph,
                                            guint            index);
/* The last layer created: every zoo model has one output. */
guint         lsc_zoo_graph_get_output     (LscZooGraph     *graph);

/* Records the first shape problem (a dimension that would be < 1); the
 * build fails with it. */
void          lsc_zoo_graph_set_error      (LscZooGraph     *graph,
                                            const char      *format,
                                            ...) G_GNUC_PRINTF (2, 3);

/* Appends a layer; name NULL picks Keras's automatic name ("conv2d",
 * "conv2d_1", …) from auto_prefix. Takes ownership of config. Returns the
 * layer, whose index is graph->layers->len - 1. */
LscZooLayer  *lsc_zoo_graph_add_layer      (LscZooGraph     *graph,
                                            const char      *class_name,
                                            const char      *name,
                                            const char      *auto_prefix,
                                            const guint     *inputs,
                                            guint            n_inputs);
void          lsc_zoo_layer_set_config     (LscZooLayer     *layer,
                                            JsonNode        *config);
LscZooWeight *lsc_zoo_layer_add_weight     (LscZooLayer     *layer,
                                            const char      *name,
                                            LscZooFill       fill,
                                            int              ndim,
                                            ...);

int64_t       lsc_zoo_weight_numel         (const LscZooWeight *weight);
int64_t       lsc_zoo_graph_count_params   (LscZooGraph     *graph);
int64_t       lsc_zoo_graph_count_macs     (LscZooGraph     *graph);

/* Layers in the order tf.keras lists them (model.layers): for a Sequential
 * the creation order without the InputLayer; for a Functional Keras's own
 * order, by decreasing depth from the output and, within a depth, by the
 * order a depth-first walk from the output meets them. Free with
 * g_array_unref; elements are guint layer indices. */
GArray       *lsc_zoo_graph_keras_order    (LscZooGraph     *graph);

/* The root "model_config" JSON string, as tf.keras 2.15's to_json(). */
char         *lsc_zoo_graph_to_json        (LscZooGraph     *graph);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscZooGraph, lsc_zoo_graph_free)

G_END_DECLS
