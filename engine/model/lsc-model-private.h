#pragma once

#include <hdf5.h>

#include "lsc-model.h"

G_BEGIN_DECLS

struct _LscModel
{
  gatomicrefcount  ref_count;

  /* Owned */
  char            *name;
  char            *path;
  char            *keras_version;
  LscModelFormat   format;
  GPtrArray       *nodes;       /* LscNode *, topological order */
  GArray          *inputs;      /* guint node indices */
  GArray          *outputs;     /* guint node indices */
  GArray          *first_call;  /* gboolean per node: first call of its layer */
};

LscModel *_lsc_model_new          (const char *path);
/* Appends a node; takes a reference on layer. Returns its index. */
guint     _lsc_model_add_node     (LscModel   *model,
                                   LscLayer   *layer,
                                   const char *scope,
                                   const guint *inputs,
                                   guint       n_inputs);

/* Builds the flattened graph from a model config ({"class_name": …,
 * "config": …}); layers get no weights yet. Every unsupported layer is
 * reported in one error. */
gboolean  _lsc_keras_graph_build  (LscModel             *model,
                                   JsonObject           *model_json,
                                   const LscLoadContext *ctx,
                                   GError              **error);

/* Infers every node's output shape (batch unknown) and checks weights. */
gboolean  _lsc_model_infer_shapes (LscModel   *model,
                                   GError    **error);

/* The path of a node's layer inside the model: nested model names then the
 * layer name, joined by '/'. */
char     *_lsc_node_dup_layer_path (const LscNode *node);

/* Attaches weights from a legacy HDF5 file's model_weights group. */
gboolean  _lsc_keras_h5_bind_weights    (LscModel  *model,
                                         hid_t      file,
                                         GError   **error);
/* Attaches weights from a Keras 3 model.weights.h5. */
gboolean  _lsc_keras_v3_bind_weights    (LscModel  *model,
                                         hid_t      weights_file,
                                         GError   **error);

/* Each loader fills model (name, version, graph, weights). */
gboolean  _lsc_keras_h5_load      (LscModel  *model,
                                   GError   **error);
gboolean  _lsc_keras_zip_load     (LscModel  *model,
                                   GError   **error);

/* Parses "2.4.0", "2.3.0-tf", "3.12.1" into the load context. */
void      _lsc_load_context_init  (LscLoadContext *ctx,
                                   const char     *keras_version);

G_END_DECLS
