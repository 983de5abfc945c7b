/* A damaged HDF5 file can crash or hang the HDF5 C library itself (1.10.8 dereferences a
   corrupt B-tree or heap address, or loops forever in its global heap), which no error check
   in the store can catch: the crash takes the whole command down. So the store first walks a
   file it is about to read in a child process, touching its structure the way the readers
   will; the readers run only when the child came back.

   The child is plain C and HDF5 (no Swift runtime: it is forked from a process that may have
   other threads, so it must not need any lock those threads could hold; glibc keeps malloc
   usable after fork). It never frees what it reads: it exits right after the walk. */
#include "hdf5_screen.h"

#include <fcntl.h>
#include <hdf5.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long small_dataset_limit;

/* Whether `size` values of `count` each fit the limit of what the walk reads whole. */
static int small(long long count, size_t size) {
    return count > 0 && size > 0 && count <= small_dataset_limit / (long long)size;
}

/* Reads an attribute's value with its own type, as the readers do (variable-length strings
   go through the global heap, where corrupt files make HDF5 loop or crash). */
static void screen_attribute(hid_t object, const char *name) {
    hid_t attribute = H5Aopen(object, name, H5P_DEFAULT);
    if (attribute < 0) return;
    hid_t type = H5Aget_type(attribute);
    hid_t space = H5Aget_space(attribute);
    if (type >= 0 && space >= 0) {
        H5Tis_variable_str(type);
        H5Tget_class(type);
        size_t size = H5Tget_size(type);
        if (small(H5Sget_simple_extent_npoints(space), size)) {
            void *buffer = calloc((size_t)H5Sget_simple_extent_npoints(space), size);
            if (buffer != NULL) H5Aread(attribute, type, buffer);
        }
    }
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    H5Aclose(attribute);
}

/* Every attribute, listed by position and opened by name as the readers do; the list stops
   at the first position HDF5 cannot name (the readers' list does too). */
static void screen_attributes(hid_t object) {
    /* Asking for a name that is not there goes through every attribute message, as the
       readers' questions about optional attributes do. */
    H5Aexists(object, "selfassemble-screen-absent");
    for (hsize_t index = 0; index < 10000; index++) {
        char name[1024];
        ssize_t length = H5Aget_name_by_idx(object, ".", H5_INDEX_NAME, H5_ITER_INC, index, NULL, 0, H5P_DEFAULT);
        if (length < 0) break;
        if ((size_t)length >= sizeof name) continue;
        if (H5Aget_name_by_idx(object, ".", H5_INDEX_NAME, H5_ITER_INC, index, name, (size_t)length + 1, H5P_DEFAULT) < 0) break;
        screen_attribute(object, name);
    }
}

/* Type, shape, storage, the whole chunk index (counting the chunks visits every node), and
   the values when the dataset is small. */
static void screen_dataset(hid_t dataset) {
    hid_t type = H5Dget_type(dataset);
    hid_t space = H5Dget_space(dataset);
    hid_t plist = H5Dget_create_plist(dataset);
    if (space >= 0) {
        hsize_t current[H5S_MAX_RANK], maximum[H5S_MAX_RANK];
        int rank = H5Sget_simple_extent_ndims(space);
        if (rank >= 0 && rank <= H5S_MAX_RANK) H5Sget_simple_extent_dims(space, current, maximum);
    }
    if (plist >= 0 && space >= 0 && H5Pget_layout(plist) == H5D_CHUNKED) {
        hsize_t chunk[H5S_MAX_RANK];
        H5Pget_chunk(plist, H5S_MAX_RANK, chunk);
        H5Pget_nfilters(plist);
        hsize_t chunks = 0;
        if (H5Dget_num_chunks(dataset, space, &chunks) >= 0 && chunks > 0) {
            hsize_t offset[H5S_MAX_RANK];
            unsigned mask = 0;
            haddr_t address = 0;
            hsize_t size = 0;
            H5Dget_chunk_info(dataset, space, 0, offset, &mask, &address, &size);
            H5Dget_chunk_info(dataset, space, chunks - 1, offset, &mask, &address, &size);
        }
    }
    if (type >= 0 && space >= 0) {
        H5Tget_class(type);
        size_t size = H5Tget_size(type);
        if (small(H5Sget_simple_extent_npoints(space), size)) {
            void *buffer = calloc((size_t)H5Sget_simple_extent_npoints(space), size);
            if (buffer != NULL) H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
        }
    }
    if (plist >= 0) H5Pclose(plist);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
}

