#pragma once

#include "zoo/lsc-zoo.h"
#include "zoo/lsc-zoo-graph.h"

G_BEGIN_DECLS

/* Architecture builders, one file per family. Options were validated by
 * lsc-zoo.c (alpha from the allowed set, size in range); a size that still
 * leaves a layer without pixels is reported through graph->error. */
LscZooGraph *lsc_zoo_build_mnist_cnn      (void);
LscZooGraph *lsc_zoo_build_lenet5         (void);
LscZooGraph *lsc_zoo_build_text_lstm      (void);
LscZooGraph *lsc_zoo_build_mobilenet      (double alpha,
                                           int    size);
LscZooGraph *lsc_zoo_build_mobilenetv2    (double alpha,
                                           int    size);
LscZooGraph *lsc_zoo_build_resnet50       (int    size);
LscZooGraph *lsc_zoo_build_vgg16          (int    size);
LscZooGraph *lsc_zoo_build_efficientnetb0 (int    size);

/* Validates the options and builds the architecture's graph without
 * writing anything: the test suite and lsc_zoo_write use it (parameter and
 * multiply-accumulate counts come from the graph). */
LscZooGraph *lsc_zoo_build                (const char          *name,
                                           const LscZooOptions *options,
                                           GError             **error);

G_END_DECLS
