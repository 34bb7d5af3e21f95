"""Colour-managed files: the codes Blender itself writes for a scene's render output ("save as
render": view transform, look, exposure, gamma, curves, white balance, display device), taken from
Blender rather than re-implemented.

The scene's transform is sampled once through Image.save_render into a 65^3 LUT (the core's
ColorLut, applied in C as the PNG is encoded). Before it is used, the LUT is checked against
Blender at the centre of every lattice cell (where interpolation errs most) and at random
colours; a transform it cannot follow within MAX_ERROR (AgX and Khronos PBR Neutral carry 3D LUTs
and gamut clipping of their own, whose kinks fall inside our cells) is applied exactly instead:
the page goes through save_render itself, at 8 bits, and the file holds Blender's own codes.
Through the LUT, every code is within one of Blender's. Encoding.mode says which way was taken.

Sampling sets the scene's output format to 16-bit TIFF for the moment it takes (put back
afterwards, also on failure) and writes into a private folder in memory where the system has one
(/dev/shm), removed afterwards. Negative colour components are clamped to 0.
"""
import array
import contextlib
import math
import os
from dataclasses import dataclass

import bpy

from . import _core, files, images, state
from .compat import float_array

MODES = ("SCENE", "SRGB")
LUT_SIZE = 65
KNEE_STOPS = 14  # the log spacing reaches this many stops below the knee before going linear
TOP_CELLS = 8  # lattice cells above the knee (2 stops at 65 points)
MAX_ERROR = 0.75 / 255  # the largest LUT error allowed, in display units: codes stay within 1
PROBES = 8192  # random colours checked besides the cell centres
_RAMP = 4096  # grey values from 2^-24 to 2^24 to find the knee
_WIDTH = 4096  # the sampling image's width
STEPPED = ("False Color",)  # views of flat colours over ranges of values: always exact
_cache = {}  # settings -> Encoding, for the last few colour settings used in this process
_CACHE_SIZE = 4


@dataclass(frozen=True)
class Encoding:
    """How colour pixels become 8-bit codes in a file."""
    mode: str  # SRGB: the plain curve; LUT: through `lut`; EXACT: through Blender, then as is
    lut: object = None  # the _core.ColorLut for LUT
    error: float = 0.0  # the LUT's largest difference from Blender, in 8-bit codes (inf: none fits)
    settings: str = "sRGB curve"  # what the scene's colour management is, for messages and notes


def encoding(scene, colour):
    """The Encoding of colour files for `scene` with colour="SCENE" or "SRGB"."""
    if colour == "SRGB":
        return Encoding("SRGB")
    if colour != "SCENE":
        raise ValueError(f"colour must be one of {', '.join(MODES)}, got {colour!r}")
    view = _source(scene).view_settings.view_transform
    key = _settings(scene)
    found = _cache.get(key)
    if view in STEPPED:  # no LUT follows steps, and Blender 3.4 aborts sampling them at 16 bits
        found = found or Encoding("EXACT", None, math.inf, _describe(scene))
    if found is None:
        found = _sample(scene, _describe(scene))
    if len(_cache) >= _CACHE_SIZE and key not in _cache:
        _cache.pop(next(iter(_cache)))
    _cache[key] = found
    return found


def png_arguments(chosen):
    """write_png's encoding arguments for a colour file of the Encoding `chosen` (EXACT pixels
    are display values by then)."""
    if chosen.mode == "LUT":
        return {"encoding": "LUT", "lut": chosen.lut}
    return {"encoding": "SRGB" if chosen.mode == "SRGB" else "LINEAR"}


