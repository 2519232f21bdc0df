#include "profile/lsc-session-format.h"

/* Slices are stored as LscProfileSlice itself, so the reader fills the
 * report's array in place. */
static const char *const slice_kind_names[] = { "busy", "span" };

void
lsc_session_types_init (LscSessionTypes *t)
{
  t->string = H5Tcopy (H5T_C_S1);
  H5Tset_size (t->string, H5T_VARIABLE);
  H5Tset_cset (t->string, H5T_CSET_UTF8);

  t->run_kind = H5Tenum_create (H5T_NATIVE_UINT8);
  for (guint8 k = LSC_RUN_FIRST; k <= LSC_RUN_TIMED; k++)
    H5Tenum_insert (t->run_kind, lsc_run_kind_to_string (k), &k);
  t->slice_kind = H5Tenum_create (H5T_NATIVE_UINT8);
  for (guint8 k = 0; k < G_N_ELEMENTS (slice_kind_names); k++)
    H5Tenum_insert (t->slice_kind, slice_kind_names[k], &k);

  t->layer = H5Tcreate (H5T_COMPOUND, sizeof (LscSessionLayer));
  H5Tinsert (t->layer, "name", HOFFSET (LscSessionLayer, name), t->string);
  H5Tinsert (t->layer, "layers", HOFFSET (LscSessionLayer, layers), t->string);
  H5Tinsert (t->layer, "op", HOFFSET (LscSessionLayer, op), t->string);
  H5Tinsert (t->layer, "kernel", HOFFSET (LscSessionLayer, kernel), t->string);
  H5Tinsert (t->layer, "flops", HOFFSET (LscSessionLayer, flops), H5T_NATIVE_DOUBLE);
  H5Tinsert (t->layer, "weight_bytes", HOFFSET (LscSessionLayer, weight_bytes), H5T_NATIVE_DOUBLE);
  H5Tinsert (t->layer, "input_bytes", HOFFSET (LscSessionLayer, input_bytes), H5T_NATIVE_DOUBLE);
  H5Tinsert (t->layer, "output_bytes", HOFFSET (LscSessionLayer, output_bytes), H5T_NATIVE_DOUBLE);

  t->run = H5Tcreate (H5T_COMPOUND, sizeof (LscSessionRun));
  H5Tinsert (t->run, "kind", HOFFSET (LscSessionRun, kind), t->run_kind);
  H5Tinsert (t->run, "start_ns", HOFFSET (LscSessionRun, start_ns), H5T_NATIVE_DOUBLE);
  H5Tinsert (t->run, "wall_ns", HOFFSET (LscSessionRun, wall_ns), H5T_NATIVE_DOUBLE);

  t->slice = H5Tcreate (H5T_COMPOUND, sizeof (LscProfileSlice));
  H5Tinsert (t->slice, "run", HOFFSET (LscProfileSlice, run), H5T_NATIVE_UINT32);
  H5Tinsert (t->slice, "layer", HOFFSET (LscProfileSlice, layer), H5T_NATIVE_UINT32);
  H5Tinsert (t->slice, "worker", HOFFSET (LscProfileSlice, worker), H5T_NATIVE_UINT16);
  H5Tinsert (t->slice, "cpu", HOFFSET (LscProfileSlice, cpu), H5T_NATIVE_INT16);
  H5Tinsert (t->slice, "kind", HOFFSET (LscProfileSlice, kind), t->slice_kind);
  H5Tinsert (t->slice, "t0_ns", HOFFSET (LscProfileSlice, t0_ns), H5T_NATIVE_DOUBLE);
  H5Tinsert (t->slice, "t1_ns", HOFFSET (LscProfileSlice, t1_ns), H5T_NATIVE_DOUBLE);
}

void
lsc_session_types_clear (LscSessionTypes *t)
{
  H5Tclose (t->slice);
  H5Tclose (t->run);
  H5Tclose (t->layer);
  H5Tclose (t->slice_kind);
  H5Tclose (t->run_kind);
  H5Tclose (t->string);
}

