/*
 * failalloc: an LD_PRELOAD shim that makes one allocation fail, for the
 * out-of-memory sweep (tests/oom_sweep.py). It counts the calls to malloc,
 * calloc, realloc, reallocarray, posix_memalign, aligned_alloc, memalign,
 * valloc and pvalloc made from main() on (strdup, asprintf, getline and the
 * like allocate through these), and makes the Nth one return NULL with
 * errno ENOMEM; the others go to glibc.
 *
 *   GD_FAIL_AT=N        fail the Nth allocation (1-based); 0 or unset: none
 *   GD_ALLOC_COUNT=PATH at exit, write the number of allocations to PATH
 *   GD_FAIL_TRACE=1     print a backtrace of the failing call to stderr
 *                       (for finding it; the sweep never sets this)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static int armed;
static unsigned long count, fail_at;

static int fail_now(void)
{
    if (!armed)
        return 0;
    count++;
    if (count == fail_at) {
        const char *trace = getenv("GD_FAIL_TRACE");
        if (trace && *trace == '1') {
            void *frames[24];
            armed = 0; /* backtrace() may allocate */
            backtrace_symbols_fd(frames, backtrace(frames, 24), 2);
            armed = 1;
        }
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t n)
{
    return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t s)
{
    return fail_now() ? NULL : __libc_calloc(n, s);
}

void *realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __libc_realloc(p, n);
}

void *reallocarray(void *p, size_t n, size_t s)
{
    if (s && n > (size_t)-1 / s) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, n * s);
}

void *memalign(size_t a, size_t n)
{
    return fail_now() ? NULL : __libc_memalign(a, n);
}

void *aligned_alloc(size_t a, size_t n)
{
    return memalign(a, n);
}

int posix_memalign(void **out, size_t a, size_t n)
{
    void *p = memalign(a, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t n)
{
    return memalign((size_t)sysconf(_SC_PAGESIZE), n);
}

void *pvalloc(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return memalign(page, (n + page - 1) / page * page);
}

static void report(void)
{
    const char *path = getenv("GD_ALLOC_COUNT");
    char buf[32];
    int fd, len;

    armed = 0;
    if (!path || !*path)
        return;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return;
    len = snprintf(buf, sizeof(buf), "%lu\n", count);
    if (write(fd, buf, (size_t)len) < 0)
        len = 0;
    close(fd);
}

/* Count from main() on: what the loader and the libraries' constructors
 * allocate is outside the program's control. */
static int (*real_main)(int, char **, char **);

static int counted_main(int argc, char **argv, char **envp)
{
    const char *at = getenv("GD_FAIL_AT");
    fail_at = at ? strtoul(at, NULL, 10) : 0;
    atexit(report);
    armed = 1;
    return real_main(argc, argv, envp);
}

int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                      void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                      void *stack_end)
{
    int (*next)(int (*)(int, char **, char **), int, char **, void (*)(void), void (*)(void),
                void (*)(void), void *) = dlsym(RTLD_NEXT, "__libc_start_main");
    real_main = main;
    return next(counted_main, argc, argv, init, fini, rtld_fini, stack_end);
}
