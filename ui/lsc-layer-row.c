#include "lsc-layer-row.h"

struct _LscLayerRow
{
  GObject parent_instance;

  guint   index;
  char   *name;
  char   *scope;
  char   *class_name;
  char   *output_shape;
  int64_t params;
  int64_t macs;
  double  macs_fraction;
};

G_DEFINE_FINAL_TYPE (LscLayerRow, lsc_layer_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INDEX,
  PROP_NAME,
  PROP_SCOPE,
  PROP_CLASS_NAME,
  PROP_OUTPUT_SHAPE,
  PROP_PARAMS,
  PROP_MACS,
  PROP_MACS_FRACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lsc_layer_row_finalize (GObject *object)
{
  LscLayerRow *self = LSC_LAYER_ROW (object);

  g_free (self->name);
  g_free (self->scope);
  g_free (self->class_name);
  g_free (self->output_shape);

  G_OBJECT_CLASS (lsc_layer_row_parent_class)->finalize (object);
}

static void
lsc_layer_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LscLayerRow *self = LSC_LAYER_ROW (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SCOPE:
      g_value_set_string (value, self->scope);
      break;
    case PROP_CLASS_NAME:
      g_value_set_string (value, self->class_name);
      break;
    case PROP_OUTPUT_SHAPE:
      g_value_set_string (value, self->output_shape);
      break;
    case PROP_PARAMS:
      g_value_set_int64 (value, self->params);
      break;
    case PROP_MACS:
      g_value_set_int64 (value, self->macs);
      break;
    case PROP_MACS_FRACTION:
      g_value_set_double (value, self->macs_fraction);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lsc_layer_row_class_init (LscLayerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lsc_layer_row_finalize;
  object_class->get_property = lsc_layer_row_get_property;

  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SCOPE] =
    g_param_spec_string ("scope", NULL, NULL, NULL, flags);
  properties[PROP_CLASS_NAME] =
    g_param_spec_string ("class-name", NULL, NULL, NULL, flags);
  properties[PROP_OUTPUT_SHAPE] =
    g_param_spec_string ("output-shape", NULL, NULL, NULL, flags);
  properties[PROP_PARAMS] =
    g_param_spec_int64 ("params", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_MACS] =
    g_param_spec_int64 ("macs", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_MACS_FRACTION] =
    g_param_spec_double ("macs-fraction", NULL, NULL, 0.0, 1.0, 0.0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lsc_layer_row_init (LscLayerRow *self)
{
}

LscLayerRow *
lsc_layer_row_new (guint       index,
                   const char *name,
                   const char *scope,
                   const char *class_name,
                   const char *output_shape,
                   int64_t     params,
                   int64_t     macs,
                   double      macs_fraction)
{
  LscLayerRow *self = g_object_new (LSC_TYPE_LAYER_ROW, NULL);

  self->index = index;
  self->name = g_strdup (name != NULL ? name : "");
  self->scope = g_strdup (scope != NULL ? scope : "");
  self->class_name = g_strdup (class_name != NULL ? class_name : "");
  self->output_shape = g_strdup (output_shape != NULL ? output_shape : "");
  self->params = params;
  self->macs = macs;
  self->macs_fraction = CLAMP (macs_fraction, 0.0, 1.0);
  return self;
}

guint
lsc_layer_row_get_index (LscLayerRow *self)
{
  g_return_val_if_fail (LSC_IS_LAYER_ROW (self), 0);
  return self->index;
}

const char *
lsc_layer_row_get_name (LscLayerRow *self)
{
  g_return_val_if_fail (LSC_IS_LAYER_ROW (self), NULL);
  return self->name;
}

const char *
lsc_layer_row_get_scope (LscLayerRow *self)
{
  g_return_val_if_fail (LSC_IS_LAYER_ROW (self), NULL);
  return self->scope;
}

const char *
lsc_layer_row_get_class_name (LscLayerRow *self)
{
  g_return_val_if_fail (LSC_IS_LAYER_ROW (self), NULL);
  return self->class_name;
}

const char *
lsc_layer_row_get_output_shape (LscLayerRow *self)
{
  g_return_val_if_fail (LSC_IS_LAYER_ROW (self), NULL);
  return self->output_shape;
}

int64_t
lsc_layer_row_get_params (LscLayerRow *self)
{
  g_return_val_if_fail (LSC_IS_LAYER_ROW (self), 0);
  return self->params;
}

int64_t
lsc_layer_row_get_macs (LscLayerRow *self)
{
  g_return_val_if_fail (LSC_IS_LAYER_ROW (self), 0);
  return self->macs;
}

double
lsc_layer_row_get_macs_fraction (LscLayerRow *self)
{
  g_return_val_if_fail (LSC_IS_LAYER_ROW (self), 0.0);
  return self->macs_fraction;
}
