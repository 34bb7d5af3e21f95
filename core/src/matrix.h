/* Internal: 4x4 matrices from callers (row-major float[16]) into cglm (column-major, aligned). */
#ifndef BV_MATRIX_H
#define BV_MATRIX_H

#include <stdbool.h>

#include <cglm/cglm.h>

/* Copies a row-major matrix into dest; an all-zero matrix becomes the identity when
 * zero_is_identity (bv_mesh.matrix_world's default). */
void bv__mat4_from_rows(const float rows[16], bool zero_is_identity, mat4 dest);

bool bv__floats_finite(const float *values, size_t count);

#endif
