#pragma once

/* Helpers shared by the test programs: build a layer from a JSON literal,
 * give it weights, run its reference computation, compare tensors. */

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* Parses {"class_name": …, "config": {…}} and creates the layer; asserts
 * success. keras_major selects version-dependent semantics. */
LscLayer  *lsc_test_layer_new        (const char  *json,
                                      int          keras_major);
/* Same, but returns the error instead of asserting (NULL layer). */
LscLayer  *lsc_test_layer_try_new    (const char  *json,
                                      int          keras_major,
                                      GError     **error);
/* Appends a weight with the given shape (ndim dims as int64_t varargs)
 * copied from data. */
void       lsc_test_layer_add_weight (LscLayer    *layer,
                                      const float *data,
                                      int          ndim,
                                      ...);
/* Runs attach_weights (when the family has one), infer and run on the given
 * inputs; asserts infer succeeds. Returns the output. */
LscTensor *lsc_test_layer_run        (LscLayer         *layer,
                                      const LscTensor **inputs,
                                      guint             n_inputs);
/* A tensor of the given shape filled from data (numel values). */
LscTensor *lsc_test_tensor_new       (const float *data,
                                      int          ndim,
                                      ...);
/* Asserts same shape and |a - b| <= tol * max (1, |b|) elementwise. */
void       lsc_test_assert_tensor_close (const LscTensor *actual,
                                      const float     *expected,
                                      int64_t          n,
                                      float            tol);
/* ../shared/models (or $LSC_SHARED_DIR/models); NULL when absent. */
char      *lsc_test_find_shared_models (void);
/* ../shared/<name> (or $LSC_SHARED_DIR/<name>), e.g. "images"; NULL when absent. */
char      *lsc_test_find_shared_dir  (const char *name);
/* A new, empty temporary directory for a test program's files, and its
 * removal with the files in it (not recursive). */
char      *lsc_test_make_tmp_dir     (void);
void       lsc_test_remove_tmp_dir   (const char *dir);

G_END_DECLS
