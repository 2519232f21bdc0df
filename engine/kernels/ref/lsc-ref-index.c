#include "lsc-ref-index.h"

void
lsc_ref_strides (int            ndim,
                 const int64_t *dims,
                 int64_t       *strides)
{
  int64_t stride = 1;

  for (int d = ndim - 1; d >= 0; d--)
    {
      strides[d] = stride;
      stride *= dims[d];
    }
}

void
lsc_ref_broadcast_strides (int            ndim,
                           const int64_t *operand_dims,
                           int64_t       *strides)
{
  lsc_ref_strides (ndim, operand_dims, strides);
  for (int d = 0; d < ndim; d++)
    if (operand_dims[d] == 1)
      strides[d] = 0;
}

int64_t
lsc_ref_broadcast_offset (int            ndim,
                          const int64_t *dims,
                          const int64_t *operand_strides,
                          int64_t        linear)
{
  int64_t offset = 0;

  for (int d = ndim - 1; d >= 0; d--)
    {
      offset += (linear % dims[d]) * operand_strides[d];
      linear /= dims[d];
    }
  return offset;
}

/* Offsets of every combination of indices on the axes where
 * select[d] == want (the other indices 0), in row-major order. */
static int64_t *
offsets_over_axes (int             ndim,
                   const int64_t  *dims,
                   const int64_t  *strides,
                   const gboolean *select,
                   gboolean        want,
                   int64_t        *count)
{
  int64_t n = 1;
  int64_t *offsets;

  for (int d = 0; d < ndim; d++)
    if (!!select[d] == !!want)
      n *= dims[d];

  offsets = g_new (int64_t, MAX (n, 1));
  for (int64_t i = 0; i < n; i++)
    {
      int64_t rest = i;
      int64_t offset = 0;

      for (int d = ndim - 1; d >= 0; d--)
        if (!!select[d] == !!want)
          {
            offset += (rest % dims[d]) * strides[d];
            rest /= dims[d];
          }
      offsets[i] = offset;
    }

  *count = n;
  return offsets;
}

void
lsc_ref_axis_groups_init (LscRefAxisGroups *groups,
                          int               ndim,
                          const int64_t    *dims,
                          const gboolean   *reduced)
{
  int64_t *strides = g_newa (int64_t, MAX (ndim, 1));

  lsc_ref_strides (ndim, dims, strides);
  groups->group_base = offsets_over_axes (ndim, dims, strides, reduced, FALSE, &groups->n_groups);
  groups->member_offset = offsets_over_axes (ndim, dims, strides, reduced, TRUE, &groups->group_size);
}

void
lsc_ref_axis_groups_clear (LscRefAxisGroups *groups)
{
  g_clear_pointer (&groups->group_base, g_free);
  g_clear_pointer (&groups->member_offset, g_free);
  groups->n_groups = 0;
  groups->group_size = 0;
}
