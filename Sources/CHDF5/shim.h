#ifndef SELFASSEMBLE_CHDF5_SHIM_H
#define SELFASSEMBLE_CHDF5_SHIM_H

/* HDF5's native type ids, property-list defaults and file-access flags are C macros
   (some expand to function calls that open the library first), which Swift cannot
   import. Each one is exposed here as a static inline function of the same meaning. */
#include <hdf5.h>

static inline hid_t sa_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t sa_H5S_ALL(void) { return H5S_ALL; }
static inline hid_t sa_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t sa_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t sa_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }

static inline hid_t sa_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t sa_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t sa_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t sa_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t sa_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t sa_H5T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t sa_H5T_C_S1(void) { return H5T_C_S1; }
static inline hid_t sa_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t sa_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t sa_H5T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t sa_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t sa_H5T_STD_U8LE(void) { return H5T_STD_U8LE; }
static inline hid_t sa_H5T_STD_U64LE(void) { return H5T_STD_U64LE; }

static inline unsigned sa_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned sa_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline unsigned sa_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned sa_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }

static inline hsize_t sa_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }

/* Silence HDF5's own error-stack printing: the store reports errors itself, one line each.
   The setting is per thread in a thread-safe HDF5 (Debian's is): call this on every thread
   that uses HDF5. It also turns HDF5's exit-time cleanup off: after a failed flush HDF5 1.10
   keeps the identifier of a file it has freed, and its cleanup at exit then crashes on it;
   the store closes every file itself. H5dont_atexit only works before HDF5's first use and
   fails harmlessly afterwards. */
static inline void sa_H5_silence_errors(void) { H5dont_atexit(); H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* Added for the run-file store (SelfAssembleStore). */
static inline hid_t sa_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline hid_t sa_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t sa_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t sa_H5T_NATIVE_CHAR(void) { return H5T_NATIVE_CHAR; }
/* H5T_VARIABLE is the size of a variable-length string type: ((size_t)-1). */
static inline size_t sa_H5T_VARIABLE(void) { return H5T_VARIABLE; }
static inline unsigned sa_H5P_CRT_ORDER_TRACKED(void) { return H5P_CRT_ORDER_TRACKED; }
static inline unsigned sa_H5P_CRT_ORDER_INDEXED(void) { return H5P_CRT_ORDER_INDEXED; }
static inline int sa_H5Z_FILTER_DEFLATE(void) { return H5Z_FILTER_DEFLATE; }
static inline int sa_H5Z_FILTER_SHUFFLE(void) { return H5Z_FILTER_SHUFFLE; }

#endif
