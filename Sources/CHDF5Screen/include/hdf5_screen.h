#ifndef SELFASSEMBLE_HDF5_SCREEN_H
#define SELFASSEMBLE_HDF5_SCREEN_H

/* Screening an HDF5 file in a child process before the store reads it: see hdf5_screen.c. */

/* The walk finished (HDF5 may have reported errors: reporting them is the readers' job). */
#define SA_SCREEN_FINISHED 0
/* The walk did not finish within the time limit; the child was killed. */
#define SA_SCREEN_TIMED_OUT (-1)
/* No child process could be started (fork failed); nothing is known about the file. */
#define SA_SCREEN_NOT_RUN (-2)

/* Walks the file at `path` in a child process: every link, every object, every attribute
   value, every chunk index, and the values of every dataset of at most `small_dataset_bytes`.
   Returns SA_SCREEN_FINISHED, SA_SCREEN_TIMED_OUT, SA_SCREEN_NOT_RUN, or the number (> 0) of
   the signal that killed the child: the HDF5 library crashed on the file. */
int sa_hdf5_screen(const char *path, double time_limit_seconds, long long small_dataset_bytes);

#endif
