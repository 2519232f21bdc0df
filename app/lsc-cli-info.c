/* layerscope info MODEL [--json]: a model.summary()-like table. */

#include "lsc-cli.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "lsc-cli-engine.h"
#include "model/lsc-model.h"
#include "plan/lsc-plan.h"

static char *
format_count (int64_t n)
{
  g_autofree char *digits = NULL;
  GString *s;
  int len;

  if (n < 0)
    return g_strdup ("?");
  digits = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) n);
  len = (int) strlen (digits);
  s = g_string_new (NULL);
  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

static const char *
format_name (LscModelFormat format)
{
  return format == LSC_MODEL_FORMAT_KERAS_ZIP ? "Keras 3 .keras archive" : "Keras HDF5";
}

static void
print_table (LscModel *model)
{
  guint n = lsc_model_get_n_nodes (model);
  g_autofree char *total_params = format_count (lsc_model_get_n_params (model));
  g_autofree char *total_macs = format_count (lsc_model_get_n_macs (model));
  int name_width = 28;

  for (guint i = 0; i < n; i++)
    {
      const LscNode *node = lsc_model_get_node (model, i);
      int w = (int) (strlen (node->name) + strlen (node->layer->class_name) + 3);
      name_width = MAX (name_width, MIN (w, 60));
    }

  g_print ("Model: “%s” (%s, Keras %s)\n", lsc_model_get_name (model),
           format_name (lsc_model_get_format (model)),
           lsc_model_get_keras_version (model)[0] ? lsc_model_get_keras_version (model) : "unknown");
  g_print ("%-*s  %-22s  %14s  %16s\n", name_width, "Layer (type)", "Output Shape", "Param #", "MACs");
  for (int i = 0; i < name_width + 58; i++)
    g_print ("─");
  g_print ("\n");

  for (guint i = 0; i < n; i++)
    {
      const LscNode *node = lsc_model_get_node (model, i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", node->name, node->layer->class_name);
      g_autofree char *shape = lsc_shape_to_string (&node->output_shape);
      g_autofree char *params = format_count (lsc_model_get_node_params (model, i));
      int64_t macs_n = lsc_model_get_node_macs (model, i);
      g_autofree char *macs = macs_n == 0 ? g_strdup ("") : format_count (macs_n);

      g_print ("%-*s  %-22s  %14s  %16s\n", name_width, label, shape, params, macs);
    }
  for (int i = 0; i < name_width + 58; i++)
    g_print ("─");
  g_print ("\nTotal params: %s\n", total_params);
  g_print ("Total MACs per sample: %s\n", total_macs);
}

static void
add_shape (JsonBuilder    *b,
           const LscShape *shape)
{
  json_builder_begin_array (b);
  for (int d = 0; d < shape->ndim; d++)
    {
      if (shape->dims[d] < 0)
        json_builder_add_null_value (b);
      else
        json_builder_add_int_value (b, shape->dims[d]);
    }
  json_builder_end_array (b);
}

static void
add_node_names (JsonBuilder *b,
                LscModel    *model,
                gboolean     outputs)
{
  guint n = outputs ? lsc_model_get_n_outputs (model) : lsc_model_get_n_inputs (model);

  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      guint index = outputs ? lsc_model_get_output_node (model, i) : lsc_model_get_input_node (model, i);
      const LscNode *node = lsc_model_get_node (model, index);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, node->name);
      json_builder_set_member_name (b, "shape");
      add_shape (b, &node->output_shape);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* The model planned for one sample, when its input shapes are fixed
 * (sequence models with a None length are planned when inputs arrive). */
static LscPlan *
plan_batch_one (LscModel                  *model,
                const LscCliEngineOptions *engine,
                GError                   **error)
{
  g_autofree LscShape *shapes = g_new0 (LscShape, MAX (lsc_model_get_n_inputs (model), 1));
  LscPlanOptions options;

  lsc_plan_options_init (&options);
  if (!lsc_isa_resolve (engine->isa, &options.isa, error))
    return NULL;
  options.fuse = !engine->no_fuse;
  for (guint i = 0; i < lsc_model_get_n_inputs (model); i++)
    {
      shapes[i] = lsc_model_get_node (model, lsc_model_get_input_node (model, i))->output_shape;
      shapes[i].dims[0] = 1;
      if (!lsc_shape_is_known (&shapes[i]))
        return NULL;
    }
  return lsc_plan_new (model, shapes, lsc_model_get_n_inputs (model), &options, error);
}

static char *
step_layers (LscModel          *model,
             const LscPlanStep *step)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < step->n_nodes; k++)
    g_string_append_printf (s, "%s%s", k ? " + " : "", lsc_model_get_node (model, step->nodes[k])->name);
  return g_string_free (s, FALSE);
}

static void
print_plan (LscModel *model,
            LscPlan  *plan,
            gboolean  steps)
{
  g_print ("Plan (%s, %s, batch 1): %u operations for %u layers\n",
           lsc_isa_to_string (lsc_plan_get_isa (plan)),
           lsc_plan_get_fuse (plan) ? "fused" : "unfused",
           lsc_plan_get_n_steps (plan), lsc_model_get_n_nodes (model));
  g_print ("Peak activation memory: %.2f MiB (one arena, buffers reused)\n",
           lsc_plan_get_arena_bytes (plan) / 1048576.0);
  g_print ("Packed weights: %.2f MiB\n", lsc_plan_get_packed_bytes (plan) / 1048576.0);
  if (!steps)
    return;
  g_print ("\n%4s  %-28s  %s\n", "#", "Kernel", "Layers");
  for (guint i = 0; i < lsc_plan_get_n_steps (plan); i++)
    {
      const LscPlanStep *step = lsc_plan_get_step (plan, i);
      g_autofree char *layers = step_layers (model, step);
      g_print ("%4u  %-28s  %s\n", i, step->kernel, layers);
    }
}

