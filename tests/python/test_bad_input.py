"""Bad input to bakeview._core, one row per case.

Each row calls one _core function with a good call's arguments but one bad input, and asserts the
exception type and a message naming what is wrong. Every row also checks that the call changed
none of the buffers it was given (blit's page included) and no file in its folder (a write_png or
write_json row finds an older file at its path: it must stay byte for byte). Calls that must fail
before allocating, or when the disk is full, run in a child process under resource limits.

Run with pytest after building (BAKEVIEW_BUILD names the build folder, default ./build)."""
import array
import functools
import math
import os
import re
import subprocess
import sys
import textwrap

import pytest

BUILD = os.environ.get("BAKEVIEW_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
PACKAGE_DIR = os.path.join(os.path.abspath(BUILD), "python")
sys.path.insert(0, PACKAGE_DIR)

from bakeview import _core  # noqa: E402

try:
    import numpy
except ImportError:
    numpy = None

NAN, INF = math.nan, math.inf
VIEW = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, -5], [0, 0, 0, 1]]  # camera at z = 5 looking down -z
ORTHO = [[0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, -0.02, -1.002], [0, 0, 0, 1]]  # 4 units wide
OLD_FILE = b"an older file that a failed write must leave alone"


def floats(values, count=1):
    return array.array("f", list(values) * count)


def matrix_with(value, row=0, column=0):
    m = [list(r) for r in VIEW]
    m[row][column] = value
    return m


def needs_numpy(make, exception, pattern):
    return pytest.param(make, exception, pattern,
                        marks=pytest.mark.skipif(numpy is None, reason="numpy is not installed"))


# -- good calls: each row changes one argument of these ------------------------------------------

def call(function, *args, **kwargs):
    """A call of a _core function, not made yet."""
    return functools.partial(function, *args, **kwargs)


def texture(**changes):
    return call(_core.Texture, **{"pixels": floats([0.5, 0.5, 0.5, 1.0], 4), "width": 2, "height": 2,
                                  **changes})


def mesh(**changes):
    """A 2 x 2 quad (4 vertices, 2 triangles) with UVs and a texture."""
    return call(_core.Mesh, **{"positions": floats([-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0]),
                               "triangles": array.array("I", [0, 1, 2, 0, 2, 3]),
                               "uvs": floats([0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1]),
                               "texture": texture()(), **changes})


def render(**changes):
    return call(_core.render, **{"meshes": [mesh()()], "view": VIEW, "projection": ORTHO, "width": 8,
                                 "height": 8, **changes})


def write_png(tmp, **changes):
    (tmp / "out.png").write_bytes(OLD_FILE)
    return call(_core.write_png, **{"path": str(tmp / "out.png"), "pixels": floats([0.5], 16),
                                    "width": 2, "height": 2, **changes})


def lut(**changes):
    """A ColorLut of the smallest lattice (2^3 points), made now: an argument of other calls."""
    return _core.ColorLut(**{"table": floats([0.5], 24), "size": 2, "offset": 0.01, "knee": 1.0,
                             "knee_index": 1, **changes})


def color_lut(**changes):
    return call(_core.ColorLut, **{"table": floats([0.5], 24), "size": 2, "offset": 0.01,
                                   "knee": 1.0, "knee_index": 1, **changes})


def to_rgba(**changes):
    return call(_core.to_rgba, **{"pixels": floats([0.1, 0.2, 0.3], 2), "channels": 3, **changes})


def trim_bounds(**changes):
    return call(_core.trim_bounds, **{"pixels": floats([1, 1, 1, 1], 4), "width": 2, "height": 2,
                                      **changes})


def rect_hash(**changes):
    return call(_core.rect_hash, **{"pixels": floats([1, 1, 1, 1], 4), "width": 2, "height": 2,
                                    "rect": (0, 0, 2, 2), **changes})


def pack(**changes):
    return call(_core.pack, **{"sizes": [(8, 8), (4, 4)], **changes})


def blit(**changes):
    """A 2 x 2 source of ones into a 4 x 4 page of 0.25: a write would show."""
    return call(_core.blit, **{"page": floats([0.25], 64), "page_width": 4, "page_height": 4,
                               "source": floats([1.0], 16), "source_width": 2, "source_height": 2,
                               "source_rect": (0, 0, 2, 2), "x": 1, "y": 1, **changes})


def frame(**changes):
    return {"name": "walk_0", "frame": (0, 0, 2, 2), "rotated": False, "trimmed": False,
            "source": (0, 0, 2, 2), "source_size": (0, 0, 2, 2), **changes}


def view(**changes):
    return {"azimuth": 45.0, "elevation": 30.0, "animation_frame": 1, "view": VIEW,
            "projection": ORTHO, **changes}


def write_json(tmp, **changes):
    (tmp / "sheet.json").write_bytes(OLD_FILE)
    return call(_core.write_json, **{"path": str(tmp / "sheet.json"), "frames": [frame()],
                                     "image": "sheet.png", "size": (4, 4), **changes})


def write_multipack_json(tmp, **changes):
    (tmp / "sheet.json").write_bytes(OLD_FILE)
    return call(_core.write_multipack_json, **{
        "path": str(tmp / "sheet.json"), "frames": [frame(page=0), frame(name="walk_1", page=1)],
        "pages": [{"image": "sheet-0.png", "size": (4, 4)}, {"image": "sheet-1.png", "size": (4, 4)}],
        **changes})


# -- the check every row makes -------------------------------------------------------------------

def buffers_of(partial):
    """The bytes of every buffer among a call's arguments."""
    out = {}
    for name, value in list(enumerate(partial.args)) + list(partial.keywords.items()):
        try:
            out[name] = memoryview(value).tobytes()
        except TypeError:
            pass
    return out


def folder_state(folder):
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def refused(make, exception, pattern, tmp_path):
    partial = make(tmp_path)
    buffers, files = buffers_of(partial), folder_state(tmp_path)
    try:
        with pytest.raises(exception, match=pattern):
            partial()
        assert buffers_of(partial) == buffers, "a failed call changed a buffer it was given"
        assert folder_state(tmp_path) == files, "a failed call changed the folder"
    finally:
        for folder in [tmp_path, *tmp_path.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o700)


def cases(table):
    """pytest params from {id: (make, exception, pattern) or pytest.param(...)}."""
    out = []
    for name, row in table.items():
        if not hasattr(row, "marks"):  # a plain tuple
            row = pytest.param(*row)
        out.append(pytest.param(*row.values, marks=row.marks, id=name))
    return out


# -- render ---------------------------------------------------------------------------------------

