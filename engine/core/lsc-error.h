#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LSC_ENGINE_ERROR (lsc_engine_error_quark ())

/* Every failure of loading, planning or running a model is one of these,
 * with a message that names the file, layer or value that is wrong. */
typedef enum
{
  LSC_ENGINE_ERROR_FAILED,
  LSC_ENGINE_ERROR_NOT_A_MODEL,        /* neither HDF5 nor a .keras zip */
  LSC_ENGINE_ERROR_HDF5,               /* the HDF5 library refused the file */
  LSC_ENGINE_ERROR_BAD_CONFIG,         /* model_config / config.json is malformed */
  LSC_ENGINE_ERROR_UNSUPPORTED_LAYER,  /* a layer class we cannot run */
  LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, /* a known layer with an option we cannot run */
  LSC_ENGINE_ERROR_MISSING_WEIGHTS,
  LSC_ENGINE_ERROR_BAD_WEIGHTS,        /* weight count or shape does not match the config */
  LSC_ENGINE_ERROR_BAD_SHAPE,          /* an input or intermediate shape does not fit */
  LSC_ENGINE_ERROR_BAD_INPUT,          /* a user-supplied tensor, image or file is wrong */
  LSC_ENGINE_ERROR_CANCELLED,
} LscEngineError;

GQuark lsc_engine_error_quark (void);

G_END_DECLS
