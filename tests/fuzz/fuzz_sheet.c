/* Fuzz target: bv_trim_bounds, bv_rect_hash, bv_rect_pixels_equal, bv_blit.
 *
 * Images of up to 12 x 12 pixels with 0..5 channels (1..4 valid), pixel counts sometimes wrong,
 * values in [0, 1] or wild (NaN, infinities, raw bits); rectangles and positions usually near the
 * image, sometimes any int; blits whose source and page share one buffer, overlapping or not.
 *
 * Checked against small reference implementations: the trim bounds exactly (and {0,0,0,0} on
 * failure); a rectangle copied elsewhere hashes the same and compares equal; bv_rect_pixels_equal
 * against memcmp; every page pixel a blit writes (extrusion included) against the documented
 * mapping, and nothing written outside the copy, nor anything at all when it fails. */
#include <bakeview/bakeview.h>

#include "fuzz_common.h"

typedef struct image {
    float *pixels;
    size_t count; /* what the caller claims */
    int width, height, channels;
} image;

static void make_image(fz_reader *in, image *im, int channels)
{
    im->width = fz_int(in, 1, 12);
    im->height = fz_int(in, 1, 12);
    im->channels = channels;
    const bool sane = im->width >= 1 && im->width <= 12 && im->height >= 1 && im->height <= 12 &&
                      channels >= 1 && channels <= 4;
    size_t count = sane ? (size_t)im->width * (size_t)im->height * (size_t)channels : 3;
    const uint8_t mode = fz_u8(in);
    if (mode >= 250) count = mode & 1 ? count + 1 : count - 1;
    im->pixels = fz_alloc(count * sizeof(float));
    const bool opaque_mostly = mode & 2;
    for (size_t i = 0; i < count; i++)
        im->pixels[i] = opaque_mostly && (fz_u8(in) & 3) ? 0.0f : fz_unit(in);
    im->count = count;
}

static bool image_valid(const image *im)
{
    return im->channels >= 1 && im->channels <= 4 && im->width >= 1 && im->height >= 1 &&
           im->width <= 12 && im->height <= 12 &&
           im->count == (size_t)im->width * (size_t)im->height * (size_t)im->channels;
}

/* The first float of pixel (x, y), y down. */
static size_t at(const image *im, int x, int y)
{
    return ((size_t)(im->height - 1 - y) * (size_t)im->width + (size_t)x) * (size_t)im->channels;
}

static bv_rect make_rect(fz_reader *in)
{
    bv_rect r;
    r.x = fz_int(in, -1, 12);
    r.y = fz_int(in, -1, 12);
    r.width = fz_int(in, -1, 13);
    r.height = fz_int(in, -1, 13);
    return r;
}

static bool inside(bv_rect r, int width, int height)
{
    return r.width >= 0 && r.height >= 0 && r.x >= 0 && r.y >= 0 && (int64_t)r.x + r.width <= width &&
           (int64_t)r.y + r.height <= height;
}

