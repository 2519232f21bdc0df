#include "lsc-error.h"

G_DEFINE_QUARK (lsc-engine-error-quark, lsc_engine_error)
