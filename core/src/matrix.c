/* Matrix conversion: copy, never cast, a caller's row-major buffer into cglm's mat4. */
#include <math.h>
#include <stddef.h>

#include "matrix.h"

void bv__mat4_from_rows(const float rows[16], bool zero_is_identity, mat4 dest)
{
    bool all_zero = true;
    for (int i = 0; i < 16; i++) all_zero = all_zero && rows[i] == 0.0f;
    if (all_zero && zero_is_identity) {
        glm_mat4_identity(dest);
        return;
    }
    for (int row = 0; row < 4; row++)
        for (int col = 0; col < 4; col++) dest[col][row] = rows[row * 4 + col];
}

bool bv__floats_finite(const float *values, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!isfinite(values[i])) return false;
    return true;
}