RENDER = {
    "meshes as None": (lambda t: render(meshes=None), ValueError, r"meshes must be a sequence"),
    "meshes holding a str": (lambda t: render(meshes=["quad"]), ValueError,
                             r"meshes\[0\] must be an initialised bakeview._core.Mesh"),
    "view as None": (lambda t: render(view=None), ValueError, r"view must be a 4x4 matrix"),
    "view of 3 x 3": (lambda t: render(view=[[1, 0, 0]] * 3), ValueError, r"view must be a 4x4 matrix"),
    "view of str": (lambda t: render(view="abcdefghijklmnop"), ValueError, r"view must be a 4x4"),
    "view with NaN": (lambda t: render(view=matrix_with(NAN)), ValueError,
                      r"camera.view has a NaN or infinite value"),
    "view with inf": (lambda t: render(view=matrix_with(INF, 2, 3)), ValueError,
                      r"camera.view has a NaN or infinite value"),
    "view overflowing float": (lambda t: render(view=matrix_with(1e300)), ValueError,
                               r"camera.view has a NaN or infinite value"),
    "view singular": (lambda t: render(view=[[0] * 4] * 4), ValueError, r"camera.view is singular"),
    "projection with NaN": (lambda t: render(projection=matrix_with(NAN, 3, 3)), ValueError,
                            r"camera.projection has a NaN or infinite value"),
    "projection with -inf": (lambda t: render(projection=matrix_with(-INF, 1, 1)), ValueError,
                             r"camera.projection has a NaN or infinite value"),
    "numpy view with NaN": needs_numpy(
        lambda t: render(view=numpy.full((4, 4), numpy.nan)), ValueError, r"camera.view has a NaN"),
    "width as str": (lambda t: render(width="8"), TypeError, r"width must be an int, got str"),
    "width as float": (lambda t: render(width=8.0), TypeError, r"width must be an int, got float"),
    "height as None": (lambda t: render(height=None), TypeError, r"height must be an int, got NoneType"),
    "width zero": (lambda t: render(width=0), ValueError,
                   r"width and height must be in 1\.\.32768, got 0 x 8"),
    "height negative": (lambda t: render(height=-8), ValueError, r"must be in 1\.\.32768, got 8 x -8"),
    "100000 x 100000": (lambda t: render(width=100000, height=100000), ValueError,
                        r"width and height must be in 1\.\.32768, got 100000 x 100000"),
    "width beyond a C int": (lambda t: render(width=2**40), ValueError,
                             r"width 1099511627776 does not fit a 32-bit int"),
    "height of -2**31 - 1": (lambda t: render(height=-2**31 - 1), ValueError,
                             r"height -2147483649 does not fit a 32-bit int"),
    "samples zero": (lambda t: render(samples=0), ValueError,
                     r"samples must be 'AUTO' or from 1 to 16, got 0"),
    "samples above 16": (lambda t: render(samples=17), ValueError,
                         r"samples must be 'AUTO' or from 1 to 16, got 17"),
    "samples as another str": (lambda t: render(samples="4"), ValueError,
                               r"samples must be one of 'AUTO', got '4'"),
    "samples as float": (lambda t: render(samples=4.0), TypeError, r"samples must be an int, got float"),
    "threads negative": (lambda t: render(threads=-1), ValueError, r"threads -1 is negative"),
    "threads as float": (lambda t: render(threads=2.0), TypeError, r"threads must be an int, got float"),
    "filter unknown": (lambda t: render(filter="MITCHELL"), ValueError,
                       r"filter must be one of 'BLACKMAN_HARRIS', 'GAUSSIAN', 'BOX', got 'MITCHELL'"),
    "filter as None": (lambda t: render(filter=None), ValueError, r"filter must be a string"),
    "normal_space unknown": (lambda t: render(normal_space="SCREEN"), ValueError,
                             r"normal_space must be one of 'WORLD', 'CAMERA', got 'SCREEN'"),
    "filter_width NaN": (lambda t: render(filter_width=NAN), ValueError,
                         r"filter_width nan is not a width in pixels"),
    "filter_width inf": (lambda t: render(filter_width=INF), ValueError,
                         r"filter_width inf is not a width in pixels"),
    "filter_width negative": (lambda t: render(filter_width=-1.5), ValueError,
                              r"filter_width -1.5 is not a width in pixels"),
    "filter_width too wide": (lambda t: render(filter_width=100.0), ValueError,
                              r"filter_width 100 reaches further than 8 pixels"),
    "filter_width as str": (lambda t: render(filter_width="wide"), TypeError,
                            r"filter_width must be a number, got str"),
    "background NaN": (lambda t: render(background=(0, 0, NAN, 1)), ValueError,
                       r"background has a NaN or infinite value"),
    "background inf": (lambda t: render(background=(INF, 0, 0, 1)), ValueError,
                       r"background has a NaN or infinite value"),
    "background of 3 numbers": (lambda t: render(background=(0, 0, 0)), ValueError,
                                r"background must be 4 numbers \(R, G, B, A\)"),
    "background as str": (lambda t: render(background="red!"), ValueError, r"background must be 4 numbers"),
    "passes as None": (lambda t: render(passes=None), ValueError, r"passes must be a sequence of pass names"),
    "passes as one str": (lambda t: render(passes="COLOR"), ValueError,
                          r"passes must be a sequence of pass names"),
    "passes empty": (lambda t: render(passes=()), ValueError, r"no pass asked for"),
    "pass unknown": (lambda t: render(passes=("COLOR", "SHADOW")), ValueError,
                     r"each pass must be one of .*got 'SHADOW'"),
    "pass as int": (lambda t: render(passes=(1,)), ValueError, r"each pass must be a string"),
    "unknown keyword": (lambda t: render(resolution=8), TypeError,
                        # Python 3.11's words, then 3.13's
                        r"'resolution' is an invalid keyword argument for render\(\)|"
                        r"render\(\) got an unexpected keyword argument 'resolution'"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(RENDER))
def test_render_refuses(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- meshes: refused by Mesh() or, for their contents, by render ----------------------------------

MESH = {
    "positions as None": (lambda t: mesh(positions=None), ValueError,
                          r"positions must be a C-contiguous buffer .* got NoneType"),
    "positions as list": (lambda t: mesh(positions=[0.0] * 12), ValueError,
                          r"positions must be a C-contiguous buffer .* got list"),
    "positions as str": (lambda t: mesh(positions="0" * 48), ValueError,
                         r"positions must be a C-contiguous buffer .* got str"),
    "positions of doubles": (lambda t: mesh(positions=array.array("d", [0.0] * 12)), ValueError,
                             r"positions must hold 4-byte items of format 'f', got format 'd' with 8-byte"),
    "positions of shorts": (lambda t: mesh(positions=array.array("h", [0] * 12)), ValueError,
                            r"positions must hold 4-byte items of format 'f', got format 'h' with 2-byte"),
    "positions of int32": (lambda t: mesh(positions=array.array("i", [0] * 12)), ValueError,
                           r"positions must hold 4-byte items of format 'f', got format 'i'"),
    "positions bytes not whole floats": (lambda t: mesh(positions=bytearray(47)), ValueError,
                                         r"positions holds 47 bytes: not whole 4-byte items"),
    "positions bytes unaligned": (lambda t: mesh(positions=memoryview(bytearray(49))[1:]), ValueError,
                                  r"positions holds 48 bytes at an unaligned address"),
    "positions strided memoryview": (
        lambda t: mesh(positions=memoryview(floats([0.0], 24))[::2]), ValueError,
        r"positions must be a C-contiguous buffer .* got memoryview"),
    "positions strided numpy": needs_numpy(
        lambda t: mesh(positions=numpy.zeros(24, numpy.float32)[::2]), ValueError,
        r"positions must be a C-contiguous buffer .* got ndarray"),
    "positions Fortran-ordered numpy": needs_numpy(
        lambda t: mesh(positions=numpy.zeros((3, 4), numpy.float32, order="F")), ValueError,
        r"positions must be a C-contiguous buffer"),
    "positions big-endian numpy": needs_numpy(
        lambda t: mesh(positions=numpy.zeros(12, ">f4")), ValueError, r"got format '>f'"),
    "positions float16 numpy": needs_numpy(
        lambda t: mesh(positions=numpy.zeros(12, numpy.float16)), ValueError,
        r"positions must hold 4-byte items of format 'f', got format 'e' with 2-byte"),
    "triangles of floats": (lambda t: mesh(triangles=floats([0, 1, 2])), ValueError,
                            r"triangles must hold 4-byte items of format 'IiLl', got format 'f'"),
    "triangles of uint16": (lambda t: mesh(triangles=array.array("H", [0, 1, 2])), ValueError,
                            r"triangles must hold 4-byte items .* got format 'H' with 2-byte"),
    "triangles of int64": (lambda t: mesh(triangles=array.array("q", [0, 1, 2])), ValueError,
                           r"triangles must hold 4-byte items .* got format 'q' with 8-byte"),
    "triangles int64 numpy": needs_numpy(
        lambda t: mesh(triangles=numpy.array([0, 1, 2], numpy.int64)), ValueError,
        r"triangles must hold 4-byte items .* with 8-byte items"),
    "uvs as a tuple": (lambda t: mesh(uvs=(0.0,) * 12), ValueError, r"uvs must be a C-contiguous buffer"),
    "normals of doubles": (lambda t: mesh(normals=array.array("d", [0.0] * 18)), ValueError,
                           r"normals must hold 4-byte items of format 'f'"),
    "loops of floats": (lambda t: mesh(loops=floats([0, 1, 2, 0, 2, 3])), ValueError,
                        r"loops must hold 4-byte items of format 'IiLl', got format 'f'"),
    "matrix_world of 3 numbers": (lambda t: mesh(matrix_world=[1, 2, 3]), ValueError,
                                  r"matrix_world must be a 4x4 matrix"),
    "texture as str": (lambda t: mesh(texture="red"), ValueError,
                       r"texture must be a bakeview._core.Texture or None"),
    "object_id negative": (lambda t: mesh(object_id=-1), ValueError,
                           r"object_id -1 is outside 0\.\.2\^24 - 1"),
    "object_id 2**24": (lambda t: mesh(object_id=2**24), ValueError, r"object_id 16777216 is outside"),
    "object_id 2**70": (lambda t: mesh(object_id=2**70), ValueError,
                        r"object_id 1180591620717411303424 does not fit a 32-bit int"),
    "object_id as str": (lambda t: mesh(object_id="7"), TypeError, r"object_id must be an int, got str"),
    # contents, checked when rendered
    "positions not a multiple of 3": (
        lambda t: render(meshes=[mesh(positions=floats([0.0], 11))()]), ValueError,
        r"mesh 0: positions holds 11 floats, not a multiple of 3"),
    "triangles not a multiple of 3": (
        lambda t: render(meshes=[mesh(triangles=array.array("I", [0, 1, 2, 0]))()]), ValueError,
        r"mesh 0: triangles holds 4 indices, not a multiple of 3"),
    "triangle index past the vertices": (
        lambda t: render(meshes=[mesh(triangles=array.array("I", [0, 1, 2, 0, 2, 4]))()]), ValueError,
        r"mesh 0: triangle 1 uses vertex 4, but there are 4"),
    "negative int32 triangle index": (
        lambda t: render(meshes=[mesh(triangles=array.array("i", [0, 1, 2, 0, -1, 3]))()]), ValueError,
        r"triangle 1 uses vertex 4294967295, but there are 4"),
    "uvs too short": (lambda t: render(meshes=[mesh(uvs=floats([0.0], 11))()]), ValueError,
                      r"mesh 0: uvs holds 11 floats, 2 triangles need 6 each"),
    "normals too long": (lambda t: render(meshes=[mesh(normals=floats([0, 0, 1], 7))()]), ValueError,
                         r"mesh 0: normals holds 21 floats, 2 triangles need 9 each"),
    "loop index past the uvs": (
        lambda t: render(meshes=[mesh(loops=array.array("I", [0, 1, 2, 0, 2, 9]))()]), ValueError,
        r"triangle 1 uses loop 9, beyond the uvs"),
    "positions with NaN": (lambda t: render(meshes=[mesh(positions=floats([0, 0, NAN], 4))()]), ValueError,
                           r"mesh 0: vertex 0 has a NaN or infinite coordinate"),
    "positions with inf": (lambda t: render(meshes=[mesh(positions=floats([1, 1, 0, INF, 0, 0], 2))()]),
                           ValueError, r"mesh 0: vertex 1 has a NaN or infinite coordinate"),
    "uvs with NaN": (lambda t: render(meshes=[mesh(uvs=floats([0.5, NAN], 6))()]), ValueError,
                     r"mesh 0: uvs has a NaN or infinite value"),
    "normals with inf": (lambda t: render(meshes=[mesh(normals=floats([0, 0, INF], 6))()]), ValueError,
                         r"mesh 0: normals has a NaN or infinite value"),
    "matrix_world with NaN": (lambda t: render(meshes=[mesh(matrix_world=matrix_with(NAN))()]), ValueError,
                              r"mesh 0: matrix_world has a NaN or infinite value"),
    "matrix_world not affine": (lambda t: render(meshes=[mesh(matrix_world=matrix_with(2.0, 3, 3))()]),
                                ValueError, r"matrix_world's bottom row is \(0, 0, 0, 2\)"),
    "no texture for the colour pass": (lambda t: render(meshes=[mesh(texture=None)()]), ValueError,
                                       r"mesh 0 has no texture, which the color pass needs"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(MESH))
def test_mesh_refuses(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- Texture --------------------------------------------------------------------------------------

TEXTURE = {
    "pixels as None": (lambda t: texture(pixels=None), ValueError,
                       r"pixels must be a C-contiguous buffer .* got NoneType"),
    "pixels of doubles": (lambda t: texture(pixels=array.array("d", [0.5] * 16)), ValueError,
                          r"pixels must hold 4-byte items of format 'f', got format 'd'"),
    "pixels of float64 numpy": needs_numpy(
        lambda t: texture(pixels=numpy.full(16, 0.5)), ValueError, r"got format 'd' with 8-byte items"),
    "pixels strided numpy": needs_numpy(
        lambda t: texture(pixels=numpy.ones((2, 2, 8), numpy.float32)[:, :, ::2]), ValueError,
        r"pixels must be a C-contiguous buffer"),
    "pixels too short": (lambda t: texture(pixels=floats([0.5], 15)), ValueError,
                         r"texture: pixels holds 15 floats, 2 x 2 RGBA needs 16"),
    "pixels RGB, not RGBA": (lambda t: texture(pixels=floats([0.5], 12)), ValueError,
                             r"pixels holds 12 floats, 2 x 2 RGBA needs 16"),
    "pixel NaN": (lambda t: texture(pixels=floats([0.5, NAN, 0.5, 1], 4)), ValueError,
                  r"texture: pixel \(0, 0\) channel 1 is not finite"),
    "pixel inf": (lambda t: texture(pixels=floats([0.5, 0.5, 0.5, 1], 3) + floats([0, 0, 0, INF])),
                  ValueError, r"texture: pixel \(1, 1\) channel 3 is not finite"),
    "width zero": (lambda t: texture(width=0), ValueError, r"texture: size 0 x 2 is outside 1\.\.65536"),
    "height negative": (lambda t: texture(height=-2), ValueError, r"texture: size 2 x -2 is outside"),
    "100000 x 100000": (lambda t: texture(width=100000, height=100000), ValueError,
                        r"texture: size 100000 x 100000 is outside 1\.\.65536"),
    "width as float": (lambda t: texture(width=2.0), TypeError, r"width must be an int, got float"),
    "height beyond a C int": (lambda t: texture(height=2**31), ValueError,
                              r"height 2147483648 does not fit a 32-bit int"),
    "extension unknown": (lambda t: texture(extension="WRAP"), ValueError,
                          r"extension must be one of 'REPEAT', 'EXTEND', 'CLIP', 'MIRROR', got 'WRAP'"),
    "interpolation unknown": (lambda t: texture(interpolation="Cubic"), ValueError,
                              r"interpolation must be one of 'Linear', 'Closest', got 'Cubic'"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(TEXTURE))
def test_texture_refuses(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- write_png ------------------------------------------------------------------------------------

def unwritable_folder(tmp):
    folder = tmp / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


PNG = {
    "path as None": (lambda t: write_png(t, path=None), TypeError, r"expected str, bytes or os.PathLike"),
    "path empty": (lambda t: write_png(t, path=""), ValueError, r"png: path is empty"),
    "path with a NUL": (lambda t: write_png(t, path=str(t / "a\0b.png")), ValueError, r"embedded null"),
    "missing folder": (lambda t: write_png(t, path=str(t / "no" / "such" / "out.png")), OSError,
                       r"png: cannot write .*/no/such/out\.png: No such file or directory"),
    "parent is a file": (lambda t: write_png(t, path=str(t / "out.png" / "inner.png")), OSError,
                         r"png: cannot write .*/out\.png/inner\.png: Not a directory"),
    "path is a folder": (lambda t: (t / "folder.png").mkdir() or write_png(t, path=str(t / "folder.png")),
                         OSError, r"png: cannot write .*/folder\.png: Is a directory"),
    "folder not writable (mode 0o500)": pytest.param(
        lambda t: write_png(t, path=str(unwritable_folder(t) / "out.png")), OSError,
        r"png: cannot write .*/locked/out\.png: Permission denied",
        marks=pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0o500 folder anyway; "
                                 "'parent is a file' covers an unwritable folder")),
    "pixels as None": (lambda t: write_png(t, pixels=None), ValueError, r"pixels must be a C-contiguous"),
    "pixels of doubles": (lambda t: write_png(t, pixels=array.array("d", [0.5] * 16)), ValueError,
                          r"pixels must hold 4-byte items of format 'f', got format 'd'"),
    "pixels strided": (lambda t: write_png(t, pixels=memoryview(floats([0.5], 32))[::2]), ValueError,
                       r"pixels must be a C-contiguous buffer"),
    "pixels too short": (lambda t: write_png(t, pixels=floats([0.5], 15)), ValueError,
                         r"png: pixels holds 15 floats, 2 x 2 x 4 needs 16"),
    "pixels for 3 channels": (lambda t: write_png(t, channels=3), ValueError,
                              r"png: pixels holds 16 floats, 2 x 2 x 3 needs 12"),
    "width zero": (lambda t: write_png(t, width=0), ValueError, r"png: size 0 x 2 is outside 1\.\.65535"),
    "height negative": (lambda t: write_png(t, height=-1), ValueError, r"png: size 2 x -1 is outside"),
    "100000 x 100000": (lambda t: write_png(t, width=100000, height=100000), ValueError,
                        r"png: size 100000 x 100000 is outside 1\.\.65535"),
    "bytes beyond size_t": (lambda t: write_png(t, width=2**31 - 1, height=2**31 - 1), ValueError,
                            r"png: size 2147483647 x 2147483647 is outside"),
    "width as str": (lambda t: write_png(t, width="2"), TypeError, r"width must be an int, got str"),
    "channels zero": (lambda t: write_png(t, channels=0), ValueError, r"png: channels 0 is outside 1\.\.4"),
    "channels five": (lambda t: write_png(t, channels=5), ValueError, r"png: channels 5 is outside 1\.\.4"),
    "channels as None": (lambda t: write_png(t, channels=None), TypeError,
                         r"channels must be an int, got NoneType"),
    "encoding unknown": (lambda t: write_png(t, encoding="GAMMA"), ValueError,
                         r"encoding must be one of 'SRGB', 'LINEAR', 'LUT', got 'GAMMA'"),
    "LUT encoding without a lut": (lambda t: write_png(t, encoding="LUT"), ValueError,
                                   r"png: the LUT encoding needs a lut"),
    "LUT encoding of grey": (lambda t: write_png(t, encoding="LUT", lut=lut(), channels=1,
                                                 pixels=floats([0.5], 4)), ValueError,
                             r"png: a LUT encodes RGB, 1 channels have none"),
    "lut not a ColorLut": (lambda t: write_png(t, encoding="LUT", lut="Filmic"), TypeError,
                           r"lut must be a bakeview._core.ColorLut, got str"),
    "lut not initialised": (lambda t: write_png(t, encoding="LUT", lut=_core.ColorLut.__new__(_core.ColorLut)),
                            ValueError, r"ColorLut is not initialised"),
    "premultiply without alpha": (lambda t: write_png(t, channels=3, pixels=floats([0.5], 12),
                                                      premultiply=True), ValueError,
                                  r"png: premultiply needs an alpha channel, 3 channels have none"),
    "bits 12": (lambda t: write_png(t, bits=12), ValueError, r"png: bits 12 is not 8 or 16"),
    "bits as str": (lambda t: write_png(t, bits="16"), TypeError, r"bits must be an int, got str"),
    "16 bits of colour": (lambda t: write_png(t, bits=16), ValueError,
                          r"png: 16-bit files are for data \(encoding LINEAR\)"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(PNG))
def test_write_png_refuses(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- ColorLut and color_lut_points ----------------------------------------------------------------

LUTS = {
    "table as None": (lambda t: color_lut(table=None), ValueError, r"table must be a C-contiguous"),
    "table of doubles": (lambda t: color_lut(table=array.array("d", [0.5] * 24)), ValueError,
                         r"table must hold 4-byte items of format 'f'"),
    "table too short": (lambda t: color_lut(table=floats([0.5], 23)), ValueError,
                        r"lut: table holds 23 floats, size 2 needs 24"),
    "table with NaN": (lambda t: color_lut(table=floats([0.5] * 23 + [math.nan])), ValueError,
                       r"lut: table\[23\] is not finite"),
    "size one": (lambda t: color_lut(size=1, table=floats([0.5], 3)), ValueError,
                 r"lut: size 1 is outside 2\.\.129"),
    "size as str": (lambda t: color_lut(size="65"), TypeError, r"size must be an int, got str"),
    "offset zero": (lambda t: color_lut(offset=0.0), ValueError,
                    r"lut: offset 0 is not a finite value above 0"),
    "knee NaN": (lambda t: color_lut(knee=math.nan), ValueError,
                 r"lut: knee nan is not a finite value above 0"),
    "knee as None": (lambda t: color_lut(knee=None), TypeError, r"knee must be a number, got NoneType"),
    "knee_index past the lattice": (lambda t: color_lut(knee_index=2), ValueError,
                                    r"lut: knee_index 2 is outside 1\.\.1"),
    "knee_index missing": (lambda t: call(_core.ColorLut, floats([0.5], 24), 2, offset=0.01, knee=1.0),
                           TypeError, r"knee_index"),
    "error inputs of another count": (lambda t: call(lut().error, floats([0.5], 8), floats([0.5], 4)),
                                      ValueError, r"lut error: inputs \(8 floats\) and expected \(4\)"),
    "apply of str": (lambda t: call(lut().apply, "r", 0.0, 0.0), TypeError, r"must be real number"),
    "points size too large": (lambda t: call(_core.color_lut_points, 130, offset=0.01, knee=1.0,
                                             knee_index=1), ValueError, r"size 130 is outside 2\.\.129"),
    "points knee below zero": (lambda t: call(_core.color_lut_points, 3, offset=0.01, knee=-1.0,
                                              knee_index=1), ValueError,
                               r"lut points: knee -1 is not a finite value above 0"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(LUTS))
def test_color_lut_refuses(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- to_rgba and linear_to_srgb8 ------------------------------------------------------------------

PIXELS = {
    "to_rgba pixels as None": (lambda t: to_rgba(pixels=None), ValueError, r"pixels must be a C-contiguous"),
    "to_rgba pixels of doubles": (lambda t: to_rgba(pixels=array.array("d", [0.0] * 6)), ValueError,
                                  r"pixels must hold 4-byte items of format 'f'"),
    "to_rgba pixels not a multiple": (lambda t: to_rgba(pixels=floats([0.5], 7)), ValueError,
                                      r"pixels holds 7 floats, not a multiple of 3 channels"),
    "to_rgba channels zero": (lambda t: to_rgba(channels=0), ValueError, r"channels must be 1\.\.4, got 0"),
    "to_rgba channels five": (lambda t: to_rgba(channels=5), ValueError, r"channels must be 1\.\.4, got 5"),
    "to_rgba channels as float": (lambda t: to_rgba(channels=3.0), TypeError,
                                  r"channels must be an int, got float"),
    "to_rgba fill of 3": (lambda t: to_rgba(fill=(0, 0, 0)), ValueError,
                          r"fill must be 4 numbers \(R, G, B, A\)"),
    "to_rgba fill of str": (lambda t: to_rgba(fill=("a", "b", "c", "d")), ValueError,
                            r"fill must be 4 numbers"),
    "linear_to_srgb8 of str": (lambda t: call(_core.linear_to_srgb8, "0.5"), TypeError,
                               r"must be a number, got str"),
    "linear_to_srgb8 of None": (lambda t: call(_core.linear_to_srgb8, None), TypeError,
                                r"must be a number, got NoneType"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(PIXELS))
def test_pixel_functions_refuse(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- trim_bounds, rect_hash -----------------------------------------------------------------------

FRAMES = {
    "trim pixels as str": (lambda t: trim_bounds(pixels="pixels"), ValueError,
                           r"pixels must be a C-contiguous buffer .* got str"),
    "trim pixels strided": (lambda t: trim_bounds(pixels=memoryview(floats([1.0], 32))[::2]), ValueError,
                            r"pixels must be a C-contiguous buffer"),
    "trim pixels too short": (lambda t: trim_bounds(pixels=floats([1.0], 15)), ValueError,
                              r"trim: image pixels holds 15 floats, 2 x 2 x 4 needs 16"),
    "trim width zero": (lambda t: trim_bounds(width=0), ValueError,
                        r"trim: image size 0 x 2 is not positive"),
    "trim height negative": (lambda t: trim_bounds(height=-2), ValueError, r"trim: image size 2 x -2"),
    "trim bytes beyond size_t": (
        lambda t: trim_bounds(width=2**31 - 1, height=2**31 - 1), ValueError,
        r"trim: image pixels holds 16 floats, 2147483647 x 2147483647 x 4 needs 18446744056529682436"),
    "trim width beyond a C int": (lambda t: trim_bounds(width=2**31), ValueError,
                                  r"width 2147483648 does not fit a 32-bit int"),
    "trim channels five": (lambda t: trim_bounds(channels=5), ValueError,
                           r"trim: channels 5 is outside 1\.\.4"),
    "trim threshold NaN": (lambda t: trim_bounds(threshold=NAN), ValueError, r"trim: threshold is NaN"),
    "trim threshold as str": (lambda t: trim_bounds(threshold="0.5"), TypeError,
                              r"threshold must be a number, got str"),
    "hash rect outside": (lambda t: rect_hash(rect=(1, 1, 2, 2)), ValueError,
                          r"hash: rect \{x 1, y 1, 2 x 2\} is not inside the 2 x 2 image"),
    "hash rect negative size": (lambda t: rect_hash(rect=(0, 0, -1, 2)), ValueError,
                                r"hash: rect \{x 0, y 0, -1 x 2\} is not inside"),
    "hash rect far away": (lambda t: rect_hash(rect=(2**31 - 1, 0, 2, 2)), ValueError,
                           r"rect \{x 2147483647, y 0, 2 x 2\} is not inside"),
    "hash rect of 3": (lambda t: rect_hash(rect=(0, 0, 2)), ValueError,
                       r"rect must be 4 ints \(x, y, width, height\)"),
    "hash rect as None": (lambda t: rect_hash(rect=None), ValueError, r"rect must be 4 ints"),
    "hash rect with a float": (lambda t: rect_hash(rect=(0, 0, 2.0, 2)), TypeError,
                               r"rect\[2\] must be an int, got float"),
    "hash rect beyond a C int": (lambda t: rect_hash(rect=(0, 2**32, 1, 1)), ValueError,
                                 r"rect\[1\] 4294967296 does not fit a 32-bit int"),
    "hash pixels of int32": (lambda t: rect_hash(pixels=array.array("i", [1] * 16)), ValueError,
                             r"pixels must hold 4-byte items of format 'f', got format 'i'"),
    "hash pixels too long": (lambda t: rect_hash(pixels=floats([1.0], 17)), ValueError,
                             r"hash: image pixels holds 17 floats, 2 x 2 x 4 needs 16"),
    "hash channels zero": (lambda t: rect_hash(channels=0), ValueError, r"hash: channels 0 is outside"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(FRAMES))
def test_frame_functions_refuse(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- pack -----------------------------------------------------------------------------------------

PACK = {
    "sizes as None": (lambda t: pack(sizes=None), ValueError,
                      r"sizes must be a sequence of \(width, height\)"),
    "sizes as int": (lambda t: pack(sizes=3), ValueError, r"sizes must be a sequence"),
    "size of 3 numbers": (lambda t: pack(sizes=[(8, 8), (1, 2, 3)]), ValueError,
                          r"sizes\[1\] must be 2 ints \(width, height\)"),
    "size as str": (lambda t: pack(sizes=["8x8"]), ValueError, r"sizes\[0\] must be 2 ints"),
    "size with a float": (lambda t: pack(sizes=[(8, 8.5)]), TypeError,
                          r"sizes\[0\]\[1\] must be an int, got float"),
    "size negative": (lambda t: pack(sizes=[(8, 8), (-1, 2)]), ValueError,
                      r"pack: rect 1 has a negative size \(-1 x 2\)"),
    "size beyond a C int": (lambda t: pack(sizes=[(2**31, 1)]), ValueError,
                            r"sizes\[0\]\[0\] 2147483648 does not fit a 32-bit int"),
    "size larger than the page": (
        lambda t: pack(sizes=[(5000, 8)]), ValueError,
        r"pack: rect 0 \(5000 x 8\) is larger than the largest page allows: 4096 x 4096"),
    "max_size negative": (lambda t: pack(max_size=(-1, 64)), ValueError, r"pack: max_width -1 is outside"),
    "max_size huge": (lambda t: pack(max_size=(64, 10**6)), ValueError,
                      r"pack: max_height 1000000 is outside 1\.\.65536"),
    "max_size of one number": (lambda t: pack(max_size=(64,)), ValueError,
                               r"max_size must be 2 ints \(width, height\)"),
    "shape_padding negative": (lambda t: pack(shape_padding=-1), ValueError,
                               r"pack: shape_padding -1 is outside 0\.\.65536"),
    "border_padding negative": (lambda t: pack(border_padding=-1), ValueError,
                                r"pack: border_padding -1 is outside"),
    "border_padding as str": (lambda t: pack(border_padding="2"), TypeError,
                              r"border_padding must be an int, got str"),
    "border_padding leaving no room": (
        lambda t: pack(border_padding=3000), ValueError,
        r"larger than the largest page allows: 0 x 0 inside border_padding 3000"),
    "grid_columns negative": (lambda t: pack(layout="GRID", grid_columns=-1), ValueError,
                              r"pack: grid_columns -1 is negative"),
    "grid_columns too many": (lambda t: pack(layout="GRID", grid_columns=10000), ValueError,
                              r"grid_columns 10000 of 8 px cells need a page 80000 px wide"),
    "layout unknown": (lambda t: pack(layout="SHELF"), ValueError,
                       r"layout must be one of 'MAXRECTS', 'GRID', got 'SHELF'"),
    "heuristic unknown": (lambda t: pack(heuristic="WORST"), ValueError,
                          r"heuristic must be one of 'BSSF', 'BAF', 'BL', 'CP', 'BEST', got 'WORST'"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(PACK))
def test_pack_refuses(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- blit: the page must come out untouched -------------------------------------------------------

def read_only_numpy_page():
    page = numpy.full(64, 0.25, numpy.float32)
    page.setflags(write=False)
    return page


def blit_onto_itself(tmp):
    page = floats([0.25], 64)
    return blit(page=page, source=page, source_width=4, source_height=4)


def blit_from_an_overlapping_view(tmp):
    """Source and page are two views of one buffer, sharing a row."""
    whole = memoryview(floats([0.25], 96))
    return blit(page=whole[32:], source=whole[:48], source_width=4, source_height=3)


BLIT = {
    "page as bytes (read-only)": (lambda t: blit(page=bytes(256)), ValueError,
                                  r"page must be a C-contiguous, writable buffer .* got bytes"),
    "page read-only memoryview": (lambda t: blit(page=memoryview(floats([0.25], 64)).toreadonly()),
                                  ValueError, r"page must be a C-contiguous, writable buffer"),
    "page read-only numpy": needs_numpy(lambda t: blit(page=read_only_numpy_page()), ValueError,
                                        r"page must be a C-contiguous, writable buffer .* got ndarray"),
    "page of doubles": (lambda t: blit(page=array.array("d", [0.25] * 64)), ValueError,
                        r"page must hold 4-byte items of format 'f', got format 'd'"),
    "page strided": (lambda t: blit(page=memoryview(floats([0.25], 128))[::2]), ValueError,
                     r"page must be a C-contiguous, writable buffer .* got memoryview"),
    "page strided numpy": needs_numpy(
        lambda t: blit(page=numpy.full((4, 8, 4), 0.25, numpy.float32)[:, ::2, :]), ValueError,
        r"page must be a C-contiguous, writable buffer"),
    "page too short": (lambda t: blit(page=floats([0.25], 63)), ValueError,
                       r"blit: page pixels holds 63 floats, 4 x 4 x 4 needs 64"),
    "source as None": (lambda t: blit(source=None), ValueError, r"source must be a C-contiguous buffer"),
    "source of int32": (lambda t: blit(source=array.array("i", [1] * 16)), ValueError,
                        r"source must hold 4-byte items of format 'f', got format 'i'"),
    "source too long": (lambda t: blit(source=floats([1.0], 20)), ValueError,
                        r"blit: source pixels holds 20 floats, 2 x 2 x 4 needs 16"),
    "source is the page": (blit_onto_itself, ValueError, r"blit: source and page overlap"),
    "source overlaps the page": (blit_from_an_overlapping_view, ValueError, r"blit: source and page overlap"),
    "copy past the right edge": (
        lambda t: blit(x=3), ValueError,
        r"blit: a 2 x 2 copy at \(3, 1\) with extrude 0 does not fit the 4 x 4 page"),
    "copy at a negative y": (lambda t: blit(y=-1), ValueError, r"a 2 x 2 copy at \(1, -1\)"),
    "rotated copy past the bottom": (
        lambda t: blit(source=floats([1.0], 24), source_width=3, source_rect=(0, 0, 3, 2), x=0, y=2,
                       rotated=True), ValueError, r"a 2 x 3 copy at \(0, 2\) with extrude 0 does not fit"),
    "extrude past the edge": (lambda t: blit(extrude=2), ValueError,
                              r"with extrude 2 does not fit the 4 x 4 page"),
    "extrude negative": (lambda t: blit(extrude=-1), ValueError, r"blit: extrude -1 is negative"),
    "extrude huge": (lambda t: blit(extrude=2**31 - 1), ValueError, r"with extrude 2147483647 does not fit"),
    "x beyond a C int": (lambda t: blit(x=2**31), ValueError, r"x 2147483648 does not fit a 32-bit int"),
    "x as float": (lambda t: blit(x=1.0), TypeError, r"x must be an int, got float"),
    "source_rect outside": (lambda t: blit(source_rect=(1, 1, 2, 2)), ValueError,
                            r"blit: source_rect \{x 1, y 1, 2 x 2\} is not inside the 2 x 2 source"),
    "source_rect of 2": (lambda t: blit(source_rect=(2, 2)), ValueError, r"source_rect must be 4 ints"),
    "page size beyond size_t bytes": (
        lambda t: blit(page_width=2**31 - 1, page_height=2**31 - 1), ValueError,
        r"blit: page pixels holds 64 floats, 2147483647 x 2147483647 x 4 needs"),
    "page_height zero": (lambda t: blit(page_height=0), ValueError, r"blit: page size 4 x 0 is not positive"),
    "channels zero": (lambda t: blit(channels=0), ValueError, r"blit: channels 0 is outside 1\.\.4"),
    "channels three for RGBA buffers": (lambda t: blit(channels=3), ValueError,
                                        r"blit: source pixels holds 16 floats, 2 x 2 x 3 needs 12"),
}



@pytest.mark.parametrize("make, exception, pattern", cases(BLIT))
def test_blit_refuses_and_leaves_the_page_alone(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- write_json -----------------------------------------------------------------------------------

JSON = {
    "path as int": (lambda t: write_json(t, path=3), TypeError, r"expected str, bytes or os.PathLike"),
    "missing folder": (lambda t: write_json(t, path=str(t / "no" / "sheet.json")), OSError,
                       r"json: cannot write .*/no/sheet\.json: No such file or directory"),
    "parent is a file": (lambda t: write_json(t, path=str(t / "sheet.json" / "x.json")), OSError,
                         r"json: cannot write .*/sheet\.json/x\.json: Not a directory"),
    "folder not writable (mode 0o500)": pytest.param(
        lambda t: write_json(t, path=str(unwritable_folder(t) / "sheet.json")), OSError,
        r"json: cannot write .*/locked/sheet\.json: Permission denied",
        marks=pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0o500 folder anyway; "
                                 "'parent is a file' covers an unwritable folder")),
    "image missing": (lambda t: call(_core.write_json, path=str(t / "s.json"), frames=[], size=(4, 4)),
                      TypeError, r"write_json\(\) missing required keyword argument 'image'"),
    "size missing": (lambda t: call(_core.write_json, path=str(t / "s.json"), frames=[], image="s.png"),
                     TypeError, r"write_json\(\) missing required keyword argument 'size'"),
    "image as None": (lambda t: write_json(t, image=None), TypeError,
                      r"image must be a str \(the page's PNG file name\), got NoneType"),
    "image empty": (lambda t: write_json(t, image=""), ValueError, r"json: image is empty"),
    "size zero": (lambda t: write_json(t, size=(0, 4)), ValueError, r"json: page size 0 x 4 is not positive"),
    "size of one number": (lambda t: write_json(t, size=(4,)), ValueError,
                           r"size must be 2 ints \(width, height\)"),
    "size beyond a C int": (lambda t: write_json(t, size=(4, 2**40)), ValueError,
                            r"size\[1\] 1099511627776 does not fit a 32-bit int"),
    "scale NaN": (lambda t: write_json(t, scale=NAN), ValueError, r"json: scale nan is not a finite number"),
    "scale inf": (lambda t: write_json(t, scale=INF), ValueError, r"json: scale inf is not a finite number"),
    "scale negative": (lambda t: write_json(t, scale=-1.0), ValueError,
                       r"json: scale -1 is not a finite number >= 0"),
    "scale as str": (lambda t: write_json(t, scale="1"), TypeError, r"scale must be a number, got str"),
    "form unknown": (lambda t: write_json(t, form="XML"), ValueError,
                     r"form must be one of 'HASH', 'ARRAY', got 'XML'"),
    "frames as None": (lambda t: write_json(t, frames=None), ValueError,
                       r"frames must be a sequence of dicts"),
    "frame as str": (lambda t: write_json(t, frames=["walk_0"]), ValueError, r"frames\[0\] must be a dict"),
    "frame without a name": (lambda t: write_json(t, frames=[frame(name=None)]), ValueError,
                             r"frames\[0\] needs a 'name' string"),
    "frame with an empty name": (lambda t: write_json(t, frames=[frame(name="")]), ValueError,
                                 r"json: the name of frame 0 is empty"),
    "two frames of one name": (lambda t: write_json(t, frames=[frame(), frame()]), ValueError,
                               r"json: frame name \"walk_0\" is used twice \(frames 0 and 1\)"),
    "frame outside the page": (lambda t: write_json(t, frames=[frame(frame=(3, 3, 2, 2))]), ValueError,
                               r"frame \"walk_0\" occupies 2 x 2 pixels at \(3, 3\), outside the 4 x 4 page"),
    "frame without its rect": (lambda t: write_json(t, frames=[{"name": "a"}]), ValueError,
                               r"a frame needs 'frame' \(x, y, width, height\)"),
    "frame rect with a float": (lambda t: write_json(t, frames=[frame(frame=(0, 0, 2.5, 2))]), TypeError,
                                r"frame\[2\] must be an int, got float"),
    "pivot NaN": (lambda t: write_json(t, frames=[frame(pivot_x=NAN)]), ValueError,
                  r"frame \"walk_0\": pivot \(nan, 0.5\) is not finite"),
    "pivot as str": (lambda t: write_json(t, frames=[frame(pivot_y="middle")]), ValueError,
                     r"frame field 'pivot_y' must be a number"),
    "view as int": (lambda t: write_json(t, frames=[frame(view=5)]), ValueError,
                    r"frames\[0\]\['view'\] must be a dict or None"),
    "view without projection": (lambda t: write_json(t, frames=[frame(view={"view": VIEW})]), ValueError,
                                r"frames\[0\]\['view'\] needs 'view' and 'projection'"),
    "view matrix with NaN": (lambda t: write_json(t, frames=[frame(view=view(view=matrix_with(NAN)))]),
                             ValueError, r"frame \"walk_0\": view matrix is not finite"),
    "projection of 3 x 3": (lambda t: write_json(t, frames=[frame(view=view(projection=[[1, 0, 0]] * 3))]),
                            ValueError, r"projection must be a 4x4 matrix"),
    "azimuth inf": (lambda t: write_json(t, frames=[frame(view=view(azimuth=INF))]), ValueError,
                    r"azimuth inf / elevation 30 is not finite"),
    "animation_frame as float": (lambda t: write_json(t, frames=[frame(view=view(animation_frame=1e300))]),
                                 TypeError, r"animation_frame must be an int, got float"),
    "animation_frame beyond a C int": (
        lambda t: write_json(t, frames=[frame(view=view(animation_frame=2**31))]), ValueError,
        r"animation_frame 2147483648 does not fit a 32-bit int"),
    "animations as list": (lambda t: write_json(t, animations=["walk"]), ValueError,
                           r"animations must map names \(str\) to lists of frame names \(str\)"),
    "animation of an int": (lambda t: write_json(t, animations={"walk": 1}), ValueError,
                            r"animations must map names"),
    "animation naming an int": (lambda t: write_json(t, animations={"walk": [0]}), ValueError,
                                r"animations must map names"),
    "animation naming no frame": (lambda t: write_json(t, animations={"walk": ["walk_9"]}), ValueError,
                                  r"animation \"walk\" names frame \"walk_9\", which is not in this sheet"),
    "related_multi_packs as one str": (
        lambda t: write_json(t, related_multi_packs="sheet-1.json"), ValueError,
        r"related_multi_packs must be a sequence of strings"),
    "related_multi_packs of ints": (lambda t: write_json(t, related_multi_packs=[1]), ValueError,
                                    r"related_multi_packs must be a sequence of strings"),
    "normal_image as bytes": (lambda t: write_json(t, normal_image=b"n.png"), TypeError,
                              r"normal_image must be a str \(a PNG file name\) or None, got bytes"),
    "normal_image empty": (lambda t: write_json(t, normal_image=""), ValueError,
                           r"json: the normal sheet's image is empty or not UTF-8"),
    "normal_y unknown": (lambda t: write_json(t, normal_image="n.png", normal_y="LEFT"), ValueError,
                         r"normal_y must be one of 'UP', 'DOWN', got 'LEFT'"),
    "depth_image without a range": (lambda t: write_json(t, depth_image="d.png"), ValueError,
                                    r"depth_range must be \(near, far\) with depth_image"),
    "depth_range of three": (lambda t: write_json(t, depth_image="d.png", depth_range=(1, 2, 3)),
                             ValueError, r"depth_range must be \(near, far\)"),
    "depth_range of a str": (lambda t: write_json(t, depth_image="d.png", depth_range=(1, "far")),
                             TypeError, r"depth_range's far must be a number, got str"),
    "depth_range reversed": (lambda t: write_json(t, depth_image="d.png", depth_range=(3.0, 1.0)),
                             ValueError, r"json: the depth sheet's range 3 \.\. 1 is not a finite, "
                                         r"increasing range"),
    "depth_range NaN": (lambda t: write_json(t, depth_image="d.png", depth_range=(NAN, 1.0)),
                        ValueError, r"is not a finite, increasing range"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(JSON))
def test_write_json_refuses(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- write_multipack_json -------------------------------------------------------------------------

PAGE = {"image": "sheet-0.png", "size": (4, 4)}
MULTIPACK = {
    "path as int": (lambda t: write_multipack_json(t, path=3), TypeError,
                    r"expected str, bytes or os.PathLike"),
    "missing folder": (lambda t: write_multipack_json(t, path=str(t / "no" / "sheet.json")), OSError,
                       r"json: .*no/sheet\.json"),
    "pages missing": (lambda t: call(_core.write_multipack_json, path=str(t / "s.json"), frames=[]),
                      TypeError, r"write_multipack_json\(\) missing required keyword argument 'pages'"),
    "no pages": (lambda t: write_multipack_json(t, pages=[], frames=[]), ValueError,
                 r"^json: a multi-pack needs at least one page$"),
    "pages as one dict": (lambda t: write_multipack_json(t, pages=PAGE), ValueError,
                          r"pages must be a sequence of dicts with 'image' and 'size'"),
    "page as str": (lambda t: write_multipack_json(t, pages=["sheet-0.png"]), ValueError,
                    r"pages\[0\] must be a dict with 'image' and 'size'"),
    "page without size": (lambda t: write_multipack_json(t, pages=[PAGE, {"image": "b.png"}]), ValueError,
                          r"pages\[1\] needs 'size'"),
    "page image as bytes": (lambda t: write_multipack_json(t, pages=[PAGE, {"image": b"b.png", "size": (4, 4)}]),
                            TypeError, r"pages\[1\]\['image'\] must be a str \(the page's PNG file name\), got bytes"),
    "page size of one number": (lambda t: write_multipack_json(t, pages=[PAGE, {"image": "b", "size": (4,)}]),
                                ValueError, r"pages\[1\]\['size'\] must be"),
    "page size zero": (lambda t: write_multipack_json(t, pages=[PAGE, {"image": "b", "size": (4, 0)}]),
                       ValueError, r"^json: page 1: page size 4 x 0 is not positive$"),
    "one image for two pages": (lambda t: write_multipack_json(t, pages=[PAGE, PAGE]), ValueError,
                                r"^json: image \"sheet-0.png\" is used twice \(pages 0 and 1\)$"),
    "frame without a page": (lambda t: write_multipack_json(t, frames=[frame()]), ValueError,
                             r"frames\[0\] needs a 'page' from 0 to 1 \(an index into pages\)"),
    "frame on a page beyond": (lambda t: write_multipack_json(t, frames=[frame(page=2)]), ValueError,
                               r"frames\[0\] needs a 'page' from 0 to 1"),
    "frame on page -1": (lambda t: write_multipack_json(t, frames=[frame(page=-1)]), ValueError,
                         r"frames\[0\] needs a 'page' from 0 to 1"),
    "frame page as float": (lambda t: write_multipack_json(t, frames=[frame(page=0.0)]), ValueError,
                            r"frames\[0\] needs a 'page'"),
    "one name on two pages": (lambda t: write_multipack_json(t, frames=[frame(page=0), frame(page=1)]),
                              ValueError, r"^json: frame name \"walk_0\" is used twice "
                                          r"\(page 0 frame 0 and page 1 frame 0\)$"),
    "frame named __BASE": (lambda t: write_multipack_json(t, frames=[frame(page=1, name="__BASE")]),
                           ValueError, r"^json: page 1: frame 0 is named \"__BASE\", the name Phaser gives "
                                       r"the whole page$"),
    "frame outside its page": (lambda t: write_multipack_json(t, frames=[frame(page=1, frame=(3, 0, 2, 2))]),
                               ValueError, r"^json: page 1: frame \"walk_0\" occupies 2 x 2 pixels at \(3, 0\), "
                                           r"outside the 4 x 4 page$"),
    "frames as None": (lambda t: write_multipack_json(t, frames=None), ValueError,
                       r"frames must be a sequence of dicts"),
    "animation naming no frame": (lambda t: write_multipack_json(t, animations={"walk": ["walk_9"]}),
                                  ValueError, r"animation \"walk\" names frame \"walk_9\", which is not in "
                                              r"this sheet"),
    "animations as list": (lambda t: write_multipack_json(t, animations=["walk"]), ValueError,
                           r"animations must map names \(str\) to lists of frame names \(str\)"),
    "scale negative": (lambda t: write_multipack_json(t, scale=-1.0), ValueError,
                       r"json: scale -1 is not a finite number >= 0"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(MULTIPACK))
def test_write_multipack_json_refuses(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- encode_normal_sheet, encode_depth_sheet: the output is new, the inputs stay -------------------

def encode_normal_sheet(**changes):
    return call(_core.encode_normal_sheet, **{"normals": floats([0.0, 0.0, 1.0], 4),
                                              "color": floats([0.5, 0.5, 0.5, 1.0], 4), "width": 2,
                                              "height": 2, **changes})


def encode_depth_sheet(**changes):
    return call(_core.encode_depth_sheet, **{"depth": floats([2.0], 4), "color": floats([0.5, 0.5, 0.5, 1.0], 4),
                                             "width": 2, "height": 2, "near": 1.0, "far": 3.0, **changes})


DATA_SHEETS = {
    "normals of doubles": (lambda t: encode_normal_sheet(normals=array.array("d", [0.0] * 12)), ValueError,
                           r"normals must hold 4-byte items of format 'f'"),
    "normals too short": (lambda t: encode_normal_sheet(normals=floats([0.0, 0.0, 1.0], 3)), ValueError,
                          r"normal sheet: normals holds 9 floats, 2 x 2 needs 12"),
    "normal colour too short": (lambda t: encode_normal_sheet(color=floats([1.0], 15)), ValueError,
                                r"normal sheet: color holds 15 floats, 2 x 2 needs 16"),
    "normal NaN": (lambda t: encode_normal_sheet(normals=floats([0.0, NAN, 1.0], 4)), ValueError,
                   r"normal sheet: the normal of pixel 0 is NaN or infinite"),
    "alpha inf": (lambda t: encode_normal_sheet(color=floats([0.0, 0.0, 0.0, INF], 4)), ValueError,
                  r"normal sheet: the alpha of pixel 0 is NaN or infinite"),
    "normal_y unknown": (lambda t: encode_normal_sheet(normal_y="SIDEWAYS"), ValueError,
                         r"normal_y must be one of 'UP', 'DOWN', got 'SIDEWAYS'"),
    "normal width zero": (lambda t: encode_normal_sheet(width=0), ValueError,
                          r"width and height must be positive, got 0 x 2"),
    "depth too long": (lambda t: encode_depth_sheet(depth=floats([2.0], 5)), ValueError,
                       r"depth sheet: depth holds 5 floats, 2 x 2 needs 4"),
    "depth NaN": (lambda t: encode_depth_sheet(depth=floats([NAN], 4)), ValueError,
                  r"depth sheet: the depth of pixel 0 is NaN"),
    "depth range empty": (lambda t: encode_depth_sheet(near=2.0, far=2.0), ValueError,
                          r"depth sheet: range 2 \.\. 2 is not a finite, increasing range"),
    "depth far inf": (lambda t: encode_depth_sheet(far=INF), ValueError, r"is not a finite, increasing range"),
    "depth near as str": (lambda t: encode_depth_sheet(near="1"), TypeError, r"near must be a number, got str"),
    "depth far missing": (lambda t: call(_core.encode_depth_sheet, floats([2.0], 4), floats([1.0], 16), 2, 2, 1.0),
                          TypeError, r"missing required argument 'far'"),
}


@pytest.mark.parametrize("make, exception, pattern", cases(DATA_SHEETS))
def test_data_sheet_encoders_refuse(make, exception, pattern, tmp_path):
    refused(make, exception, pattern, tmp_path)


# -- the good calls the rows start from work --------------------------------------------------------

GOOD = {
    "render": lambda t: render(), "Mesh": lambda t: mesh(), "Texture": lambda t: texture(),
    "write_png": lambda t: write_png(t), "to_rgba": lambda t: to_rgba(),
    "trim_bounds": lambda t: trim_bounds(), "rect_hash": lambda t: rect_hash(), "pack": lambda t: pack(),
    "write_json": lambda t: write_json(t), "write_json with a view": lambda t: write_json(
        t, frames=[frame(view=view())], animations={"walk": ["walk_0"]}, related_multi_packs=["b.json"]),
    "write_multipack_json": lambda t: write_multipack_json(t), "write_multipack_json with animations":
        lambda t: write_multipack_json(t, animations={"walk": ["walk_1", "walk_0"]}, scale=0.5,
                                       premultiplied=True),
    "write_json with data sheets": lambda t: write_json(
        t, normal_image="n.png", normal_y="DOWN", depth_image="d.png", depth_range=(1.0, 2.0)),
    "write_png 16-bit": lambda t: write_png(t, encoding="LINEAR", bits=16),
    "encode_normal_sheet": lambda t: encode_normal_sheet(),
    "encode_depth_sheet": lambda t: encode_depth_sheet(),
}


@pytest.mark.parametrize("make", GOOD.values(), ids=GOOD.keys())
def test_the_good_calls_succeed(make, tmp_path):
    make(tmp_path)()


def test_the_good_blit_writes_the_page_so_a_write_would_be_seen(tmp_path):
    partial = blit()
    before = buffers_of(partial)
    partial()
    assert buffers_of(partial)["page"] != before["page"]


def test_the_good_writers_replace_the_older_file(tmp_path):
    write_png(tmp_path)()
    write_json(tmp_path)()
    assert (tmp_path / "out.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "sheet.json").read_bytes().startswith(b"{")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png", "sheet.json"]


# -- in a child process: refused before allocating, and a full disk --------------------------------

def run_limited(code, *, address_space=None, file_size=None):
    """Runs `code` in a child process with _core imported, under resource limits (bytes); returns
    what it printed: "OK" or "<exception type>: <message>"."""
    lines = ["import array, resource, signal, sys",
             f"sys.path.insert(0, {PACKAGE_DIR!r})",
             "from bakeview import _core",
             f"VIEW, ORTHO = {VIEW!r}, {ORTHO!r}"]
    env = dict(os.environ)
    if address_space is not None and UNDER_ASAN:  # its shadow memory needs terabytes of address
        # space: limit each allocation with ASan's own allocator instead
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":allocator_may_return_null=1"
                               f":max_allocation_size_mb={address_space >> 20}").lstrip(":")
    elif address_space is not None:
        lines.append(f"resource.setrlimit(resource.RLIMIT_AS, ({address_space}, {address_space}))")
    if file_size is not None:  # a write past the limit then fails with EFBIG instead of a signal
        lines += ["signal.signal(signal.SIGXFSZ, signal.SIG_IGN)",
                  f"resource.setrlimit(resource.RLIMIT_FSIZE, ({file_size}, {file_size}))"]
    lines += ["try:", textwrap.indent(textwrap.dedent(code).strip(), "    "),
              "except BaseException as e:", "    print(f'{type(e).__name__}: {e}')",
              "else:", "    print('OK')"]
    done = subprocess.run([sys.executable, "-c", "\n".join(lines)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


TWO_GIB = 2 << 30
UNDER_ASAN = "libasan" in os.environ.get("LD_PRELOAD", "")  # ./run test's sanitized extension run
QUAD = """
quad = _core.Mesh(array.array("f", [-1, -1, 0, 1, -1, 0, 1, 1, 0]), array.array("I", [0, 1, 2]),
                  array.array("f", [0, 0, 1, 0, 1, 1]),
                  texture=_core.Texture(array.array("f", [1, 1, 1, 1]), 1, 1))
"""

BEFORE_ALLOCATING = {
    "render 100000 x 100000": (QUAD + "_core.render([quad], VIEW, ORTHO, 100000, 100000)",
                               r"ValueError: width and height must be in 1\.\.32768, got 100000 x 100000"),
    "render 100000 x 100000, every pass": (
        QUAD + "_core.render([quad], VIEW, ORTHO, 100000, 100000, passes=('COLOR', 'ALPHA', 'DEPTH', "
               "'NORMAL', 'UV', 'OBJECT_ID'))",
        r"ValueError: width and height must be in 1\.\.32768, got 100000 x 100000"),
    "render 2**31 wide": (QUAD + "_core.render([quad], VIEW, ORTHO, 2**31, 1)",
                          r"ValueError: width 2147483648 does not fit a 32-bit int"),
    "write_png 100000 x 100000": ("_core.write_png('never.png', array.array('f', [0.0] * 4), 100000, 100000)",
                                  r"ValueError: png: size 100000 x 100000 is outside 1\.\.65535"),
    "Texture 100000 x 100000 with mipmaps": (
        "_core.Texture(array.array('f', [0.0] * 4), 100000, 100000, mipmaps=True)",
        r"ValueError: texture: size 100000 x 100000 is outside 1\.\.65536"),
    # bad input at a size that fits the limits is found before the passes are allocated
    "render 32768 x 32768 with a NaN in the view": (
        QUAD + "_core.render([quad], [[float('nan')] * 4] + VIEW[1:], ORTHO, 32768, 32768)",
        r"ValueError: render: camera\.view has a NaN or infinite value"),
    "render 32768 x 32768 with a vertex index out of range": (
        "quad = _core.Mesh(array.array('f', [0] * 9), array.array('I', [0, 1, 7]), "
        "array.array('f', [0] * 6), texture=_core.Texture(array.array('f', [1] * 4), 1, 1))\n"
        "_core.render([quad], VIEW, ORTHO, 32768, 32768)",
        r"ValueError: render: mesh 0: triangle 0 uses vertex 7, but there are 3"),
    # the control: a size within the limits does allocate, and runs out under 2 GiB
    "control: render 32768 x 32768 runs out of memory": (
        QUAD + "_core.render([quad], VIEW, ORTHO, 32768, 32768)",
        r"MemoryError: out of memory for the COLOR pass: 4294967296 floats"),
}


@pytest.mark.parametrize("code, expected", BEFORE_ALLOCATING.values(), ids=BEFORE_ALLOCATING.keys())
def test_huge_sizes_are_refused_before_allocating(code, expected):
    """Under a 2 GiB address space an allocation first would raise MemoryError instead."""
    printed = run_limited(code, address_space=TWO_GIB)
    assert re.fullmatch(expected, printed), printed


WRITERS = {
    "write_png": ("out.png", "_core.write_png(PATH, array.array('f', [0.5] * 64), 4, 4)",
                  r"OSError: png: cannot write .*/out\.png: File too large"),
    "write_json": ("sheet.json", "_core.write_json(PATH, [], image='sheet.png', size=(4, 4))",
                   r"OSError: json: cannot write .*/sheet\.json: File too large"),
}


@pytest.mark.parametrize("older_file", [None, OLD_FILE], ids=["no older file", "an older file"])
@pytest.mark.parametrize("name, code, expected", WRITERS.values(), ids=WRITERS.keys())
def test_a_full_disk_raises_os_error_and_leaves_the_folder_as_it_was(name, code, expected, older_file,
                                                                      tmp_path):
    """RLIMIT_FSIZE of 16 bytes: the write fails with EFBIG part way, as on a full disk."""
    path = tmp_path / name
    if older_file is not None:
        path.write_bytes(older_file)
    printed = run_limited(f"PATH = {str(path)!r}\n" + code, file_size=16)
    assert re.fullmatch(expected, printed), printed
    assert [p.name for p in tmp_path.iterdir()] == ([name] if older_file else []), "a partial or temp file"
    if older_file is not None:
        assert path.read_bytes() == older_file


@pytest.mark.parametrize("name, code, expected", WRITERS.values(), ids=WRITERS.keys())
def test_without_the_file_size_limit_the_same_write_succeeds(name, code, expected, tmp_path):
    path = tmp_path / name
    path.write_bytes(OLD_FILE)
    assert run_limited(f"PATH = {str(path)!r}\n" + code, file_size=None) == "OK"
    assert path.read_bytes() != OLD_FILE
    assert [p.name for p in tmp_path.iterdir()] == [name]