static void screen_object(hid_t object, int depth);

/* A group's links, listed by position in creation order and by name (as the readers list
   them), each looked up and opened by name (as the readers open them). Each object is walked
   once per list, so that a damaged list does not hide it; the run layout is three levels
   deep, so the walk goes no deeper than eight. */
static void screen_group(hid_t group, int depth) {
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0 || depth > 8) return;
    H5Lexists(group, "selfassemble-screen-absent", H5P_DEFAULT); /* a lookup that misses, as for optional links */
    H5_index_t indexes[] = {H5_INDEX_CRT_ORDER, H5_INDEX_NAME};
    for (int i = 0; i < 2; i++) {
        for (hsize_t position = 0; position < info.nlinks && position < 100000; position++) {
            /* Length first, then the name, as the readers ask. */
            char name[1024];
            ssize_t length = H5Lget_name_by_idx(group, ".", indexes[i], H5_ITER_INC, position, NULL, 0, H5P_DEFAULT);
            if (length < 0 || (size_t)length >= sizeof name) continue;
            if (H5Lget_name_by_idx(group, ".", indexes[i], H5_ITER_INC, position, name, (size_t)length + 1, H5P_DEFAULT) < 0) continue;
            if (H5Lexists(group, name, H5P_DEFAULT) <= 0) continue;
            H5L_info_t link;
            if (H5Lget_info(group, name, &link, H5P_DEFAULT) < 0 || link.type != H5L_TYPE_HARD) continue;
            hid_t object = H5Oopen(group, name, H5P_DEFAULT);
            if (object < 0) continue;
            screen_object(object, depth + 1); /* by both lists: one of them may be what is damaged */
            H5Oclose(object);
        }
    }
}

static void screen_object(hid_t object, int depth) {
    screen_attributes(object);
    switch (H5Iget_type(object)) {
    case H5I_GROUP: screen_group(object, depth); break;
    case H5I_DATASET: screen_dataset(object); break;
    default: break;
    }
}

static void walk(const char *path) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0) return;
    hid_t access = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_file_locking(access, 0, 1);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, access);
    if (file < 0) return;
    /* The root through the file's id, as the readers reach it (opening "/" as a group can
       fail on a file whose links still work). */
    screen_attributes(file);
    screen_group(file, 0);
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int sa_hdf5_screen(const char *path, double time_limit_seconds, long long small_dataset_bytes) {
    small_dataset_limit = small_dataset_bytes;
    pid_t child = fork();
    if (child < 0) return SA_SCREEN_NOT_RUN;
    if (child == 0) {
        /* Die of a crash quietly: no crash report (the parent reports the file) and no
           handler that turns the signal into an ordinary exit. */
        int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
        for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) signal(fatal[i], SIG_DFL);
        int quiet = open("/dev/null", O_WRONLY);
        if (quiet >= 0) dup2(quiet, STDERR_FILENO); /* glibc's "free(): invalid pointer" and the like */
#ifdef M_PERTURB
        /* Fill new and freed memory with a pattern: HDF5 frees pointers it never set in some
           corrupt structures, which crashes or not depending on what the memory held before;
           with the pattern it always crashes here, in the child. */
        mallopt(M_PERTURB, 0xA5);
#endif
        walk(path);
        _exit(0);
    }
    double deadline = now_seconds() + time_limit_seconds;
    struct timespec pause = {0, 1000000}; /* 1 ms */
    for (;;) {
        int status = 0;
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child) {
            if (WIFSIGNALED(status)) return WTERMSIG(status);
            /* Any other exit than the walk's own (e.g. a sanitizer's report) is a crash too. */
            return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? SA_SCREEN_FINISHED : SIGABRT;
        }
        if (done < 0) return SA_SCREEN_NOT_RUN;
        if (now_seconds() > deadline) {
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            return SA_SCREEN_TIMED_OUT;
        }
        nanosleep(&pause, NULL);
        if (pause.tv_nsec < 16000000) pause.tv_nsec *= 2; /* poll less often as the walk goes on */
    }
}
