#include "lsc-profile-row.h"

#include <math.h>

struct _LscProfileRow
{
  GObject           parent_instance;

  LscProfileReport *report;
  guint             index;
};

G_DEFINE_FINAL_TYPE (LscProfileRow, lsc_profile_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INDEX,
  PROP_NAME,
  PROP_KERNEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lsc_profile_row_finalize (GObject *object)
{
  LscProfileRow *self = LSC_PROFILE_ROW (object);

  g_clear_pointer (&self->report, lsc_profile_report_unref);

  G_OBJECT_CLASS (lsc_profile_row_parent_class)->finalize (object);
}

static void
lsc_profile_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LscProfileRow *self = LSC_PROFILE_ROW (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_NAME:
      g_value_set_string (value, lsc_profile_row_get_name (self));
      break;
    case PROP_KERNEL:
      g_value_set_string (value, lsc_profile_row_get_kernel (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lsc_profile_row_class_init (LscProfileRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lsc_profile_row_finalize;
  object_class->get_property = lsc_profile_row_get_property;

  properties[PROP_INDEX] = g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KERNEL] = g_param_spec_string ("kernel", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lsc_profile_row_init (LscProfileRow *self)
{
}

LscProfileRow *
lsc_profile_row_new (LscProfileReport *report,
                     guint             index)
{
  LscProfileRow *self;

  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (report->sealed, NULL);
  g_return_val_if_fail (index < report->n_layers, NULL);

  self = g_object_new (LSC_TYPE_PROFILE_ROW, NULL);
  self->report = lsc_profile_report_ref (report);
  self->index = index;
  return self;
}

guint
lsc_profile_row_get_index (LscProfileRow *self)
{
  g_return_val_if_fail (LSC_IS_PROFILE_ROW (self), 0);
  return self->index;
}

const char *
lsc_profile_row_get_name (LscProfileRow *self)
{
  const char *name;

  g_return_val_if_fail (LSC_IS_PROFILE_ROW (self), NULL);
  name = self->report->layers[self->index].name;
  return name != NULL ? name : "";
}

const char *
lsc_profile_row_get_kernel (LscProfileRow *self)
{
  const char *kernel;

  g_return_val_if_fail (LSC_IS_PROFILE_ROW (self), NULL);
  kernel = self->report->layers[self->index].kernel;
  return kernel != NULL ? kernel : "";
}

const LscProfileLayer *
lsc_profile_row_get_layer (LscProfileRow *self)
{
  g_return_val_if_fail (LSC_IS_PROFILE_ROW (self), NULL);
  return &self->report->layers[self->index];
}

LscProfileReport *
lsc_profile_row_get_report (LscProfileRow *self)
{
  g_return_val_if_fail (LSC_IS_PROFILE_ROW (self), NULL);
  return self->report;
}

double
lsc_profile_row_get_ipc (LscProfileRow *self)
{
  const LscProfileLayer *layer;
  const guint32 need = (1u << LSC_COUNTER_CYCLES) | (1u << LSC_COUNTER_INSTRUCTIONS);

  g_return_val_if_fail (LSC_IS_PROFILE_ROW (self), NAN);
  layer = &self->report->layers[self->index];
  if ((self->report->counter_mask & need) != need || !(layer->counters[LSC_COUNTER_CYCLES] > 0))
    return NAN;
  return layer->counters[LSC_COUNTER_INSTRUCTIONS] / layer->counters[LSC_COUNTER_CYCLES];
}
