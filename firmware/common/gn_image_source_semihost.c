/* Image source over ARM semihosting (QEMU: -semihosting-config enable=on,target=native). */
#include "gn_image_source.h"
#include "semihosting.h"

/* Operation numbers, ARM "Semihosting for AArch32 and AArch64" v2. */
#define GN_SH_SYS_OPEN        0x01u
#define GN_SH_SYS_CLOSE       0x02u
#define GN_SH_SYS_READ        0x06u
#define GN_SH_SYS_SEEK        0x0Au
#define GN_SH_SYS_FLEN        0x0Cu
#define GN_SH_SYS_GET_CMDLINE 0x15u
/* SYS_OPEN mode 1 is fopen's "rb". */
#define GN_SH_OPEN_MODE_RB 1u

static uint32_t gn_handle;
static int gn_is_open;

int gn_image_source_arguments(char *buffer, uint32_t capacity)
{
    uint32_t block[2];
    block[0] = (uint32_t)(uintptr_t)buffer;
    block[1] = capacity;
    /* The host writes the text, NUL-terminated, and its length into block[1]; it fails
     * (nonzero) when the command line does not fit. */
    return gn_semihost_call(GN_SH_SYS_GET_CMDLINE, (uint32_t)(uintptr_t)block) == 0u ? 0 : 1;
}

int32_t gn_image_source_open(const char *path)
{
    uint32_t block[3];
    uint32_t length = 0u;
    uint32_t handle;
    uint32_t size;
    while (path[length] != '\0') {
        ++length;
    }
    block[0] = (uint32_t)(uintptr_t)path;
    block[1] = GN_SH_OPEN_MODE_RB;
    block[2] = length;
    handle = gn_semihost_call(GN_SH_SYS_OPEN, (uint32_t)(uintptr_t)block);
    if (handle == 0xFFFFFFFFu) {
        return -1;
    }
    gn_handle = handle;
    gn_is_open = 1;
    size = gn_semihost_call(GN_SH_SYS_FLEN, (uint32_t)(uintptr_t)&gn_handle);
    if (size > 0x7FFFFFFFu) { /* -1: length unknown */
        gn_image_source_close();
        return -1;
    }
    return (int32_t)size;
}

int gn_image_source_read(uint32_t offset, uint8_t *buffer, uint32_t bytes)
{
    uint32_t seek[2];
    uint32_t read[3];
    if (!gn_is_open) {
        return 1;
    }
    seek[0] = gn_handle;
    seek[1] = offset;
    if (gn_semihost_call(GN_SH_SYS_SEEK, (uint32_t)(uintptr_t)seek) != 0u) {
        return 1;
    }
    read[0] = gn_handle;
    read[1] = (uint32_t)(uintptr_t)buffer;
    read[2] = bytes;
    /* SYS_READ returns the number of bytes NOT read. */
    return gn_semihost_call(GN_SH_SYS_READ, (uint32_t)(uintptr_t)read) == 0u ? 0 : 1;
}

void gn_image_source_close(void)
{
    if (gn_is_open) {
        gn_semihost_call(GN_SH_SYS_CLOSE, (uint32_t)(uintptr_t)&gn_handle);
        gn_is_open = 0;
    }
}
