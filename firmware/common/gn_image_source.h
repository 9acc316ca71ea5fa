/**
 * @file gn_image_source.h
 * @brief Test images read one at a time from a host file, for batches too big to embed in flash.
 *
 * The file is raw: image after image, GN_MODEL_INPUT_BYTES bytes each, no header (an IDX file's
 * pixels after its 16-byte header, or any images the C# side wrote). Two implementations, chosen
 * by the build:
 *  - gn_image_source_semihost.c: firmware, SYS_OPEN / SYS_SEEK / SYS_READ / SYS_FLEN / SYS_CLOSE;
 *    the arguments come from SYS_GET_CMDLINE (QEMU: `-semihosting-config ...,arg=...`);
 *  - gn_image_source_host.c: gn_host_stream_runner, stdio and argv.
 *
 * Arguments (after the program name): `FILE [FIRST [COUNT]]`: run images FIRST .. FIRST+COUNT-1
 * (FIRST defaults to 0, COUNT to every image from FIRST to the end of the file).
 */
#ifndef GN_IMAGE_SOURCE_H
#define GN_IMAGE_SOURCE_H

#include <stdint.h>

/** Exit status when the arguments or the image file cannot be used (GN-ERROR stream ... says why). */
#define GN_EXIT_STREAM_INPUT 4

/** Longest argument string the harness accepts (file name and numbers). */
#define GN_IMAGE_SOURCE_ARGS_CAPACITY 256u

/**
 * @brief The program's arguments as one string, words separated by spaces, program name first.
 * @param buffer receives the NUL-terminated text
 * @param capacity size of @p buffer
 * @return 0 on success, nonzero when the host gave none or they do not fit
 */
int gn_image_source_arguments(char *buffer, uint32_t capacity);

/**
 * @brief Open the image file for reading.
 * @param path file name, relative to the host process's working directory or absolute
 * @return the file's length in bytes, or -1 if it cannot be opened
 */
int32_t gn_image_source_open(const char *path);

/**
 * @brief Read @p bytes bytes starting at byte @p offset of the open file.
 * @return 0 when all bytes were read, nonzero otherwise
 */
int gn_image_source_read(uint32_t offset, uint8_t *buffer, uint32_t bytes);

/** @brief Close the file (harmless if none is open). */
void gn_image_source_close(void);

/** @brief Host build only: record main's arguments for gn_image_source_arguments. */
void gn_image_source_set_argv(int argc, char **argv);

#endif /* GN_IMAGE_SOURCE_H */
