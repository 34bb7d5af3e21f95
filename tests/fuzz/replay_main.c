/* A main for the fuzz targets without libFuzzer: feeds each file named on the command line (or
 * every file in a directory named there) to LLVMFuzzerTestOneInput once. The sanitizer build runs
 * it on tests/fuzz/regressions/<target> and tests/fuzz/corpus/<target> as ctest tests, so inputs
 * that once crashed keep being replayed. A failed check aborts; otherwise it prints how many
 * inputs it replayed and exits 0. */
#define _DEFAULT_SOURCE /* DT_DIR */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    size_t capacity = 4096, size = 0, got;
    uint8_t *data = malloc(capacity);
    while (data && (got = fread(data + size, 1, capacity - size, f)) > 0) {
        size += got;
        if (size == capacity) {
            uint8_t *grown = realloc(data, capacity *= 2);
            if (!grown) free(data);
            data = grown;
        }
    }
    fclose(f);
    if (!data) {
        fprintf(stderr, "out of memory reading %s\n", path);
        return 1;
    }
    if (getenv("BAKEVIEW_REPLAY_VERBOSE")) fprintf(stderr, "replaying %s (%zu bytes)\n", path, size);
    /* an exact-size copy, so reads past the input are caught as libFuzzer would catch them */
    uint8_t *exact = malloc(size ? size : 1);
    if (!exact) {
        free(data);
        return 1;
    }
    if (size) memcpy(exact, data, size);
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in `path`, in name order (README files skipped); *r_count counts them. */
static int replay_directory(const char *path, int *r_count)
{
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    char **names = NULL;
    size_t count = 0, capacity = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.' || !strncmp(e->d_name, "README", 6)) continue;
        if (count == capacity) {
            char **grown = realloc(names, (capacity = capacity ? 2 * capacity : 64) * sizeof *names);
            if (!grown) break;
            names = grown;
        }
        const size_t length = strlen(path) + strlen(e->d_name) + 2;
        names[count] = malloc(length);
        if (!names[count]) break;
        snprintf(names[count], length, "%s/%s", path, e->d_name);
        count++;
    }
    closedir(dir);
    if (count) qsort(names, count, sizeof *names, compare_names);
    int failed = 0;
    for (size_t i = 0; i < count; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            failed |= replay_file(names[i]);
            (*r_count)++;
        }
        free(names[i]);
    }
    free(names);
    return failed;
}

int main(int argc, char **argv)
{
    int failed = 0, count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "no such file or directory: %s\n", argv[i]);
            failed = 1;
        } else if (S_ISDIR(st.st_mode)) {
            failed |= replay_directory(argv[i], &count);
        } else {
            failed |= replay_file(argv[i]);
            count++;
        }
    }
    printf("%s: replayed %d input%s\n", argv[0], count, count == 1 ? "" : "s");
    return failed;
}
