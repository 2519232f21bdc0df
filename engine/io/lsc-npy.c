/* NumPy .npy files, as numpy.lib.format describes them:
 *
 *   "\x93NUMPY" major minor HEADER_LEN HEADER DATA
 *
 * HEADER_LEN is a little-endian uint16 in version 1.0 and a uint32 in 2.0
 * and 3.0 (3.0 only allows UTF-8 in the header). HEADER is the repr of a
 * Python dict with exactly the keys 'descr', 'fortran_order' and 'shape',
 * padded with spaces and ended by '\n'. DATA follows, C order here.
 *
 * Every byte of the file is untrusted: each read is bounds-checked and every
 * problem becomes LSC_ENGINE_ERROR_BAD_INPUT naming the file. */

#include "lsc-npy.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "core/lsc-error.h"
#include "lsc-io-util.h"

#define NPY_MAGIC     "\x93NUMPY"
#define NPY_MAGIC_LEN 6
/* numpy aligns the start of the data to this many bytes. */
#define NPY_ALIGN     64

typedef enum
{
  NPY_FLOAT,
  NPY_INT,
  NPY_UINT,
  NPY_BOOL,
} NpyKind;

typedef struct
{
  NpyKind  kind;
  guint    item_size;   /* bytes per element */
  gboolean big_endian;
} NpyDtype;

typedef struct
{
  char     *descr;
  gboolean  have_descr;
  gboolean  fortran_order;
  gboolean  have_fortran_order;
  int       ndim;
  int64_t   dims[LSC_MAX_DIMS];
  gboolean  have_shape;
} NpyHeader;