static void
add_plan (JsonBuilder *b,
          LscModel    *model,
          LscPlan     *plan)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "isa");
  json_builder_add_string_value (b, lsc_isa_to_string (lsc_plan_get_isa (plan)));
  json_builder_set_member_name (b, "fuse");
  json_builder_add_boolean_value (b, lsc_plan_get_fuse (plan));
  json_builder_set_member_name (b, "batch");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "arena_bytes");
  json_builder_add_int_value (b, lsc_plan_get_arena_bytes (plan));
  json_builder_set_member_name (b, "packed_weight_bytes");
  json_builder_add_int_value (b, lsc_plan_get_packed_bytes (plan));
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; i < lsc_plan_get_n_steps (plan); i++)
    {
      const LscPlanStep *step = lsc_plan_get_step (plan, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kernel");
      json_builder_add_string_value (b, step->kernel);
      json_builder_set_member_name (b, "layers");
      json_builder_begin_array (b);
      for (guint k = 0; k < step->n_nodes; k++)
        json_builder_add_string_value (b, lsc_model_get_node (model, step->nodes[k])->name);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "macs");
      json_builder_add_int_value (b, step->macs);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static char *
model_to_json (LscModel *model,
               LscPlan  *plan)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, lsc_model_get_name (model));
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, lsc_model_get_path (model));
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, lsc_model_get_format (model) == LSC_MODEL_FORMAT_KERAS_ZIP ? "keras" : "hdf5");
  json_builder_set_member_name (b, "keras_version");
  json_builder_add_string_value (b, lsc_model_get_keras_version (model));
  json_builder_set_member_name (b, "inputs");
  add_node_names (b, model, FALSE);
  json_builder_set_member_name (b, "outputs");
  add_node_names (b, model, TRUE);

  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < lsc_model_get_n_nodes (model); i++)
    {
      const LscNode *node = lsc_model_get_node (model, i);
      int64_t macs = lsc_model_get_node_macs (model, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, node->name);
      json_builder_set_member_name (b, "class_name");
      json_builder_add_string_value (b, node->layer->class_name);
      json_builder_set_member_name (b, "scope");
      json_builder_add_string_value (b, node->scope);
      json_builder_set_member_name (b, "inputs");
      json_builder_begin_array (b);
      for (guint k = 0; k < node->n_inputs; k++)
        json_builder_add_string_value (b, lsc_model_get_node (model, node->inputs[k])->name);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "output_shape");
      add_shape (b, &node->output_shape);
      json_builder_set_member_name (b, "params");
      json_builder_add_int_value (b, lsc_model_get_node_params (model, i));
      json_builder_set_member_name (b, "macs");
      if (macs < 0)
        json_builder_add_null_value (b);
      else
        json_builder_add_int_value (b, macs);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "total_params");
  json_builder_add_int_value (b, lsc_model_get_n_params (model));
  json_builder_set_member_name (b, "total_macs");
  json_builder_add_int_value (b, lsc_model_get_n_macs (model));
  json_builder_set_member_name (b, "plan");
  if (plan != NULL)
    add_plan (b, model, plan);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

int
lsc_cli_info (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("MODEL");
  g_autoptr(LscModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LscPlan) plan = NULL;
  gboolean json = FALSE, steps = FALSE;
  g_autofree char *isa = NULL;
  gboolean no_fuse = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { "plan", 0, 0, G_OPTION_ARG_NONE, &steps,
      "List the planned operations: the kernel of each and the layers fused into it", NULL },
    { "isa", 0, 0, G_OPTION_ARG_STRING, &isa, "Plan for this instruction set (scalar, sse4, avx2, avx512)", "ISA" },
    { "no-fuse", 0, 0, G_OPTION_ARG_NONE, &no_fuse, "Plan without fusion", NULL },
    { NULL }
  };
  LscCliEngineOptions engine = { 0 };

  g_option_context_set_summary (context,
                                "Show a model's layers (flattened through nested models) with their\n"
                                "class, output shape, parameter count and multiply-accumulates per sample,\n"
                                "then the plan for one sample: operations, peak activation memory and\n"
                                "packed weights (--plan lists each operation's kernel).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!lsc_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    return lsc_cli_fail_message ("info takes exactly one MODEL file (see “layerscope info --help”)");

  model = lsc_model_load (argv[1], &error);
  if (model == NULL)
    return lsc_cli_fail (error);
  engine.isa = isa;
  engine.no_fuse = no_fuse;
  plan = plan_batch_one (model, &engine, &error);
  if (error != NULL)
    return lsc_cli_fail (error);

  if (json)
    {
      g_autofree char *text = model_to_json (model, plan);
      g_print ("%s\n", text);
      return 0;
    }
  print_table (model);
  if (plan != NULL)
    print_plan (model, plan, steps);
  else
    g_print ("Plan: made when inputs arrive (an input has a size that is not fixed)\n");
  return 0;
}
