#pragma once

/* Private to the session file's reader and writer: the marker, and the
 * HDF5 types of its compound datasets (the layout is in
 * lsc-session-file.h). Call under lsc_hdf5_lock. */

#include <hdf5.h>

#include "profile/lsc-profile-report.h"

G_BEGIN_DECLS

#define LSC_SESSION_MARKER "layerscope_session"
#define LSC_SESSION_MARKER_VALUE "1"

/* One row of /layers and of /runs in memory. */
typedef struct
{
  char  *name;
  char  *layers;
  char  *op;
  char  *kernel;
  double flops;
  double weight_bytes;
  double input_bytes;
  double output_bytes;
} LscSessionLayer;

typedef struct
{
  guint8 kind;
  double start_ns;
  double wall_ns;
} LscSessionRun;

/* The types in memory (the writer packs copies of them for the file). */
typedef struct
{
  hid_t string;       /* variable-length UTF-8 */
  hid_t run_kind;     /* enum over guint8 */
  hid_t slice_kind;
  hid_t layer;        /* LscSessionLayer */
  hid_t run;          /* LscSessionRun */
  hid_t slice;        /* LscProfileSlice, read and written in place */
} LscSessionTypes;

void lsc_session_types_init  (LscSessionTypes *types);
void lsc_session_types_clear (LscSessionTypes *types);

G_END_DECLS
