#include "lsc-zoo-config.h"

/* Keys follow the order of tf.keras 2.15's get_config (), so the JSON reads
 * like the one Keras writes. */

void
lsc_zoo_json_string (JsonBuilder *b,
                     const char  *key,
                     const char  *value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value);
}

void
lsc_zoo_json_int (JsonBuilder *b,
                  const char  *key,
                  int64_t      value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, value);
}

void
lsc_zoo_json_double (JsonBuilder *b,
                     const char  *key,
                     double       value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_double_value (b, value);
}

void
lsc_zoo_json_bool (JsonBuilder *b,
                   const char  *key,
                   gboolean     value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_boolean_value (b, value);
}

void
lsc_zoo_json_null (JsonBuilder *b,
                   const char  *key)
{
  json_builder_set_member_name (b, key);
  json_builder_add_null_value (b);
}

void
lsc_zoo_json_pair (JsonBuilder *b,
                   const char  *key,
                   int64_t      first,
                   int64_t      second)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  json_builder_add_int_value (b, first);
  json_builder_add_int_value (b, second);
  json_builder_end_array (b);
}

/* A shape with the batch as null: [null, 224, 224, 3]. */
void
lsc_zoo_json_batch_shape (JsonBuilder    *b,
                          const char     *key,
                          const LscShape *shape)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  json_builder_add_null_value (b);
  for (int i = 1; i < shape->ndim; i++)
    {
      if (shape->dims[i] == LSC_DIM_UNKNOWN)
        json_builder_add_null_value (b);
      else
        json_builder_add_int_value (b, shape->dims[i]);
    }
  json_builder_end_array (b);
}



/* Keras 2.15's serialized initializer: {"module": "keras.initializers",
 * "class_name": …, "config": {…}, "registered_name": null}. */
void
lsc_zoo_json_initializer (JsonBuilder *b,
                          const char  *key,
                          LscZooInit   init)
{
  static const char *const class_names[] = {
    [LSC_ZOO_INIT_ZEROS] = "Zeros",
    [LSC_ZOO_INIT_ONES] = "Ones",
    [LSC_ZOO_INIT_GLOROT_UNIFORM] = "GlorotUniform",
    [LSC_ZOO_INIT_ORTHOGONAL] = "Orthogonal",
    [LSC_ZOO_INIT_RANDOM_UNIFORM] = "RandomUniform",
    [LSC_ZOO_INIT_EFFICIENTNET_CONV] = "VarianceScaling",
    [LSC_ZOO_INIT_EFFICIENTNET_DENSE] = "VarianceScaling",
  };

  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  lsc_zoo_json_string (b, "module", "keras.initializers");
  lsc_zoo_json_string (b, "class_name", class_names[init]);
  json_builder_set_member_name (b, "config");
  json_builder_begin_object (b);
  switch (init)
    {
    case LSC_ZOO_INIT_ZEROS:
    case LSC_ZOO_INIT_ONES:
      break;
    case LSC_ZOO_INIT_GLOROT_UNIFORM:
      lsc_zoo_json_null (b, "seed");
      break;
    case LSC_ZOO_INIT_ORTHOGONAL:
      lsc_zoo_json_double (b, "gain", 1.0);
      lsc_zoo_json_null (b, "seed");
      break;
    case LSC_ZOO_INIT_RANDOM_UNIFORM:
      lsc_zoo_json_double (b, "minval", -0.05);
      lsc_zoo_json_double (b, "maxval", 0.05);
      lsc_zoo_json_null (b, "seed");
      break;
    case LSC_ZOO_INIT_EFFICIENTNET_CONV:
      lsc_zoo_json_double (b, "scale", 2.0);
      lsc_zoo_json_string (b, "mode", "fan_out");
      lsc_zoo_json_string (b, "distribution", "truncated_normal");
      lsc_zoo_json_null (b, "seed");
      break;
    case LSC_ZOO_INIT_EFFICIENTNET_DENSE:
      lsc_zoo_json_double (b, "scale", 1.0 / 3.0);
      lsc_zoo_json_string (b, "mode", "fan_out");
      lsc_zoo_json_string (b, "distribution", "uniform");
      lsc_zoo_json_null (b, "seed");
      break;
    default:
      g_assert_not_reached ();
    }
  json_builder_end_object (b);
  lsc_zoo_json_null (b, "registered_name");
  json_builder_end_object (b);
}

LscZooInit
lsc_zoo_conv_kernel_init (LscZooGraph *graph)
{
  return graph->init_style == LSC_ZOO_INIT_STYLE_EFFICIENTNET ? LSC_ZOO_INIT_EFFICIENTNET_CONV
                                                              : LSC_ZOO_INIT_GLOROT_UNIFORM;
}

LscZooInit
lsc_zoo_dense_kernel_init (LscZooGraph *graph)
{
  return graph->init_style == LSC_ZOO_INIT_STYLE_EFFICIENTNET ? LSC_ZOO_INIT_EFFICIENTNET_DENSE
                                                              : LSC_ZOO_INIT_GLOROT_UNIFORM;
}

void
lsc_zoo_json_nulls (JsonBuilder       *b,
                    const char *const *keys)
{
  for (guint i = 0; keys[i] != NULL; i++)
    lsc_zoo_json_null (b, keys[i]);
}

/* A Functional's InputLayer config (no name/trainable/dtype prefix). */
void
lsc_zoo_config_set_input (LscZooLayer *layer)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  lsc_zoo_json_batch_shape (b, "batch_input_shape", &layer->output);
  lsc_zoo_json_string (b, "dtype", "float32");
  lsc_zoo_json_bool (b, "sparse", FALSE);
  lsc_zoo_json_bool (b, "ragged", FALSE);
  lsc_zoo_json_string (b, "name", layer->name);
  json_builder_end_object (b);
  lsc_zoo_layer_set_config (layer, json_builder_get_root (b));
}

/* Starts a layer's config with the keys every layer has. The first layer of
 * a Sequential also carries the model's batch_input_shape, as Keras writes
 * it when the shape was given to that layer. */
JsonBuilder *
lsc_zoo_config_begin (LscZooGraph *graph,
                      LscZooLayer *layer)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  lsc_zoo_json_string (b, "name", layer->name);
  lsc_zoo_json_bool (b, "trainable", TRUE);
  lsc_zoo_json_string (b, "dtype", "float32");
  if (graph->sequential && graph->layers->len == 2)
    {
      LscZooLayer *input = lsc_zoo_graph_get_layer (graph, 0);

      lsc_zoo_json_batch_shape (b, "batch_input_shape", &input->output);
      g_free (input->name);
      input->name = g_strconcat (layer->name, "_input", NULL);
      lsc_zoo_config_set_input (input);
    }
  return b;
}

void
lsc_zoo_config_end (LscZooLayer *layer,
                    JsonBuilder *b)
{
  json_builder_end_object (b);
  lsc_zoo_layer_set_config (layer, json_builder_get_root (b));
  g_object_unref (b);
}
