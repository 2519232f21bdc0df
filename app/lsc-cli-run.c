/* layerscope run MODEL --input IN.npy… --output OUT.npy… */

#include "lsc-cli.h"

#include "io/lsc-npy.h"
#include "lsc-cli-engine.h"
#include "model/lsc-model.h"

int
lsc_cli_run (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("MODEL");
  g_autoptr(LscModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_tensor_free);
  g_autofree LscTensor **outputs = NULL;
  g_auto(GStrv) input_paths = NULL;
  g_auto(GStrv) output_paths = NULL;
  guint n_in, n_out;
  int status = 0;
  g_auto(LscCliEngineOptions) engine = { 0 };
  const GOptionEntry entries[] = {
    { "input", 'i', 0, G_OPTION_ARG_FILENAME_ARRAY, &input_paths,
      "A .npy input, batch first; once per model input, in the model's order", "IN.npy" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME_ARRAY, &output_paths,
      "Where to write an output as float32 .npy; once per model output, in order", "OUT.npy" },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Run a model on NumPy inputs and write its outputs as NumPy files.\n"
                                "“layerscope info MODEL” lists the inputs and outputs in order.");
  g_option_context_add_main_entries (context, entries, NULL);
  lsc_cli_engine_options_add (&engine, context, TRUE);
  if (!lsc_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    return lsc_cli_fail_message ("run takes exactly one MODEL file (see “layerscope run --help”)");

  model = lsc_model_load (argv[1], &error);
  if (model == NULL)
    return lsc_cli_fail (error);

  n_in = input_paths ? g_strv_length (input_paths) : 0;
  n_out = output_paths ? g_strv_length (output_paths) : 0;
  if (n_in != lsc_model_get_n_inputs (model))
    return lsc_cli_fail_message ("%s has %u input%s but %u --input %s given",
                                 argv[1], lsc_model_get_n_inputs (model),
                                 lsc_model_get_n_inputs (model) == 1 ? "" : "s",
                                 n_in, n_in == 1 ? "was" : "were");
  if (n_out != lsc_model_get_n_outputs (model))
    return lsc_cli_fail_message ("%s has %u output%s but %u --output %s given",
                                 argv[1], lsc_model_get_n_outputs (model),
                                 lsc_model_get_n_outputs (model) == 1 ? "" : "s",
                                 n_out, n_out == 1 ? "was" : "were");

  for (guint i = 0; i < n_in; i++)
    {
      LscTensor *t = lsc_npy_read (input_paths[i], &error);
      if (t == NULL)
        return lsc_cli_fail (error);
      g_ptr_array_add (inputs, t);
    }

  outputs = g_new0 (LscTensor *, n_out);
  if (!lsc_cli_engine_run_once (&engine, model, (const LscTensor *const *) inputs->pdata, n_in,
                                outputs, &error))
    return lsc_cli_fail (error);

  for (guint o = 0; o < n_out; o++)
    {
      if (status == 0 && !lsc_npy_write (output_paths[o], outputs[o], &error))
        status = lsc_cli_fail (error);
      lsc_tensor_free (outputs[o]);
    }
  return status;
}