static void
npy_header_clear (NpyHeader *header)
{
  g_clear_pointer (&header->descr, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NpyHeader, npy_header_clear)

/* A cursor over the header text; every parse step returns FALSE with a
 * short reason in *why (a static string or one owned by the caller's
 * GString) when the text is not what numpy writes. */
typedef struct
{
  const char *p;
  const char *end;
  GString    *why;
} NpyCursor;

static gboolean
fail (NpyCursor  *c,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (NpyCursor  *c,
      const char *format,
      ...)
{
  va_list ap;

  g_string_truncate (c->why, 0);
  va_start (ap, format);
  g_string_append_vprintf (c->why, format, ap);
  va_end (ap);
  return FALSE;
}

static void
skip_space (NpyCursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
expect_char (NpyCursor *c,
             char       ch)
{
  skip_space (c);
  if (c->p >= c->end || *c->p != ch)
    return fail (c, "expected “%c” in the header", ch);
  c->p++;
  return TRUE;
}

/* A Python string literal in single or double quotes, without escapes
 * (numpy never writes any in the three values it puts there). */
static gboolean
parse_string (NpyCursor  *c,
              char      **out)
{
  const char *start;
  char quote;

  skip_space (c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
    return fail (c, "expected a quoted string in the header");
  quote = *c->p++;
  start = c->p;
  while (c->p < c->end && *c->p != quote)
    {
      if (*c->p == '\\')
        return fail (c, "escape sequences are not supported in the header");
      c->p++;
    }
  if (c->p >= c->end)
    return fail (c, "unterminated string in the header");
  *out = g_strndup (start, c->p - start);
  c->p++;
  return TRUE;
}

static gboolean
parse_bool (NpyCursor *c,
            gboolean  *out)
{
  skip_space (c);
  if ((gsize) (c->end - c->p) >= 4 && memcmp (c->p, "True", 4) == 0)
    {
      c->p += 4;
      *out = TRUE;
      return TRUE;
    }
  if ((gsize) (c->end - c->p) >= 5 && memcmp (c->p, "False", 5) == 0)
    {
      c->p += 5;
      *out = FALSE;
      return TRUE;
    }
  return fail (c, "'fortran_order' must be True or False");
}

/* A non-negative decimal integer, with the 'L' suffix Python 2 wrote. */
static gboolean
parse_dim (NpyCursor *c,
           int64_t   *out)
{
  int64_t value = 0;
  const char *start;

  skip_space (c);
  if (c->p < c->end && *c->p == '-')
    return fail (c, "the shape has a negative dimension");
  start = c->p;
  while (c->p < c->end && g_ascii_isdigit (*c->p))
    {
      int digit = *c->p - '0';

      if (value > (G_MAXINT64 - digit) / 10)
        return fail (c, "a dimension of the shape is too large");
      value = value * 10 + digit;
      c->p++;
    }
  if (c->p == start)
    return fail (c, "the shape must be a tuple of integers");
  if (c->p < c->end && (*c->p == 'L' || *c->p == 'l'))
    c->p++;
  *out = value;
  return TRUE;
}

/* "()", "(5,)", "(2, 3)", "(2, 3,)" */
static gboolean
parse_shape (NpyCursor *c,
             NpyHeader *header)
{
  if (!expect_char (c, '('))
    return fail (c, "the shape must be a tuple of integers");

  header->ndim = 0;
  for (;;)
    {
      int64_t dim = 0;

      skip_space (c);
      if (c->p < c->end && *c->p == ')')
        {
          c->p++;
          return TRUE;
        }
      if (!parse_dim (c, &dim))
        return FALSE;
      if (header->ndim == LSC_MAX_DIMS)
        return fail (c, "the array has more than %d dimensions", LSC_MAX_DIMS);
      header->dims[header->ndim++] = dim;

      skip_space (c);
      if (c->p < c->end && *c->p == ',')
        c->p++;
      else if (c->p < c->end && *c->p == ')')
        continue;
      else
        return fail (c, "the shape must be a tuple of integers");
    }
}

static gboolean
parse_header_dict (NpyCursor *c,
                   NpyHeader *header)
{
  if (!expect_char (c, '{'))
    return fail (c, "the header is not a Python dict");

  for (;;)
    {
      g_autofree char *key = NULL;

      skip_space (c);
      if (c->p < c->end && *c->p == '}')
        {
          c->p++;
          break;
        }
      if (!parse_string (c, &key) || !expect_char (c, ':'))
        return FALSE;

      if (g_str_equal (key, "descr"))
        {
          if (header->have_descr)
            return fail (c, "the header repeats 'descr'");
          skip_space (c);
          if (c->p < c->end && *c->p == '[')
            return fail (c, "structured dtypes (record arrays) are not supported");
          if (!parse_string (c, &header->descr))
            return FALSE;
          header->have_descr = TRUE;
        }
      else if (g_str_equal (key, "fortran_order"))
        {
          if (header->have_fortran_order)
            return fail (c, "the header repeats 'fortran_order'");
          if (!parse_bool (c, &header->fortran_order))
            return FALSE;
          header->have_fortran_order = TRUE;
        }
      else if (g_str_equal (key, "shape"))
        {
          if (header->have_shape)
            return fail (c, "the header repeats 'shape'");
          if (!parse_shape (c, header))
            return FALSE;
          header->have_shape = TRUE;
        }
      else
        {
          /* numpy.load refuses any other key too. */
          return fail (c, "unexpected key '%s' in the header", key);
        }

      skip_space (c);
      if (c->p < c->end && *c->p == ',')
        c->p++;
      else if (!(c->p < c->end && *c->p == '}'))
        return fail (c, "expected “,” or “}” in the header");
    }

  /* numpy pads the header with spaces and a final newline. */
  skip_space (c);
  if (c->p != c->end)
    return fail (c, "unexpected text after the header dict");

  if (!header->have_descr)
    return fail (c, "the header has no 'descr'");
  if (!header->have_fortran_order)
    return fail (c, "the header has no 'fortran_order'");
  if (!header->have_shape)
    return fail (c, "the header has no 'shape'");
  return TRUE;
}

/* "<f4", ">i8", "|u1", "|b1", "=f8"… */
static gboolean
parse_dtype (const char *descr,
             NpyDtype   *dtype,
             GString    *why)
{
  const char *p = descr;
  char order = '=';
  char kind;
  guint64 size;
  char *end = NULL;

  if (*p == '<' || *p == '>' || *p == '|' || *p == '=')
    order = *p++;
  kind = *p++;
  if (kind == '\0')
    goto unsupported;
  if (kind == 'O')
    {
      g_string_printf (why, "object arrays (dtype '%s') cannot be read: they hold pickled "
                            "Python objects, not numbers", descr);
      return FALSE;
    }
  if (!g_ascii_isdigit (*p))
    goto unsupported;
  errno = 0;
  size = g_ascii_strtoull (p, &end, 10);
  if (errno != 0 || *end != '\0')
    goto unsupported;

  switch (kind)
    {
    case 'f':
      if (size != 2 && size != 4 && size != 8)
        goto unsupported;
      dtype->kind = NPY_FLOAT;
      break;
    case 'i':
    case 'u':
      if (size != 1 && size != 2 && size != 4 && size != 8)
        goto unsupported;
      dtype->kind = kind == 'i' ? NPY_INT : NPY_UINT;
      break;
    case 'b':
      if (size != 1)
        goto unsupported;
      dtype->kind = NPY_BOOL;
      break;
    default:
      goto unsupported;
    }

  dtype->item_size = (guint) size;
  if (order == '=')
    dtype->big_endian = G_BYTE_ORDER == G_BIG_ENDIAN;
  else
    dtype->big_endian = order == '>';
  return TRUE;

unsupported:
  g_string_printf (why, "dtype '%s' is not supported (only float16/32/64, int8…int64, "
                        "uint8…uint64 and bool)", descr);
  return FALSE;
}

/* IEEE 754 binary16 → float, exactly (every half is a float). */
static float
half_to_float (guint16 h)
{
  int sign = h >> 15;
  int exponent = (h >> 10) & 0x1f;
  int mantissa = h & 0x3ff;
  float value;

  if (exponent == 0)
    value = ldexpf ((float) mantissa, -24);                 /* zero, subnormal */
  else if (exponent == 31)
    value = mantissa == 0 ? INFINITY : NAN;
  else
    value = ldexpf ((float) (mantissa | 0x400), exponent - 25);

  return sign ? -value : value;
}

static float
convert_element (const guint8   *bytes,
                 const NpyDtype *dtype)
{
  guint64 bits = 0;

  /* Assemble the element as an unsigned integer whatever the byte order. */
  for (guint i = 0; i < dtype->item_size; i++)
    {
      guint byte_index = dtype->big_endian ? i : dtype->item_size - 1 - i;
      bits = (bits << 8) | bytes[byte_index];
    }

  switch (dtype->kind)
    {
    case NPY_BOOL:
      return bits != 0 ? 1.0f : 0.0f;

    case NPY_UINT:
      return (float) bits;

    case NPY_INT:
      {
        guint shift = 64 - 8 * dtype->item_size;
        /* Sign-extend through the top bit of the element. */
        int64_t value = (int64_t) (bits << shift) >> shift;
        return (float) value;
      }

    case NPY_FLOAT:
      if (dtype->item_size == 2)
        return half_to_float ((guint16) bits);
      if (dtype->item_size == 4)
        {
          guint32 bits32 = (guint32) bits;
          float value;
          memcpy (&value, &bits32, sizeof value);
          return value;
        }
      else
        {
          double value;
          memcpy (&value, &bits, sizeof value);
          return (float) value;
        }

    default:
      g_assert_not_reached ();
    }
}

static void
set_bad_input (GError    **error,
               const char *path,
               const char *why)
{
  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
               "“%s” is not a .npy file that can be read: %s", path, why);
}

LscTensor *
lsc_npy_read (const char  *path,
              GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GString) why = g_string_new (NULL);
  g_auto(NpyHeader) header = { 0 };
  NpyDtype dtype;
  NpyCursor cursor;
  const guint8 *bytes;
  gsize length;
  gsize header_len;
  gsize prefix_len;
  guint8 major, minor;
  guint64 numel = 1;
  guint64 data_bytes;
  LscShape shape = { 0 };
  LscTensor *tensor;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!lsc_io_read_file (path, &contents, &length, error))
    return NULL;
  bytes = (const guint8 *) contents;

  if (length < NPY_MAGIC_LEN + 2 || memcmp (bytes, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
    {
      set_bad_input (error, path, "it does not start with the .npy magic “\\x93NUMPY”");
      return NULL;
    }

  major = bytes[6];
  minor = bytes[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    {
      g_string_printf (why, "format version %u.%u is not one of 1.0, 2.0, 3.0", major, minor);
      set_bad_input (error, path, why->str);
      return NULL;
    }

  if (major == 1)
    {
      if (length < 10)
        {
          set_bad_input (error, path, "the file ends inside the header length");
          return NULL;
        }
      header_len = bytes[8] | ((gsize) bytes[9] << 8);
      prefix_len = 10;
    }
  else
    {
      if (length < 12)
        {
          set_bad_input (error, path, "the file ends inside the header length");
          return NULL;
        }
      header_len = bytes[8] | ((gsize) bytes[9] << 8) | ((gsize) bytes[10] << 16)
                   | ((gsize) bytes[11] << 24);
      prefix_len = 12;
    }

  if (header_len > length - prefix_len)
    {
      set_bad_input (error, path, "the file ends inside the header");
      return NULL;
    }

  /* Versions 1.0 and 2.0 are latin-1, 3.0 is UTF-8; a valid header is
   * ASCII in any case, and the parser rejects every other byte. */
  cursor.p = contents + prefix_len;
  cursor.end = cursor.p + header_len;
  cursor.why = why;
  if (memchr (cursor.p, '\0', header_len) != NULL)
    {
      set_bad_input (error, path, "the header contains a NUL byte");
      return NULL;
    }
  if (!parse_header_dict (&cursor, &header))
    {
      set_bad_input (error, path, why->str);
      return NULL;
    }

  if (!parse_dtype (header.descr, &dtype, why))
    {
      set_bad_input (error, path, why->str);
      return NULL;
    }
  if (header.fortran_order)
    {
      set_bad_input (error, path, "the array is in Fortran (column-major) order; save it with "
                                  "numpy.ascontiguousarray first");
      return NULL;
    }
  if (header.ndim == 0)
    {
      set_bad_input (error, path, "it holds a 0-d array (a scalar), not a tensor");
      return NULL;
    }

  for (int i = 0; i < header.ndim; i++)
    if (!g_uint64_checked_mul (&numel, numel, (guint64) header.dims[i]))
      {
        set_bad_input (error, path, "the shape has more elements than can be addressed");
        return NULL;
      }
  if (!g_uint64_checked_mul (&data_bytes, numel, dtype.item_size))
    {
      set_bad_input (error, path, "the shape has more bytes than can be addressed");
      return NULL;
    }

  shape.ndim = header.ndim;
  memcpy (shape.dims, header.dims, sizeof header.dims);
  if (data_bytes > length - prefix_len - header_len)
    {
      g_autofree char *shape_text = lsc_shape_to_string (&shape);

      g_string_printf (why, "the data is truncated: shape %s of '%s' needs %" G_GUINT64_FORMAT
                            " bytes, the file has %" G_GSIZE_FORMAT " after the header",
                       shape_text, header.descr, data_bytes, length - prefix_len - header_len);
      set_bad_input (error, path, why->str);
      return NULL;
    }

  tensor = lsc_tensor_new (&shape);

  bytes += prefix_len + header_len;
  for (guint64 i = 0; i < numel; i++)
    tensor->data[i] = convert_element (bytes + i * dtype.item_size, &dtype);

  return tensor;
}

gboolean
lsc_npy_write (const char       *path,
               const LscTensor  *tensor,
               GError          **error)
{
  g_autoptr(GString) header = NULL;
  g_autofree guint8 *file = NULL;
  GError *local_error = NULL;
  gsize header_len;
  gsize padding;
  gsize prefix_len = NPY_MAGIC_LEN + 2 + 2;
  gsize data_bytes;
  gsize file_len;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (tensor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (tensor->shape.ndim == 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "Cannot write “%s”: 0-d tensors are not written as .npy", path);
      return FALSE;
    }

  /* The header numpy.save writes for a C-order float32 array, byte for
   * byte: the dict's repr, then spaces and '\n' so that the data starts at
   * a multiple of 64 bytes. (numpy ≥ 1.23 puts up to 20 spaces of room for
   * the first axis to grow before that padding; for any array of at most
   * 8 dimensions that numpy can hold, the header still fits the same
   * multiple of 64, so the bytes are the same.) */
  header = g_string_new ("{'descr': '<f4', 'fortran_order': False, 'shape': (");
  for (int i = 0; i < tensor->shape.ndim; i++)
    {
      if (i > 0)
        g_string_append (header, ", ");
      g_string_append_printf (header, "%" G_GINT64_FORMAT, (gint64) tensor->shape.dims[i]);
    }
  if (tensor->shape.ndim == 1)
    g_string_append_c (header, ',');
  g_string_append (header, "), }");

  /* numpy: padlen = 64 - ((magic + length field + len (header) + 1) % 64) */
  padding = NPY_ALIGN - ((prefix_len + header->len + 1) % NPY_ALIGN);
  for (gsize i = 0; i < padding; i++)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  header_len = header->len;
  g_assert ((prefix_len + header_len) % NPY_ALIGN == 0);

  if (header_len > G_MAXUINT16)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "Cannot write “%s”: the .npy header would be too long", path);
      return FALSE;
    }

  data_bytes = (gsize) lsc_tensor_numel (tensor) * sizeof (float);
  file_len = prefix_len + header_len + data_bytes;
  file = g_malloc (file_len);

  memcpy (file, NPY_MAGIC, NPY_MAGIC_LEN);
  file[6] = 1;
  file[7] = 0;
  file[8] = header_len & 0xff;
  file[9] = (header_len >> 8) & 0xff;
  memcpy (file + prefix_len, header->str, header_len);

  for (int64_t i = 0; i < lsc_tensor_numel (tensor); i++)
    {
      guint32 bits;
      guint8 *out = file + prefix_len + header_len + i * sizeof (float);

      memcpy (&bits, &tensor->data[i], sizeof bits);
      out[0] = bits & 0xff;
      out[1] = (bits >> 8) & 0xff;
      out[2] = (bits >> 16) & 0xff;
      out[3] = (bits >> 24) & 0xff;
    }

  if (!g_file_set_contents (path, (const char *) file, file_len, &local_error))
    {
      lsc_io_propagate_file_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}
