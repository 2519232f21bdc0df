#include "lsc-format.h"

#include <locale.h>
#include <math.h>
#include <string.h>

static const char *
thousands_separator (void)
{
  const struct lconv *conv = localeconv ();

  if (conv->thousands_sep != NULL && conv->thousands_sep[0] != '\0')
    return conv->thousands_sep;
  if (conv->decimal_point != NULL && strcmp (conv->decimal_point, ",") == 0)
    return "\u202f";
  return ",";
}

char *
lsc_format_count (int64_t value)
{
  g_autofree char *digits = NULL;
  const char *sep = thousands_separator ();
  const char *p;
  GString *out;
  gsize n;

  /* Work on the magnitude as unsigned so INT64_MIN does not overflow. */
  digits = g_strdup_printf ("%" G_GUINT64_FORMAT,
                            value < 0 ? (guint64) 0 - (guint64) value : (guint64) value);
  n = strlen (digits);
  out = g_string_sized_new (n + n / 3 * strlen (sep) + 2);
  if (value < 0)
    g_string_append_c (out, '-');
  for (p = digits; *p != '\0'; p++)
    {
      gsize left = n - (gsize) (p - digits);

      g_string_append_c (out, *p);
      if (left > 1 && (left - 1) % 3 == 0)
        g_string_append (out, sep);
    }
  return g_string_free (out, FALSE);
}

char *
lsc_format_count_short (int64_t value)
{
  static const struct { double scale; const char *suffix; } units[] = {
    { 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e3, "k" },
  };
  double magnitude = value < 0 ? -(double) value : (double) value;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (magnitude >= units[i].scale)
        {
          double scaled = (double) value / units[i].scale;
          double abs_scaled = magnitude / units[i].scale;
          /* Three significant figures: 3.54 M, 35.4 M, 354 M. */
          int decimals = abs_scaled >= 100 ? 0 : abs_scaled >= 10 ? 1 : 2;

          return g_strdup_printf ("%.*f %s", decimals, scaled, units[i].suffix);
        }
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

char *
lsc_format_duration (double ns)
{
  if (isnan (ns))
    return g_strdup ("—");
  if (ns >= 1e6)
    return g_strdup_printf ("%.2f ms", ns / 1e6);
  return g_strdup_printf ("%.1f µs", ns / 1e3);
}

char *
lsc_format_bytes (double bytes)
{
  if (isnan (bytes))
    return g_strdup ("—");
  if (bytes >= 1 << 20)
    return g_strdup_printf ("%.1f MiB", bytes / (1 << 20));
  if (bytes >= 1 << 10)
    return g_strdup_printf ("%.0f KiB", bytes / (1 << 10));
  return g_strdup_printf ("%.0f B", bytes);
}
