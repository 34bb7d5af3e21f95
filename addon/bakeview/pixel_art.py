"""sprite_sheet's pixel-art options: what they ask of the render, of each frame and of the files.

pixel_art=True renders each frame with one sample at every pixel's centre and no filter (BOX 1
px), so that nothing is smoothed across the pixel grid; alpha becomes 0 or 1 (at 0.5); and each
view's camera moves by less than a pixel so that the pivot (sprite_sheet's pivot: the origin by
default) falls on a pixel centre in every frame: an animation's pixels do not shimmer as the
object moves. Then, in this order:
    outline:     every transparent pixel beside (left, right, above, below) a visible one takes
                 this colour (linear RGB(A), as render_view's background), opaque;
    pixel_scale: each pixel is stored as a pixel_scale x pixel_scale block (frame_size is the
                 art's size; the sheet's frames are pixel_scale times larger);
    palette:     the colour PNG's visible pixels take the nearest (8-bit RGB distance) colour of
                 a palette: a list of colours ("#rrggbb" or (r, g, b) of 0..255, as the PNG
                 holds them: display-encoded) or a number N, for N colours made by median cut of
                 every page's pixels. The page Images keep the colours before the palette.
Only the core draws pixel art (renderer BAKEVIEW), with an orthographic projection."""
import math
import re

from . import _core, checks, framing

_HEX = re.compile(r"#?([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})")


def check(a):
    """The pixel-art arguments of sheet_steps (`a`), checked before any work: (on, scale,
    palette, outline) with palette None, a whole number or a list of (r, g, b)."""
    checks.boolean(a["pixel_art"], "pixel_art")
    scale = a["pixel_scale"]
    if not isinstance(scale, int) or isinstance(scale, bool) or not 1 <= scale <= 64:
        raise ValueError(f"pixel_scale must be a whole number from 1 to 64, got {scale!r}")
    palette, outline = a["palette"], a["outline"]
    if not a["pixel_art"]:
        given = [n for n, v in (("pixel_scale", scale != 1), ("palette", palette is not None),
                                ("outline", outline is not None)) if v]
        if given:
            raise ValueError(f"{', '.join(given)} need pixel_art=True")
        return False, 1, None, None
    return True, scale, _palette(palette), _outline(outline)


def _palette(value):
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if not 2 <= value <= 256:
            raise ValueError(f"palette must be 2 to 256 colours, or a list of colours, got {value!r}")
        return value
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"palette must be a number of colours or a list of colours ('#rrggbb' or "
                        f"(r, g, b) of 0..255), got {value!r}")
    colours = []
    for colour in value:
        match = _HEX.fullmatch(colour) if isinstance(colour, str) else None
        if match:
            colours.append(tuple(int(g, 16) for g in match.groups()))
            continue
        if (isinstance(colour, (tuple, list)) and len(colour) == 3 and all(
                isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in colour)):
            colours.append(tuple(colour))
            continue
        raise ValueError(f"palette colour {colour!r} is not '#rrggbb' or (r, g, b) of 0..255")
    if not 1 <= len(colours) <= 256:
        raise ValueError(f"palette must hold 1 to 256 colours, got {len(colours)}")
    return colours


def _outline(value):
    if value is None:
        return None
    try:
        colour = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        colour = ()
    if len(colour) not in (3, 4) or not all(c == c and abs(c) != float("inf") for c in colour):
        raise ValueError(f"outline must be a linear colour (r, g, b) or (r, g, b, a), got {value!r}")
    return colour[:3] + (1.0,)


def snapped(view, projection, point, width, height):
    """The view moved (in its own x and y) so that `point` projects onto a pixel centre."""
    if projection[3][3] != 1.0 or projection[3][2] != 0.0:
        raise ValueError("pixel_art needs an orthographic projection (projection='ORTHOGRAPHIC' "
                         "and cameras of type ORTHO)")
    px, py = framing.project(view, projection, point, width, height)
    dx = (math.floor(px) + 0.5) - px  # towards the centre of the pixel the point is in
    dy = (math.floor(py) + 0.5) - py
    out = [list(row) for row in view]
    out[0][3] += dx / (projection[0][0] * 0.5 * width)
    out[1][3] -= dy / (projection[1][1] * 0.5 * height)  # pixel y runs down, eye y up
    return out


def frame(buffers, width, height, scale, outline, channels):
    """A rendered frame's passes with hard alpha, the outline and the scale applied."""
    colour = buffers["COLOR"]
    _core.pixel_hard_alpha(colour, width, height)
    if outline is not None:
        _core.pixel_outline(colour, width, height, outline)
    if "ALPHA" in buffers:  # the colour's, now hard
        buffers["ALPHA"][:] = colour[3::4]
    if scale == 1:
        return buffers
    return {p: _core.pixel_upscale(b, width, height, channels[p], scale) for p, b in buffers.items()}
