#include "plan/lsc-plan-arena.h"

static gboolean
lifetimes_meet (const LscStorage *a,
                const LscStorage *b)
{
  return a->first_op <= b->last_op && b->first_op <= a->last_op;
}

static int
compare_by_size (gconstpointer pa,
                 gconstpointer pb,
                 gpointer      user_data)
{
  const LscStorage *storages = user_data;
  const LscStorage *a = &storages[*(const guint *) pa];
  const LscStorage *b = &storages[*(const guint *) pb];

  if (a->floats != b->floats)
    return a->floats > b->floats ? -1 : 1;
  return a->first_op - b->first_op;
}

static int
compare_by_offset (gconstpointer pa,
                   gconstpointer pb)
{
  const LscStorage *a = *(const LscStorage *const *) pa;
  const LscStorage *b = *(const LscStorage *const *) pb;

  return a->offset < b->offset ? -1 : a->offset > b->offset;
}

gsize
lsc_arena_layout (LscStorage *storages,
                  guint       n)
{
  g_autofree guint *order = g_new (guint, n);
  g_autofree const LscStorage **placed = g_new (const LscStorage *, n);
  g_autofree const LscStorage **conflicts = g_new (const LscStorage *, n);
  guint n_placed = 0;
  gsize total = 0;

  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, n, sizeof (guint), compare_by_size, storages);

  for (guint i = 0; i < n; i++)
    {
      LscStorage *s = &storages[order[i]];
      guint n_conflicts = 0;
      gsize offset = 0;

      s->offset = 0;
      if (s->last_op < s->first_op || s->floats == 0)
        continue;

      for (guint k = 0; k < n_placed; k++)
        if (lifetimes_meet (placed[k], s))
          conflicts[n_conflicts++] = placed[k];
      qsort (conflicts, n_conflicts, sizeof (*conflicts), compare_by_offset);

      /* The first gap between live neighbours that holds s. */
      for (guint k = 0; k < n_conflicts; k++)
        {
          if (conflicts[k]->offset >= offset + s->floats)
            break;
          offset = MAX (offset, conflicts[k]->offset + conflicts[k]->floats);
        }
      s->offset = offset;
      placed[n_placed++] = s;
      total = MAX (total, offset + s->floats);
    }
  return total;
}