def through_blender(scene, pixels, count):
    """For Encoding EXACT: `count` straight RGBA pixels as Blender writes them for the scene's
    render output, as 8-bit codes / 255 (float32 RGBA, alpha kept as it was)."""
    if len(memoryview(pixels).cast("B")) != 16 * count:
        raise ValueError(f"expected {count} RGBA pixels, got {len(memoryview(pixels).cast('B'))} "
                         "bytes")
    # each colour once (an impostor's or a sheet's empty pixels, flat areas), opaque: save_render
    # takes float pixels as premultiplied. Its transform is colour by colour (no dithering here)
    colours, index = _core.unique_colors(pixels)
    with _output_scene(scene, "8") as (own, folder):  # Blender's own 8-bit codes
        out = _through(own, folder, colours, len(colours) // 4)
    return _core.expand_colors(out, index, pixels)


# -- sampling --------------------------------------------------------------------------------------


def _sample(scene, settings):
    with _output_scene(scene, "16") as (own, folder):
        knee = _knee(own, folder)
        shape = {"offset": knee * 2.0 ** -KNEE_STOPS, "knee": knee,
                 "knee_index": LUT_SIZE - 1 - TOP_CELLS}
        inputs = _core.color_lut_points(LUT_SIZE, **shape)  # an array.array('f')
        inputs.extend(_probes(PROBES))
        count = len(inputs) // 4
        outputs = _through(own, folder, inputs, count)
    lattice = LUT_SIZE ** 3
    table = float_array(3 * lattice)
    for k in range(3):
        table[k::3] = outputs[k:4 * lattice:4]
    lut = _core.ColorLut(table, LUT_SIZE, **shape)
    error = lut.error(inputs[4 * lattice:], outputs[4 * lattice:])
    if error <= MAX_ERROR:
        return Encoding("LUT", lut, error * 255.0, settings)
    return Encoding("EXACT", None, error * 255.0, settings)


def _knee(scene, folder):
    """The smallest grey that Blender displays as white (1.0 in every channel; or, for a transform
    that only approaches white, the first that all 8-bit codes show as 255): where a clipping
    transform kinks, so it becomes a lattice plane. Found on a ramp over 48 stops, then on a
    finer one between the two ramp values around it."""
    values = [2.0 ** (-24.0 + 48.0 * i / (_RAMP - 1)) for i in range(_RAMP)]
    for threshold in (1.0, 254.5 / 255.0):
        first = _first_white(scene, folder, values, threshold)
        if first is not None:
            low = values[first - 1] if first > 0 else 0.0
            fine = [low + (values[first] - low) * (i + 1) / _RAMP for i in range(_RAMP)]
            return min(fine[_first_white(scene, folder, fine, threshold)], 2.0 ** 16)
    return 2.0 ** 16  # never white (a log view): the lattice still covers 0 .. 4 * 2^16


def _first_white(scene, folder, values, threshold):
    """The index of the first grey value whose display output reaches threshold, or None."""
    ramp = array.array("f")
    for v in values:
        ramp.extend((v, v, v, 1.0))
    out = _through(scene, folder, ramp, len(values))
    return next((i for i in range(len(values)) if min(out[4 * i:4 * i + 3]) >= threshold), None)


def _probes(count):
    """Deterministic random colours: plain ones, dark ones and bright ones (RGBA, alpha 1)."""
    out, state = array.array("f"), 2463534242
    for i in range(count):
        rgb = []
        for _ in range(3):
            state = (state * 1103515245 + 12345) % (1 << 31)
            u = state / float(1 << 31)
            rgb.append((u, u ** 4, u ** 3 * 8.0)[i % 3])
        out.extend(rgb + [1.0])
    return out


@contextlib.contextmanager
def _output_scene(scene, depth):
    """(a scene of its own with the colour management of `scene`'s render output, writing `depth`
    bit RGB TIFF files; a private folder), both removed afterwards, also on failure. The user's
    scene is not touched: switching its output format would change settings that cannot be put
    back (Blender 5 fills in an unset linear colour space), and Blender 3.4's Scene.copy shares
    the view curve with the copy, which aborts Blender when both are freed."""
    own = None
    with files.private_folder("bakeview-colour-") as folder:
        try:
            own = bpy.data.scenes.new("bakeview colour")
            source = _source(scene)
            _copy_settings(source.display_settings, own.display_settings)
            _copy_settings(source.view_settings, own.view_settings)
            settings = own.render.image_settings
            settings.file_format = "TIFF"
            settings.color_depth = depth
            settings.color_mode = "RGB"
            settings.tiff_codec = "NONE"
            yield own, folder
        finally:
            if own is not None:
                bpy.data.scenes.remove(own)


def _copy_settings(source, target):
    """Every writable value of a colour-management struct, its curve mapping's too. Twice: an
    enum's choices may depend on another value set after it (a look on its view transform)."""
    for _ in range(2):
        state.restore_rna(target, state.rna_values(source))
    if getattr(source, "use_curve_mapping", False):  # the curve is only there when it is used
        _copy_curve_mapping(source.curve_mapping, target.curve_mapping)


def _copy_curve_mapping(source, target):
    state.restore_rna(target, state.rna_values(source))
    for source_curve, target_curve in zip(source.curves, target.curves):
        points = target_curve.points
        while len(points) > len(source_curve.points):
            points.remove(points[len(points) - 1])
        while len(points) < len(source_curve.points):
            points.new(1.0, 1.0)
        for source_point, target_point in zip(source_curve.points, points):
            target_point.location = source_point.location
            target_point.handle_type = source_point.handle_type
    target.update()


def _through(scene, folder, rgba, count):
    """`count` RGBA pixels through Blender's save_render for the scene (see _output_scene): the
    file's codes / their maximum, float32 RGBA, alpha 1."""
    width = min(count, _WIDTH)
    height = -(-count // width)
    padded = rgba
    if width * height != count:
        padded = array.array("f", rgba)
        padded.extend(float_array(4 * (width * height - count)))
    path = os.path.join(folder, "display.tif")
    image = loaded = None
    try:
        image = bpy.data.images.new("bakeview colour sample", width, height, alpha=True,
                                    float_buffer=True)
        image.pixels.foreach_set(images.as_float_array(padded))
        image.save_render(path, scene=scene)
        loaded = bpy.data.images.load(path)
        if tuple(loaded.size) != (width, height):  # save_render only prints its failures
            raise OSError(f"cannot sample the scene's colour management: Blender could not "
                          f"write and read back {path} (a full disk or a file size limit?)")
        loaded.colorspace_settings.name = "Non-Color"  # the file's values, not linearised
        out = float_array(4 * width * height)
        loaded.pixels.foreach_get(out)
    finally:
        for made in (loaded, image):
            if made is not None:
                bpy.data.images.remove(made)
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
    return out[:4 * count] if width * height != count else out


# -- what the settings are -------------------------------------------------------------------------


def _settings(scene):
    """Every colour-management value that changes what save_render writes: the scene's view and
    display settings (curves and white balance included), the output's override, the version."""
    def values(struct, depth=0):
        out = []
        for prop in struct.bl_rna.properties:
            key = prop.identifier
            if key == "rna_type":
                continue
            value = getattr(struct, key)
            if prop.type == "POINTER" and value is not None and depth < 4:
                out.append((key, values(value, depth + 1)))
            elif prop.type == "COLLECTION" and depth < 4:
                out.append((key, tuple(values(item, depth + 1) for item in value)))
            elif prop.type in ("BOOLEAN", "INT", "FLOAT", "STRING", "ENUM"):
                if isinstance(value, set):  # an enum flag
                    value = tuple(sorted(value))
                elif getattr(prop, "is_array", False):
                    value = tuple(value)
                out.append((key, value))
        return tuple(out)

    source = _source(scene)
    return (bpy.app.version, source != scene, values(source.view_settings),
            values(source.display_settings))


def _source(scene):
    """What holds the colour settings of the scene's render output: the output's override, or
    the scene."""
    image = scene.render.image_settings
    return image if getattr(image, "color_management", "") == "OVERRIDE" else scene


def _describe(scene):
    source = _source(scene)
    view = source.view_settings
    look = f", look {view.look}" if view.look != "None" else ""
    return (f"{view.view_transform}{look}, exposure {view.exposure:g}, gamma {view.gamma:g}, "
            f"display {source.display_settings.display_device}")
