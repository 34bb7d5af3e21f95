/* A temporary folder for tests that write files (define _DEFAULT_SOURCE before any include). */
#ifndef BV_TEST_TEMP_DIR_H
#define BV_TEST_TEMP_DIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char temp_dir[256]; /* empty when it could not be made */

static void make_temp_dir(const char *prefix)
{
    const char *base = getenv("TMPDIR");
    snprintf(temp_dir, sizeof temp_dir, "%s/%s_XXXXXX", base && base[0] ? base : "/tmp", prefix);
    if (!mkdtemp(temp_dir)) temp_dir[0] = '\0';
}

/* Files in temp_dir whose name contains `needle`. */
static int count_files(const char *needle)
{
    DIR *d = opendir(temp_dir);
    if (!d) return -1;
    int count = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && strstr(e->d_name, needle)) count++;
    closedir(d);
    return count;
}

static void remove_temp_dir(void)
{
    DIR *d = opendir(temp_dir);
    if (!d) return;
    const struct dirent *e;
    char path[600];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(path, sizeof path, "%s/%s", temp_dir, e->d_name);
        if (remove(path) != 0) rmdir(path); /* a directory made by a test */
    }
    closedir(d);
    rmdir(temp_dir);
}

#endif
