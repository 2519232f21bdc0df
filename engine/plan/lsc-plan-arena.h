#pragma once

#include "plan/lsc-plan-private.h"

G_BEGIN_DECLS

/* Gives every storage an offset (in floats, multiples of 16 = 64 bytes)
 * so that two storages alive at the same op never overlap, and returns the
 * arena size in floats. Greedy by size, largest first, each at the lowest
 * offset that fits among those already placed whose lifetimes intersect
 * its own (the "greedy by size" of TFLite's arena planner). Storages with
 * no lifetime (never used) get offset 0 and no space. */
gsize lsc_arena_layout (LscStorage *storages,
                        guint       n);

G_END_DECLS
