#pragma once

/* The options every command that runs a model shares (--isa, --threads,
 * --strategy, --pin, --no-fuse, --reference), and running with them. */

#include <glib.h>

#include "plan/lsc-executor.h"

G_BEGIN_DECLS

typedef struct
{
  char     *isa;          /* NULL: LSC_ISA, else the best */
  int       threads;
  char     *strategy;
  char     *pin;
  gboolean  no_fuse;
  gboolean  reference;    /* the reference executor instead of a plan */
} LscCliEngineOptions;

/* Adds the options to context's main entries; with_reference adds
 * --reference too. Sets the defaults. */
void         lsc_cli_engine_options_add   (LscCliEngineOptions *options,
                                           GOptionContext      *context,
                                           gboolean             with_reference);
void         lsc_cli_engine_options_clear (LscCliEngineOptions *options);

/* Plans `model` for the given input shapes and starts an executor. */
LscExecutor *lsc_cli_engine_prepare       (const LscCliEngineOptions *options,
                                           LscModel            *model,
                                           const LscShape      *input_shapes,
                                           guint                n_inputs,
                                           GError             **error);

/* Runs once with the options (planned, or the reference executor). */
gboolean     lsc_cli_engine_run_once      (const LscCliEngineOptions *options,
                                           LscModel            *model,
                                           const LscTensor *const *inputs,
                                           guint                n_inputs,
                                           LscTensor          **outputs,
                                           GError             **error);

/* The IMAGE arguments as one batch (repeated round-robin up to `batch`
 * when that is larger; preprocess_name NULL: unit), or without images
 * random inputs of `batch` samples (0: 1). */
gboolean     lsc_cli_make_inputs          (LscModel            *model,
                                           const char *const   *images,
                                           guint                n_images,
                                           int                  batch,
                                           const char          *preprocess_name,
                                           GPtrArray           *inputs,
                                           GError             **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LscCliEngineOptions, lsc_cli_engine_options_clear)

G_END_DECLS
