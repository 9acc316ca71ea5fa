/* Image source for gn_host_stream_runner: stdio; the arguments come from main's argv. */
#include <stdio.h>
#include <string.h>

#include "gn_image_source.h"

static FILE *gn_file;
static char gn_arguments[GN_IMAGE_SOURCE_ARGS_CAPACITY];
static int gn_arguments_ok;

/* Joined with single spaces, as the semihosting command line is. */
void gn_image_source_set_argv(int argc, char **argv)
{
    size_t used = 0u;
    int i;
    gn_arguments_ok = 1;
    gn_arguments[0] = '\0';
    for (i = 0; i < argc; ++i) {
        size_t length = strlen(argv[i]);
        if (used + length + 2u > sizeof gn_arguments) {
            gn_arguments_ok = 0;
            return;
        }
        if (i > 0) {
            gn_arguments[used++] = ' ';
        }
        memcpy(gn_arguments + used, argv[i], length + 1u);
        used += length;
    }
}

int gn_image_source_arguments(char *buffer, uint32_t capacity)
{
    if (!gn_arguments_ok || strlen(gn_arguments) + 1u > capacity) {
        return 1;
    }
    memcpy(buffer, gn_arguments, strlen(gn_arguments) + 1u);
    return 0;
}

int32_t gn_image_source_open(const char *path)
{
    long size;
    gn_file = fopen(path, "rb");
    if (gn_file == NULL) {
        return -1;
    }
    if (fseek(gn_file, 0L, SEEK_END) != 0 || (size = ftell(gn_file)) < 0L || size > 0x7FFFFFFFL) {
        gn_image_source_close();
        return -1;
    }
    return (int32_t)size;
}

int gn_image_source_read(uint32_t offset, uint8_t *buffer, uint32_t bytes)
{
    if (gn_file == NULL || fseek(gn_file, (long)offset, SEEK_SET) != 0) {
        return 1;
    }
    return fread(buffer, 1u, bytes, gn_file) == bytes ? 0 : 1;
}

void gn_image_source_close(void)
{
    if (gn_file != NULL) {
        fclose(gn_file);
        gn_file = NULL;
    }
}
