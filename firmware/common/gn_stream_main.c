/*
 * Streaming inference harness (gn_firmware_stream.elf, gn_host_stream_runner): the images come
 * from a host file (gn_image_source.h) one at a time, so one emulator run handles thousands of
 * images; main.c embeds them in flash instead. Same output protocol as main.c, plus a header line:
 *   GN-STREAM first <first> count <count>
 *   logits <i> <v0> <v1> ... <v9>      i = first .. first+count-1 (the image's index in the file)
 *   GN-STACK <bytes>                   (firmware only)
 *   GN-DONE <count>
 * Errors: `GN-ERROR stream <what>` and exit status GN_EXIT_STREAM_INPUT (bad arguments, a missing
 * file, a length that is not a whole number of images, a failed read);
 * `GN-ERROR infer <i> returned <rc>` and GN_EXIT_INFER_FAILED as in main.c.
 */
#include <stdint.h>

#include "gn_image_source.h"
#include "gn_markers.h"
#include "gn_model.h"
#include "gn_platform.h"

#define GN_STREAM_MAX_WORDS 4

/* Word array so the image is 4-byte aligned, as the embedded images are. */
static uint32_t gn_image_words[(GN_MODEL_INPUT_BYTES + 3) / 4];
static int32_t gn_logits[GN_MODEL_NUM_CLASSES];
static char gn_arguments[GN_IMAGE_SOURCE_ARGS_CAPACITY];

static int gn_stream_fail(const char *what, const char *detail)
{
    gn_out_str("GN-ERROR stream ");
    gn_out_str(what);
    gn_out_str(detail);
    gn_out_line_end();
    gn_image_source_close();
    return GN_EXIT_STREAM_INPUT;
}

/* Splits gn_arguments in place at spaces; returns the number of words (at most max). */
static uint32_t gn_split_words(char **words, uint32_t max)
{
    uint32_t n = 0u;
    char *p = gn_arguments;
    while (*p != '\0') {
        while (*p == ' ') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            break;
        }
        if (n == max) {
            return max + 1u;
        }
        words[n++] = p;
        while (*p != '\0' && *p != ' ') {
            ++p;
        }
    }
    return n;
}

/* Decimal without sign; 0 on success. Rejects empty text, other characters and values > 2^31-1. */
static int gn_parse_count(const char *text, uint32_t *value)
{
    uint32_t v = 0u;
    if (*text == '\0') {
        return 1;
    }
    for (; *text != '\0'; ++text) {
        if (*text < '0' || *text > '9' || v > (0x7FFFFFFFu - 9u) / 10u) {
            return 1;
        }
        v = v * 10u + (uint32_t)(*text - '0');
    }
    *value = v;
    return 0;
}

static int gn_stream_run(void)
{
    char *words[GN_STREAM_MAX_WORDS];
    uint32_t word_count;
    int32_t file_bytes;
    uint32_t total;
    uint32_t first = 0u;
    uint32_t count;
    uint32_t k;
    int status = GN_EXIT_OK;
    uint8_t *image = (uint8_t *)gn_image_words;

    if (gn_image_source_arguments(gn_arguments, sizeof gn_arguments) != 0) {
        return gn_stream_fail("no arguments from the host (or longer than 255 characters)", "");
    }
    word_count = gn_split_words(words, GN_STREAM_MAX_WORDS);
    if (word_count < 2u || word_count > 4u) {
        return gn_stream_fail("usage: PROGRAM FILE [FIRST [COUNT]]", "");
    }
    file_bytes = gn_image_source_open(words[1]);
    if (file_bytes < 0) {
        return gn_stream_fail("cannot open ", words[1]);
    }
    if ((uint32_t)file_bytes % (uint32_t)GN_MODEL_INPUT_BYTES != 0u) {
        return gn_stream_fail("file length is not a whole number of images: ", words[1]);
    }
    total = (uint32_t)file_bytes / (uint32_t)GN_MODEL_INPUT_BYTES;
    if (word_count >= 3u && (gn_parse_count(words[2], &first) != 0 || first > total)) {
        return gn_stream_fail("FIRST is not a number from 0 to the image count: ", words[2]);
    }
    count = total - first;
    if (word_count == 4u && (gn_parse_count(words[3], &count) != 0 || count > total - first)) {
        return gn_stream_fail("COUNT is not a number of images the file holds after FIRST: ", words[3]);
    }

    gn_out_str("GN-STREAM first ");
    gn_out_i32((int32_t)first);
    gn_out_str(" count ");
    gn_out_i32((int32_t)count);
    gn_out_line_end();
    for (k = 0u; k < count; ++k) {
        uint32_t index = first + k;
        int rc;
        int32_t j;
        if (gn_image_source_read(index * (uint32_t)GN_MODEL_INPUT_BYTES, image, (uint32_t)GN_MODEL_INPUT_BYTES) != 0) {
            return gn_stream_fail("read failed: ", words[1]);
        }
        for (j = 0; j < GN_MODEL_NUM_CLASSES; ++j) {
            gn_logits[j] = 0;
        }
        gn_marker_begin();
        rc = GN_MODEL_INFER(image, gn_logits);
        gn_marker_end();
        if (rc != 0) {
            gn_out_str("GN-ERROR infer ");
            gn_out_i32((int32_t)index);
            gn_out_str(" returned ");
            gn_out_i32((int32_t)rc);
            gn_out_line_end();
            status = GN_EXIT_INFER_FAILED;
        }
        gn_out_str("logits ");
        gn_out_i32((int32_t)index);
        for (j = 0; j < GN_MODEL_NUM_CLASSES; ++j) {
            gn_out_str(" ");
            gn_out_i32(gn_logits[j]);
        }
        gn_out_line_end();
    }
    gn_image_source_close();
    if (gn_stack_peak_bytes() >= 0) {
        gn_out_str("GN-STACK ");
        gn_out_i32(gn_stack_peak_bytes());
        gn_out_line_end();
    }
    gn_out_str("GN-DONE ");
    gn_out_i32((int32_t)count);
    gn_out_line_end();
    return status;
}

#if defined(__arm__)
int main(void)
{
    return gn_stream_run();
}
#else
int main(int argc, char **argv)
{
    gn_image_source_set_argv(argc, argv);
    return gn_stream_run();
}
#endif
