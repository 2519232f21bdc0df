#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Numbers as the tables show them. Both return a new string.
 *
 * lsc_format_count: every digit, grouped by thousands with the locale's
 * separator ("3,538,984"); the C locale has none, so it falls back to ","
 * (or a narrow no-break space where "," is the decimal point), because
 * an ungrouped 300774272 is unreadable in a table of MACs.
 *
 * lsc_format_count_short: three significant figures with an SI suffix
 * ("950", "3.54 M", "301 M", "1.21 G"), for summaries. */
char *lsc_format_count       (int64_t value);
char *lsc_format_count_short (int64_t value);

/* A duration in nanoseconds as the profiler shows it: "1.25 ms" from a
 * millisecond up, "87.3 µs" below (as `layerscope profile` prints it), and
 * "—" for NAN (not measured). */
char *lsc_format_duration    (double  ns);
/* A size: "1.4 MiB", "96 KiB", "512 B". */
char *lsc_format_bytes       (double  bytes);

G_END_DECLS
