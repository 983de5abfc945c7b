#ifndef SELFASSEMBLE_COPENBLAS_SHIM_H
#define SELFASSEMBLE_COPENBLAS_SHIM_H

/* OpenBLAS: CBLAS for the batched products, plus the one LAPACK routine the engine
   needs (the symmetric eigensolver behind the spectrum of H_l). Debian's libopenblas
   carries LAPACK, but its dev package ships no lapack.h, so the prototype is here. */
#include <cblas.h>

void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork,
             int *info);

#endif