static void fuzz_trim(fz_reader *in, const image *im)
{
    const float threshold = fz_unit(in);
    bv_rect bounds = {7, 7, 7, 7};
    const bool null_out = (fz_u8(in) & 31) == 31;
    const bv_status status = bv_trim_bounds((bv_floats){im->pixels, im->count}, im->width, im->height,
                                            im->channels, threshold, null_out ? NULL : &bounds);
    fz_trace("bv_trim_bounds", (int)status);
    const bool valid = image_valid(im) && !isnan(threshold) && !null_out;
    FZ_CHECK((status == BV_OK) == valid, "trim returned %d for a %s call", (int)status,
             valid ? "valid" : "invalid");
    if (null_out) return;
    if (status != BV_OK) {
        FZ_CHECK(bounds.x == 0 && bounds.y == 0 && bounds.width == 0 && bounds.height == 0,
                 "failed trim left bounds {%d, %d, %d, %d}", bounds.x, bounds.y, bounds.width, bounds.height);
        return;
    }
    bv_rect expected = {0, 0, im->width, im->height};
    if (im->channels == 2 || im->channels == 4) {
        int x0 = im->width, x1 = -1, y0 = im->height, y1 = -1;
        for (int y = 0; y < im->height; y++)
            for (int x = 0; x < im->width; x++) {
                float a = im->pixels[at(im, x, y) + (size_t)im->channels - 1];
                if (isnan(a)) a = 0.0f;
                if (!(a > threshold)) continue;
                x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
            }
        expected = x1 < 0 ? (bv_rect){0, 0, 0, 0} : (bv_rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    }
    FZ_CHECK(memcmp(&bounds, &expected, sizeof bounds) == 0,
             "trim of %d x %d x %d at %g gave {%d, %d, %d, %d}, expected {%d, %d, %d, %d}", im->width,
             im->height, im->channels, (double)threshold, bounds.x, bounds.y, bounds.width, bounds.height,
             expected.x, expected.y, expected.width, expected.height);
}

/* The images as the caller describes them to bv_rect_pixels_equal: `channels` for both. */
static bool reference_equal(const image *a, bv_rect ar, const image *b, bv_rect br, int channels)
{
    const image as_a = {a->pixels, a->count, a->width, a->height, channels};
    const image as_b = {b->pixels, b->count, b->width, b->height, channels};
    if (!image_valid(&as_a) || !image_valid(&as_b)) return false;
    if (!inside(ar, a->width, a->height) || !inside(br, b->width, b->height)) return false;
    if (ar.width != br.width || ar.height != br.height) return false;
    for (int y = 0; y < ar.height; y++)
        if (memcmp(a->pixels + at(&as_a, ar.x, ar.y + y), b->pixels + at(&as_b, br.x, br.y + y),
                   (size_t)ar.width * (size_t)channels * sizeof(float)) != 0)
            return false;
    return true;
}

static void fuzz_hash_and_equal(fz_reader *in, const image *im, const image *other)
{
    const bv_rect rect = make_rect(in);
    uint64_t hash = 0;
    const bool null_out = (fz_u8(in) & 31) == 31;
    const bv_status status = bv_rect_hash((bv_floats){im->pixels, im->count}, im->width, im->height,
                                          im->channels, rect, null_out ? NULL : &hash);
    fz_trace("bv_rect_hash", (int)status);
    const bool valid = image_valid(im) && inside(rect, im->width, im->height) && !null_out;
    FZ_CHECK((status == BV_OK) == valid, "hash returned %d for a %s call", (int)status,
             valid ? "valid" : "invalid");

    /* the other image against this one, anywhere */
    const bv_rect other_rect = make_rect(in);
    const int channels = fz_bool(in) ? im->channels : fz_int(in, 0, 5);
    const bool equal = bv_rect_pixels_equal((bv_floats){im->pixels, im->count}, im->width, im->height,
                                            rect, (bv_floats){other->pixels, other->count}, other->width,
                                            other->height, other_rect, channels);
    FZ_CHECK(equal == reference_equal(im, rect, other, other_rect, channels),
             "bv_rect_pixels_equal says %d for %d x %d x %d (%zu floats) {%d, %d, %d, %d} and "
             "%d x %d x %d (%zu floats) {%d, %d, %d, %d} with channels %d",
             (int)equal, im->width, im->height, im->channels, im->count, rect.x, rect.y, rect.width,
             rect.height, other->width, other->height, other->channels, other->count, other_rect.x,
             other_rect.y, other_rect.width, other_rect.height, channels);
    if (status != BV_OK) return;

    /* the same pixels copied into a larger image at an offset hash and compare the same */
    const int dx = fz_range(in, 0, 3), dy = fz_range(in, 0, 3);
    image copy = {0};
    copy.width = rect.width + dx + fz_range(in, 0, 2);
    copy.height = rect.height + dy + fz_range(in, 0, 2);
    copy.channels = im->channels;
    if (copy.width < 1) copy.width = 1;
    if (copy.height < 1) copy.height = 1;
    copy.count = (size_t)copy.width * (size_t)copy.height * (size_t)copy.channels;
    copy.pixels = fz_alloc(copy.count * sizeof(float));
    for (size_t i = 0; i < copy.count; i++) copy.pixels[i] = (float)i;
    for (int y = 0; y < rect.height; y++)
        memcpy(copy.pixels + at(&copy, dx, dy + y), im->pixels + at(im, rect.x, rect.y + y),
               (size_t)rect.width * (size_t)im->channels * sizeof(float));
    const bv_rect moved = {dx, dy, rect.width, rect.height};
    uint64_t moved_hash = 1;
    FZ_CHECK(bv_rect_hash((bv_floats){copy.pixels, copy.count}, copy.width, copy.height, copy.channels,
                          moved, &moved_hash) == BV_OK,
             "hash of the copy failed: %s", bv_error_message());
    FZ_CHECK(moved_hash == hash, "the same pixels hash differently");
    FZ_CHECK(bv_rect_pixels_equal((bv_floats){im->pixels, im->count}, im->width, im->height, rect,
                                  (bv_floats){copy.pixels, copy.count}, copy.width, copy.height, moved,
                                  im->channels),
             "the same pixels compare unequal");
    free(copy.pixels);
}

static void fuzz_blit(fz_reader *in, int channels)
{
    image source = {0};
    make_image(in, &source, channels);
    const int page_width = fz_int(in, 1, 16), page_height = fz_int(in, 1, 16);
    const bool page_sane = page_width >= 1 && page_width <= 16 && page_height >= 1 && page_height <= 16 &&
                           channels >= 1 && channels <= 4;
    size_t page_count = page_sane ? (size_t)page_width * (size_t)page_height * (size_t)channels : 5;
    if (fz_u8(in) >= 250) page_count++;
    /* the page in its own buffer, or in one with the source: just after it, or overlapping it */
    const uint8_t sharing = fz_u8(in) % 16;
    float *shared = NULL, *page;
    if (sharing >= 14) {
        const size_t back = sharing == 14 ? 0 : 1 + fz_u8(in) % (source.count ? source.count : 1);
        const size_t start = source.count > back ? source.count - back : 0;
        const size_t total = start + page_count > source.count ? start + page_count : source.count;
        shared = fz_alloc(total * sizeof(float));
        memcpy(shared, source.pixels, source.count * sizeof(float));
        free(source.pixels);
        source.pixels = shared;
        page = shared + start;
    } else {
        page = fz_alloc(page_count * sizeof(float));
    }
    for (size_t i = 0; i < page_count; i++) page[i] = -1.0f - (float)i;
    float *before = fz_alloc(page_count * sizeof(float));
    memcpy(before, page, page_count * sizeof(float));
    /* the source as it was (the page may share its memory) */
    float *source_before = fz_alloc(source.count * sizeof(float));
    memcpy(source_before, source.pixels, source.count * sizeof(float));

    bv_blit_desc d = {0};
    d.source = (bv_floats){source.pixels, source.count};
    d.source_width = source.width;
    d.source_height = source.height;
    d.source_rect = make_rect(in);
    d.page = (bv_float_span){page, page_count};
    d.page_width = page_width;
    d.page_height = page_height;
    d.x = fz_int(in, -2, 16);
    d.y = fz_int(in, -2, 16);
    d.channels = channels;
    d.rotated = fz_bool(in);
    d.extrude = fz_int(in, -1, 3);
    const bool null_desc = (fz_u8(in) & 31) == 31;
    const bv_status status = bv_blit(null_desc ? NULL : &d);
    fz_trace("bv_blit", (int)status);
    FZ_CHECK(status == BV_OK || status == BV_ERROR_INVALID_ARGUMENT, "blit returned %d", (int)status);
    if (status != BV_OK) {
        FZ_CHECK(bv_error_message()[0] != '\0', "blit failed without a message");
        FZ_CHECK(memcmp(before, page, page_count * sizeof(float)) == 0, "failed blit wrote the page");
    } else {
        FZ_CHECK(!null_desc && image_valid(&source) && page_sane &&
                     page_count == (size_t)page_width * (size_t)page_height * (size_t)channels,
                 "blit accepted invalid images");
        FZ_CHECK(shared == NULL || sharing == 14 || d.source_rect.width == 0 || d.source_rect.height == 0,
                 "blit accepted a page overlapping its source");
        const bv_rect r = d.source_rect;
        FZ_CHECK(inside(r, source.width, source.height), "blit accepted a rect outside the source");
        const image pg = {page, page_count, page_width, page_height, channels};
        const image src = {source_before, source.count, source.width, source.height, channels};
        const int w = d.rotated ? r.height : r.width, h = d.rotated ? r.width : r.height;
        const int e = (r.width == 0 || r.height == 0) ? 0 : d.extrude;
        for (int py = 0; py < page_height; py++)
            for (int px = 0; px < page_width; px++) {
                const float *got = page + at(&pg, px, py);
                /* in 64 bits: an empty copy succeeds at any position, INT_MIN included */
                const int64_t i = (int64_t)px - d.x, j = (int64_t)py - d.y;
                const bool covered = w > 0 && h > 0 && i >= -e && i < w + e && j >= -e && j < h + e;
                if (!covered) {
                    FZ_CHECK(memcmp(got, before + at(&pg, px, py), (size_t)channels * sizeof(float)) == 0,
                             "blit wrote page pixel (%d, %d) outside the copy", px, py);
                    continue;
                }
                const int ci = i < 0 ? 0 : i >= w ? w - 1 : (int)i, cj = j < 0 ? 0 : j >= h ? h - 1 : (int)j;
                const int u = d.rotated ? cj : ci, v = d.rotated ? r.height - 1 - ci : cj;
                const float *want = src.pixels + at(&src, r.x + u, r.y + v);
                FZ_CHECK(memcmp(got, want, (size_t)channels * sizeof(float)) == 0,
                         "blit put the wrong pixel at page (%d, %d) (copy pixel %d, %d%s)", px, py, ci, cj,
                         d.rotated ? ", rotated" : "");
            }
    }
    free(source_before);
    free(before);
    if (!shared) free(page);
    free(source.pixels);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_reader in = {data, size, false};
    const int channels = fz_int(&in, 0, 5);
    image a = {0}, b = {0};
    make_image(&in, &a, channels);
    make_image(&in, &b, fz_bool(&in) ? channels : fz_int(&in, 0, 5));
    fuzz_trim(&in, &a);
    fuzz_hash_and_equal(&in, &a, &b);
    fuzz_hash_and_equal(&in, &b, &a);
    fuzz_blit(&in, channels);
    free(a.pixels);
    free(b.pixels);
    return 0;
}
