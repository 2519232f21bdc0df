#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Index arithmetic shared by the reference kernels that broadcast an
 * operand over some axes (numpy rules) or reduce over a set of axes. All
 * tensors are dense and row-major (the last axis varies fastest). */

/* Row-major strides of a tensor of the given dims. */
void     lsc_ref_strides          (int               ndim,
                                   const int64_t    *dims,
                                   int64_t          *strides);

/* Strides of an operand of `operand_dims` (same rank as the tensor it is
 * broadcast against) with 0 on its axes of size 1, so that indexing it with
 * the full tensor's index repeats it along those axes. */
void     lsc_ref_broadcast_strides (int              ndim,
                                   const int64_t    *operand_dims,
                                   int64_t          *strides);

/* Offset into an operand with `operand_strides` of the element whose
 * row-major linear index in a tensor of `dims` is `linear`. */
int64_t  lsc_ref_broadcast_offset (int               ndim,
                                   const int64_t    *dims,
                                   const int64_t    *operand_strides,
                                   int64_t           linear);

/* The elements of a tensor split into groups for a reduction over the axes
 * flagged in `reduced`: the elements of one group differ only in those
 * axes. Member j of group g is at group_base[g] + member_offset[j], and the
 * members are in row-major order of the reduced axes (so j also indexes a
 * parameter spanning exactly the reduced axes, in increasing axis order). */
typedef struct
{
  int64_t  n_groups;
  int64_t  group_size;
  int64_t *group_base;
  int64_t *member_offset;
} LscRefAxisGroups;

void     lsc_ref_axis_groups_init  (LscRefAxisGroups *groups,
                                    int               ndim,
                                    const int64_t    *dims,
                                    const gboolean   *reduced);
void     lsc_ref_axis_groups_clear (LscRefAxisGroups *groups);

G_END_DECLS
