/* bakeview: re-render baked textures from Blender cameras, pack the views into sheets.
 * The umbrella header: include this one. Public names start with bv_ (BV_ for constants). */
#ifndef BAKEVIEW_H
#define BAKEVIEW_H

#define BV_VERSION_MAJOR 0
#define BV_VERSION_MINOR 1
#define BV_VERSION_PATCH 0
#define BV_VERSION_STRING "0.1.0"

#include "apng.h"
#include "buffer.h"
#include "color.h"
#include "data_sheet.h"
#include "filter.h"
#include "pack.h"
#include "pixel_art.h"
#include "json.h"
#include "light.h"
#include "png.h"
#include "render.h"
#include "sheet.h"
#include "status.h"
#include "texture.h"

#endif
