#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The instruction sets Layerscope has kernels for, lowest first: a cap is
 * "this one or any below". */
typedef enum
{
  LSC_ISA_SCALAR,   /* plain C, no vector instructions asked for */
  LSC_ISA_SSE4,     /* SSE4.1, 128-bit */
  LSC_ISA_AVX2,     /* AVX2 + FMA, 256-bit */
  LSC_ISA_AVX512,   /* AVX-512F, 512-bit */
  LSC_ISA_COUNT
} LscIsa;

/* "scalar", "sse4", "avx2", "avx512". */
const char *lsc_isa_to_string   (LscIsa       isa);
gboolean    lsc_isa_from_string (const char  *name,
                                 LscIsa      *out,
                                 GError     **error);

/* The best set this CPU runs *and* this OS saves the registers of (cpuid,
 * then XGETBV for the YMM / ZMM state). Computed once. */
LscIsa      lsc_isa_detect      (void);
gboolean    lsc_isa_is_supported (LscIsa      isa);

/* The set a run uses: `requested` (a --isa value) if not NULL, else the
 * LSC_ISA environment variable if set, else the best supported. Asking for
 * a set this machine lacks is LSC_ENGINE_ERROR_BAD_CONFIG naming both. */
gboolean    lsc_isa_resolve     (const char  *requested,
                                 LscIsa      *out,
                                 GError     **error);

G_END_DECLS
