#include "lsc-tensor.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

LscShape
lsc_shape_make (int ndim,
                ...)
{
  LscShape shape = { 0 };
  va_list ap;

  g_return_val_if_fail (ndim >= 0 && ndim <= LSC_MAX_DIMS, shape);

  shape.ndim = ndim;
  va_start (ap, ndim);
  for (int i = 0; i < ndim; i++)
    shape.dims[i] = va_arg (ap, int64_t);
  va_end (ap);

  return shape;
}

int64_t
lsc_shape_numel (const LscShape *shape)
{
  int64_t n = 1;

  for (int i = 0; i < shape->ndim; i++)
    n *= shape->dims[i];
  return n;
}

gboolean
lsc_shape_equal (const LscShape *a,
                 const LscShape *b)
{
  if (a->ndim != b->ndim)
    return FALSE;
  for (int i = 0; i < a->ndim; i++)
    if (a->dims[i] != b->dims[i])
      return FALSE;
  return TRUE;
}

gboolean
lsc_shape_is_known (const LscShape *shape)
{
  for (int i = 0; i < shape->ndim; i++)
    if (shape->dims[i] < 0)
      return FALSE;
  return TRUE;
}

char *
lsc_shape_to_string (const LscShape *shape)
{
  GString *s = g_string_new ("(");

  for (int i = 0; i < shape->ndim; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      if (shape->dims[i] < 0)
        g_string_append (s, "None");
      else
        g_string_append_printf (s, "%" G_GINT64_FORMAT, (gint64) shape->dims[i]);
    }
  if (shape->ndim == 1)
    g_string_append_c (s, ',');
  g_string_append_c (s, ')');

  return g_string_free (s, FALSE);
}

LscTensor *
lsc_tensor_new (const LscShape *shape)
{
  LscTensor *tensor;
  int64_t n;
  size_t bytes;

  g_return_val_if_fail (shape != NULL, NULL);
  g_return_val_if_fail (lsc_shape_is_known (shape), NULL);

  n = lsc_shape_numel (shape);
  /* Round up to whole cache lines so vector kernels may load a full line. */
  bytes = ((size_t) MAX (n, 1) * sizeof (float) + 63) & ~(size_t) 63;

  tensor = g_new0 (LscTensor, 1);
  tensor->shape = *shape;
  tensor->data = aligned_alloc (64, bytes);
  if (tensor->data == NULL)
    g_error ("out of memory allocating a tensor of %zu bytes", bytes);
  memset (tensor->data, 0, bytes);

  return tensor;
}

LscTensor *
lsc_tensor_new_from_data (const LscShape *shape,
                          const float    *data)
{
  LscTensor *tensor = lsc_tensor_new (shape);

  memcpy (tensor->data, data, (size_t) lsc_shape_numel (shape) * sizeof (float));
  return tensor;
}

LscTensor *
lsc_tensor_dup (const LscTensor *tensor)
{
  return lsc_tensor_new_from_data (&tensor->shape, tensor->data);
}

int64_t
lsc_tensor_numel (const LscTensor *tensor)
{
  return lsc_shape_numel (&tensor->shape);
}

void
lsc_tensor_free (LscTensor *tensor)
{
  if (tensor == NULL)
    return;
  free (tensor->data);
  g_free (tensor);
}
