// tests/e2e/power_cut/power_cut.c: an LD_PRELOAD shim for the power-loss drill
// (tests/e2e/venue_drills_test.sh). A power cut loses what the page cache held and keeps what was
// forced to disk; a SIGKILL alone loses nothing (the kernel still writes the cache back), so the
// drill cuts the journal back itself. This shim tells it where: after every successful fdatasync
// or fsync of the file named by POWER_CUT_TRACK (an absolute, resolved path), it records that
// file's size in "<POWER_CUT_TRACK>.synced". It wraps the real calls (dlsym RTLD_NEXT) and changes
// nothing the program sees.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void record_synced_size(int fd) {
    const char* want = getenv("POWER_CUT_TRACK");
    if (want == NULL) return;
    char link[64];
    char path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0) return;
    path[n] = '\0';
    if (strcmp(path, want) != 0) return;
    struct stat st;
    if (fstat(fd, &st) != 0) return;
    char out_path[4200];
    snprintf(out_path, sizeof out_path, "%s.synced", want);
    // One small write of a fixed-width number: a SIGKILL cannot leave half of it.
    char text[32];
    const int len = snprintf(text, sizeof text, "%020lld\n", (long long)st.st_size);
    const int out = open(out_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (out < 0) return;
    if (pwrite(out, text, (size_t)len, 0) != len) perror("power_cut: pwrite");
    close(out);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    const int r = real(fd);
    if (r == 0) record_synced_size(fd);
    return r;
}

int fsync(int fd) {
    static int (*real)(int);
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    const int r = real(fd);
    if (r == 0) record_synced_size(fd);
    return r;
}
