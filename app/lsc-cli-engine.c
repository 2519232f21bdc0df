#include "lsc-cli-engine.h"

#include "io/lsc-image.h"

void
lsc_cli_engine_options_add (LscCliEngineOptions *options,
                            GOptionContext      *context,
                            gboolean             with_reference)
{
  const GOptionEntry entries[] = {
    { "isa", 0, 0, G_OPTION_ARG_STRING, &options->isa,
      "Instruction set cap: scalar, sse4, avx2 or avx512 (default: LSC_ISA, else the best)", "ISA" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &options->threads,
      "Threads, 1 to the number of cores (default 1)", "N" },
    { "strategy", 0, 0, G_OPTION_ARG_STRING, &options->strategy,
      "intra (all threads share each layer) or replicas (one model copy per thread, a chunk "
      "of the batch each)", "S" },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &options->pin,
      "Thread pinning: compact, scatter or none (default compact)", "P" },
    { "no-fuse", 0, 0, G_OPTION_ARG_NONE, &options->no_fuse,
      "Run every Keras layer as its own operation (no BatchNorm folding, no fused activations)", NULL },
    { NULL }
  };
  const GOptionEntry reference_entries[] = {
    { "reference", 0, 0, G_OPTION_ARG_NONE, &options->reference,
      "Use the plain reference kernels instead of the planned SIMD engine", NULL },
    { NULL }
  };

  options->threads = 1;
  g_option_context_add_main_entries (context, entries, NULL);
  if (with_reference)
    g_option_context_add_main_entries (context, reference_entries, NULL);
}

void
lsc_cli_engine_options_clear (LscCliEngineOptions *options)
{
  g_clear_pointer (&options->isa, g_free);
  g_clear_pointer (&options->strategy, g_free);
  g_clear_pointer (&options->pin, g_free);
}

LscExecutor *
lsc_cli_engine_prepare (const LscCliEngineOptions *options,
                        LscModel                  *model,
                        const LscShape            *input_shapes,
                        guint                      n_inputs,
                        GError                   **error)
{
  LscPlanOptions plan_options;
  LscExecutorOptions exec_options;
  g_autoptr(LscPlan) plan = NULL;

  lsc_plan_options_init (&plan_options);
  lsc_executor_options_init (&exec_options);
  if (!lsc_isa_resolve (options->isa, &plan_options.isa, error))
    return NULL;
  plan_options.fuse = !options->no_fuse;
  if (options->threads < 1)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "--threads: %d is not a thread count (1 or more)", options->threads);
      return NULL;
    }
  exec_options.n_threads = options->threads;
  if (options->strategy != NULL && !lsc_strategy_from_string (options->strategy, &exec_options.strategy, error))
    return NULL;
  if (options->pin != NULL && !lsc_pin_policy_from_string (options->pin, &exec_options.pin, error))
    return NULL;

  plan = lsc_plan_new (model, input_shapes, n_inputs, &plan_options, error);
  if (plan == NULL)
    return NULL;
  return lsc_executor_new (plan, &exec_options, error);
}

gboolean
lsc_cli_engine_run_once (const LscCliEngineOptions *options,
                         LscModel                  *model,
                         const LscTensor *const    *inputs,
                         guint                      n_inputs,
                         LscTensor                **outputs,
                         GError                   **error)
{
  g_autofree LscShape *shapes = g_new0 (LscShape, MAX (n_inputs, 1));
  g_autoptr(LscExecutor) executor = NULL;

  if (options->reference)
    return lsc_model_run (model, inputs, n_inputs, outputs, error);
  for (guint i = 0; i < n_inputs; i++)
    shapes[i] = inputs[i]->shape;
  executor = lsc_cli_engine_prepare (options, model, shapes, n_inputs, error);
  if (executor == NULL)
    return FALSE;
  return lsc_executor_run (executor, inputs, n_inputs, outputs, NULL, error);
}

/* Images make the batch (repeated round-robin up to --batch when that is
 * larger); without images, seeded random inputs. */
gboolean
lsc_cli_make_inputs (LscModel          *model,
                     const char *const *images,
                     guint              n_images,
                     int                batch,
                     const char        *preprocess_name,
                     GPtrArray         *inputs,
                     GError           **error)
{
  LscPreprocess preprocess = LSC_PREPROCESS_UNIT;
  const LscNode *input;
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  LscTensor *t;

  if (n_images == 0)
    return lsc_model_make_random_inputs (model, batch > 0 ? batch : 1, inputs, error);
  if (preprocess_name != NULL && !lsc_preprocess_from_name (preprocess_name, &preprocess, error))
    return FALSE;
  input = lsc_model_get_node (model, lsc_model_get_input_node (model, 0));
  if (lsc_model_get_n_inputs (model) != 1 || input->output_shape.ndim != 4
      || input->output_shape.dims[3] < 1 || input->output_shape.dims[3] > 4)
    {
      g_autofree char *s = lsc_shape_to_string (&input->output_shape);
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "the model takes %u input%s (the first %s), not one batch of images; "
                   "profile it without images (random inputs)",
                   lsc_model_get_n_inputs (model), lsc_model_get_n_inputs (model) == 1 ? "" : "s", s);
      return FALSE;
    }
  for (guint i = 0; i < MAX ((guint) batch, n_images); i++)
    g_ptr_array_add (paths, (gpointer) images[i % n_images]);
  t = lsc_image_load_batch ((const char *const *) paths->pdata, paths->len, input->output_shape.dims[1],
                            input->output_shape.dims[2], input->output_shape.dims[3], LSC_RESIZE_BILINEAR,
                            preprocess, error);
  if (t == NULL)
    return FALSE;
  g_ptr_array_add (inputs, t);
  return TRUE;
}
