/* Reading PNG pages back (previews of a written sheet): stb_image, PNG only, compiled privately. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bakeview/apng.h>

#include "error.h"

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wcast-qual"
#include <stb_image.h>

bv_status bv_png_read_rgba8(const char *path, uint8_t **r_pixels, int *r_width, int *r_height)
{
    if (!path || !r_pixels || !r_width || !r_height)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: path or an output is NULL");
    *r_pixels = NULL;
    FILE *file = fopen(path, "rb");
    if (!file) return bv__fail(BV_ERROR_IO, "png: cannot open %s: %s", path, strerror(errno));
    int width = 0, height = 0, channels = 0;
    uint8_t *pixels = stbi_load_from_file(file, &width, &height, &channels, 4);
    fclose(file);
    if (!pixels) return bv__fail(BV_ERROR_IO, "png: cannot read %s: %s", path, stbi_failure_reason());
    *r_pixels = pixels, *r_width = width, *r_height = height;
    return BV_OK;
}

void bv_png_pixels_free(uint8_t *pixels)
{
    stbi_image_free(pixels);
}
