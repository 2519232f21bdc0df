#include "profile/lsc-profile-export.h"

#include <math.h>
#include <string.h>

/* One row per layer, times in microseconds. Fields with commas or quotes
 * are quoted (RFC 4180); unknown numbers are empty. */

static void
add_text (GString    *out,
          const char *text)
{
  if (text != NULL && strpbrk (text, ",\"\n") != NULL)
    {
      g_string_append_c (out, '"');
      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else if (text != NULL)
    g_string_append (out, text);
  g_string_append_c (out, ',');
}

static void
add_number (GString *out,
            double   value,
            double   scale)
{
  if (isfinite (value))
    g_string_append_printf (out, "%.6g", value * scale);
  g_string_append_c (out, ',');
}

char *
lsc_profile_report_to_csv (LscProfileReport *r)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (r->sealed, NULL);
  g_string_append (out, "index,name,layers,op,kernel,runs,min_us,p50_us,p90_us,p90_ok,p99_us,p99_ok,"
                        "max_us,mean_us,sd_us,first_us,warmup_mean_us,share,flops,weight_bytes,"
                        "input_bytes,output_bytes,working_set_bytes,fits,intensity,gflops,gbs,"
                        "efficiency,imbalance");
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    g_string_append_printf (out, ",%s", lsc_counter_to_string (c));
  g_string_append_c (out, '\n');

  for (guint i = 0; i < r->n_layers; i++)
    {
      const LscProfileLayer *l = &r->layers[i];
      const LscStats *t = &l->time;

      g_string_append_printf (out, "%u,", i);
      add_text (out, l->name);
      add_text (out, l->layers);
      add_text (out, l->op);
      add_text (out, l->kernel);
      g_string_append_printf (out, "%u,", t->n);
      add_number (out, t->min, 1e-3);
      add_number (out, t->p50, 1e-3);
      add_number (out, t->p90, 1e-3);
      add_text (out, t->p90_ok ? "yes" : "no");
      add_number (out, t->p99, 1e-3);
      add_text (out, t->p99_ok ? "yes" : "no");
      add_number (out, t->max, 1e-3);
      add_number (out, t->mean, 1e-3);
      add_number (out, t->sd, 1e-3);
      add_number (out, l->first_ns, 1e-3);
      add_number (out, l->warmup.mean, 1e-3);
      add_number (out, l->share, 1.0);
      add_number (out, l->flops, 1.0);
      add_number (out, l->weight_bytes, 1.0);
      add_number (out, l->input_bytes, 1.0);
      add_number (out, l->output_bytes, 1.0);
      add_number (out, l->working_set_bytes, 1.0);
      add_text (out, lsc_profile_fits_to_string (l->fits));
      add_number (out, l->intensity, 1.0);
      add_number (out, l->gflops, 1.0);
      add_number (out, l->gbs, 1.0);
      add_number (out, l->efficiency, 1.0);
      add_number (out, l->imbalance, 1.0);
      for (guint c = 0; c < LSC_N_COUNTERS; c++)
        add_number (out, l->counters[c], 1.0);
      /* No separator after the last field. */
      g_string_truncate (out, out->len - 1);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}
