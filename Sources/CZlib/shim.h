#ifndef SELFASSEMBLE_CZLIB_SHIM_H
#define SELFASSEMBLE_CZLIB_SHIM_H
/* zlib, for reading gzipped MNIST-format IDX files. */
#include <zlib.h>
#endif
