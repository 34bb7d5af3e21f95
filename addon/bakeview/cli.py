"""The batch command line: sprite sheets and texture atlases for many objects and .blend files, in
background mode.

Inside Blender (the open file, or the .blend files named):
    blender -b scene.blend --python-expr "import bakeview.cli as c; c.main()" -- sheet --out DIR
With the bpy module:
    python -m bakeview sheet scenes/*.blend --out DIR
    python -m bakeview atlas props/*.blend --out DIR --glb
    python -m bakeview preview DIR/NAME.json   (no Blender needed: the sheet's files alone)

`--help` documents every option. Progress goes to stdout, one line per step; warnings and errors
to stderr ("bakeview: warning: ...", "bakeview: error: ..."), with exit status 1 on an error (2
for a wrong command line). The .blend files named are read, never written."""
import argparse
import contextlib
import os
import re
import shutil
import sys
import tempfile
import warnings

from . import BAKE_KINDS, PASSES

# a .blend file starts with "BLENDER", or is one compressed with gzip (Blender < 3.0) or zstd
BLEND_MAGIC = (b"BLENDER", b"\x1f\x8b", b"\x28\xb5\x2f\xfd")
NEW_BAKE_KIND = "DIFFUSE"  # what an object without any bake is baked as, without --kind
GLB_KINDS = {"DIFFUSE": "lit", "COMBINED": "unlit", "GLOSSY": "unlit", "EMIT": "unlit"}

# the Python API's argument names, as the flags that set them (see _cli_message)
BAKE_FLAGS = {"size": "--bake-size", "auto_uv": "--auto-uv", "overwrite": "--overwrite",
              "kind": "--kind", "objects": "--objects"}
SHEET_FLAGS = {
    "frame_size": "--frame-size", "views": "--views", "frames": "--frames", "kind": "--kind",
    "passes": "--passes", "projection": "--projection", "margin": "--margin",
    "pixels_per_unit": "--pixels-per-unit", "samples": "--samples", "trim": "--trim",
    "alpha_threshold": "--alpha-threshold", "layout": "--layout", "heuristic": "--heuristic",
    "shape_padding": "--shape-padding", "border_padding": "--border-padding",
    "extrude": "--extrude", "max_size": "--max-size", "power_of_two": "--power-of-two",
    "square": "--square", "allow_rotation": "--allow-rotation", "dedupe": "--dedupe",
    "premultiplied": "--premultiplied", "colour": "--colour", "json_form": "--json-form",
    "formats": "--formats", "pixel_art": "--pixel-art", "pixel_scale": "--pixel-scale",
    "palette": "--palette", "outline": "--outline",
    "normal_y": "--normal-y", "pivot": "--pivot", "overwrite": "--overwrite",
    "objects": "--objects", "renderer": "--renderer", "lighting": "--lighting",
    "cells": "--cells", "frame_store": "--frame-store"}
# earlier names of sheet flags, still read: each warns once and says the name to use
DEPRECATED = {"sheet": {"--size": "--frame-size", "--padding": "--shape-padding",
                        "--border": "--border-padding", "--rotate": "--allow-rotation",
                        "--json": "--json-form"}}
IMPOSTOR_FLAGS = {
    "layout": "--layout", "grid": "--grid", "size": "--size", "frames": "--frames",
    "kind": "--kind", "samples": "--samples", "colour": "--colour", "overwrite": "--overwrite",
    "objects": "--objects", "threads": "--threads"}
ATLAS_FLAGS = {
    "size": "--size", "padding": "--padding", "extrude": "--extrude", "max_size": "--max-size",
    "power_of_two": "--power-of-two", "square": "--square", "uv_map": "--uv-map",
    "heuristic": "--heuristic", "scale": "--scale", "colour": "--colour", "kind": "--kind",
    "overwrite": "--overwrite", "objects": "--objects", "name": "--name"}


class Failure(Exception):
    """An error for the user, its message in the command line's terms."""


# -- argument types --------------------------------------------------------------------------------


def _size(text):
    try:
        width, _, height = text.lower().partition("x")
        width = int(width)
        height = int(height) if height else width
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT or one number, got {text!r}") from None
    return width, height


def _frames(text):
    try:
        parts = [int(p) for p in text.split(":")]
    except ValueError:
        parts = []
    if len(parts) not in (1, 2, 3):
        raise argparse.ArgumentTypeError(f"expected FRAME or START:END[:STEP], got {text!r}")
    return parts[0] if len(parts) == 1 else tuple(parts)


def _one_of(what, letter):
    """The type of a flag I/N (I of N parts, counted from 0): --shard, --cells."""
    def parse(text):
        index, _, count = text.partition("/")
        try:
            index, count = int(index), int(count)
        except ValueError:
            index = count = -1
        if count < 1 or not 0 <= index < count:
            raise argparse.ArgumentTypeError(f"expected I/{letter} with 0 <= I < {letter} "
                                             f"({what} count from 0), got {text!r}")
        return index, count

    return parse


_shard = _one_of("shards", "N")
_cells = _one_of("cells", "K")  # --cells I/K: cells I, I+K, I+2K ... of each sheet


def _names(text):
    return [n for n in text.split(",") if n]


def _palette(text):
    """--palette: a number of colours, or #rrggbb colours separated by commas."""
    return int(text) if text.strip().isdigit() else [c.strip() for c in text.split(",") if c.strip()]


def _colour(text):
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected R,G,B numbers, got {text!r}") from None


def _upper(text):
    """An enumeration's name in any case, as the API takes it (argparse's choices compare it)."""
    return text.upper()


def _samples(text):
    """AUTO (any case), or N for an N x N grid."""
    if text.upper() == "AUTO":
        return "AUTO"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"AUTO or a whole number of samples, not {text!r}") from None


def _renderer(text):
    """NAME for every view, or VIEW=NAME,VIEW=NAME for some (the others BAKEVIEW)."""
    if "=" not in text:
        return text.upper()
    chosen = {}
    for part in text.split(","):
        view, _, name = part.partition("=")
        if not view.strip() or not name.strip():
            raise argparse.ArgumentTypeError(f"expected NAME or VIEW=NAME,..., got {text!r}")
        chosen[view.strip()] = name.strip().upper()
    return chosen


def _pivot(text):
    """ORIGIN, FEET (any case) or X,Y,Z."""
    if text.upper() in ("ORIGIN", "FEET"):
        return text.upper()
    try:
        point = tuple(float(v) for v in text.split(","))
    except ValueError:
        point = ()
    if len(point) != 3:
        raise argparse.ArgumentTypeError(f"expected ORIGIN, FEET or X,Y,Z, got {text!r}")
    return point


def _scale(text):
    try:
        if "/" in text:
            top, _, bottom = text.partition("/")
            return int(top) / int(bottom)
        return float(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"expected 1, 1/2, 1/4 ..., got {text!r}") from None


def _cache_size(text):
    """--bake-cache-size: bytes, with K, M, G, T (powers of 1024)."""
    from .bake_cache import parse_size

    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# -- the parser ------------------------------------------------------------------------------------


def _input_options(command, what):
    """The options every command shares: the files, the objects, the bakes, the shard."""
    command.add_argument("blends", nargs="*", metavar="BLEND",
                         help=".blend files to read (default: the file Blender has open); they "
                         "are never written")
    command.add_argument("--out", required=True,
                         help="folder for the files written (made, parents too, when the first "
                         "file is written)")
    command.add_argument("--objects", type=_names, default=None,
                         help="comma-separated object names (default: every visible mesh)")
    command.add_argument("--kind", type=_upper, choices=BAKE_KINDS, default=None,
                         help=f"bake kind {what} (default: each object's latest bake, as the "
                         f"file has it; objects without any bake are baked {NEW_BAKE_KIND})")
    command.add_argument("--rebake", action="store_true",
                         help="bake every object again, replacing its bake of that kind "
                         "(default: only objects without a bake of the kind are baked)")
    command.add_argument("--bake-size", type=int, default=1024,
                         help="texture size of new bakes (default 1024)")
    command.add_argument("--auto-uv", action="store_true",
                         help="give an object without UV map one (Smart UV Project) to bake with")
    command.add_argument("--bake-cache", default=None, metavar="DIR",
                         help="a folder of finished bakes, shared by every run and machine: an "
                         "object to bake whose bake is there (same mesh, materials, images, "
                         "bake settings, Blender and bakeview; for kinds that hold light the "
                         "same scene) is read from it instead of baked, also with --rebake, and "
                         "new bakes are stored in it. Prints 'bakeview: bakes: N baked, M from "
                         "cache' (default: no cache). Objects given a new UV map (--auto-uv) "
                         "are always baked")
    command.add_argument("--bake-cache-size", type=_cache_size, default="20G", metavar="SIZE",
                         help="the most the bake cache holds, e.g. 500M, 20G; beyond it the "
                         "least recently used bakes are removed (default 20G)")
    command.add_argument("--bake-only", action="store_true",
                         help="bake what the job would bake into --bake-cache and write nothing "
                         "else (the farm does this once per file before the tasks that draw it)")
    command.add_argument("--overwrite", action="store_true",
                         help="replace existing files (default: refuse, before any work, if any "
                         "file to be written exists)")


def _shard_option(command, jobs):
    command.add_argument("--shard", type=_shard, default=(0, 1), metavar="I/N",
                         help=f"do only jobs I, I+N, I+2N ... of the {jobs}, in sorted order. "
                         "Shards count from 0: --shard 0/2 and --shard 1/2 together do every "
                         "job. A shard without jobs warns and exits 0")
    # the farm runs one file per task: the name its files take in the whole run (see _stems)
    command.add_argument("--stem", default=None, help=argparse.SUPPRESS)


def parser():
    top = argparse.ArgumentParser(prog="bakeview", description=__doc__.split("\n\n")[0])
    commands = top.add_subparsers(dest="command", required=True)
    sheet = commands.add_parser(
        "sheet", help="render views of baked objects into sprite sheets (PNG + TexturePacker JSON)",
        description="Draw each object from the bakes its file has (baking only objects without "
        "one, or all with --rebake), render its views with the core, trim, pack and write PNG "
        "pages with TexturePacker JSON (Hash or Array): OUT/NAME.png + OUT/NAME.json, one sheet "
        "per .blend file (NAME: the file's name; files of the same name in different folders "
        "get their folder's name in front, PARENT-NAME) or per object with --per-object "
        "(NAME-OBJECT).")
    _input_options(sheet, "drawn")
    sheet.add_argument("--per-object", action="store_true", help="one sheet per object")
    sheet.add_argument("--views", default="COMPASS8",
                       help="COMPASS8[:ELEVATION], COMPASS16[:ELEVATION] (elevation in degrees, "
                       "default 30), DIMETRIC8, DIMETRIC16 (2:1 pixel art: elevation 30), "
                       "ISOMETRIC8, ISOMETRIC16 (true isometric: 35.264), "
                       "TURNTABLE:N[:ELEVATIONS], OCTAHEDRAL:N or HEMI_OCTAHEDRAL:N, any case "
                       "(default COMPASS8)")
    sheet.add_argument("--frame-size", "--size", type=_size, default=(256, 256),
                       help="frame size WxH (default 256x256; --size: its earlier name)")
    sheet.add_argument("--frames", type=_frames, default=None,
                       help="animation frames START:END[:STEP] or one FRAME (default: the current)")
    sheet.add_argument("--passes", type=_names, default=["COLOR"],
                       help=f"comma-separated passes among {','.join(PASSES)} (default COLOR)")
    sheet.add_argument("--projection", type=_upper, choices=("ORTHOGRAPHIC", "PERSPECTIVE"),
                       default="ORTHOGRAPHIC",
                       help="camera of the fitted views (default ORTHOGRAPHIC)")
    sheet.add_argument("--margin", type=float, default=0.05, help="fraction of the frame kept free")
    sheet.add_argument("--pixels-per-unit", type=float, default=None, help="fixed scale (orthographic)")
    sheet.add_argument("--samples", type=_samples, default="AUTO",
                       help="AUTO (default: footprint-filtered where one surface covers a pixel) "
                            "or N for N x N point samples per pixel")
    sheet.add_argument("--trim", action=argparse.BooleanOptionalAction, default=True,
                       help="trim transparent borders (default); --no-trim keeps whole frames")
    sheet.add_argument("--alpha-threshold", type=float, default=0.0, help="trim: alpha kept above this")
    sheet.add_argument("--dedupe", action=argparse.BooleanOptionalAction, default=True,
                       help="store identical frames once (default); --no-dedupe stores them again")
    sheet.add_argument("--layout", type=_upper, choices=("MAXRECTS", "GRID"), default="MAXRECTS",
                       help="packed frames, or a grid of equal cells (default MAXRECTS)")
    sheet.add_argument("--heuristic", type=_upper, choices=("BEST", "BSSF", "BAF", "BL", "CP"),
                       default="BEST",
                       help="MaxRects rule: BEST tries them all with several orders and page "
                            "shapes and keeps the tightest (default)")
    sheet.add_argument("--shape-padding", "--padding", type=int, default=2,
                       help="pixels between frames (default 2; --padding: its earlier name)")
    sheet.add_argument("--border-padding", "--border", type=int, default=2,
                       help="pixels from the page edge (default 2; --border: its earlier name)")
    sheet.add_argument("--extrude", type=int, default=0, help="repeat edge pixels N times")
    sheet.add_argument("--max-size", type=_size, default=(4096, 4096),
                       help="page limit WxH; more frames make more pages, NAME-0.png + "
                       "NAME-0.json ..., and NAME.json with every page (Phaser's load.multiatlas)")
    sheet.add_argument("--power-of-two", action="store_true", help="page sides powers of two")
    sheet.add_argument("--square", action="store_true", help="square pages")
    sheet.add_argument("--allow-rotation", "--rotate", action="store_true",
                       help="allow frames turned 90 degrees (PixiJS draws them turned back, "
                       "Phaser 3.90 and 4.2 do not; --rotate: its earlier name)")
    sheet.add_argument("--premultiplied", action="store_true",
                       help="colour PNG premultiplied as engines read premultiplyAlpha (the "
                       "encoded colour times alpha)")
    sheet.add_argument("--colour", type=_upper, choices=("SCENE", "SRGB"), default="SCENE",
                       help="colour PNG encoded as Blender writes the scene's render output "
                       "(view transform, look, exposure, gamma: SCENE, default) or with the "
                       "plain sRGB curve (SRGB)")
    sheet.add_argument("--normal-y", type=_upper, choices=("UP", "DOWN"), default="UP",
                       help="green of the NORMAL sheet (camera-space normals, n * 0.5 + 0.5): UP "
                            "as OpenGL, Unity, Godot 4, three.js, PixiJS and Phaser lights read "
                            "it, DOWN as DirectX, Unreal and Godot 3's sprites (default UP)")
    sheet.add_argument("--json-form", "--json", type=_upper, choices=("HASH", "ARRAY"),
                       default="HASH", help="TexturePacker JSON Hash or Array (default HASH; "
                       "--json: its earlier name)")
    sheet.add_argument("--formats", type=_names, default=[],
                       help="comma-separated engine files beside the TexturePacker JSON: "
                       "ASEPRITE (NAME.aseprite.json), GODOT3 (NAME.godot3.tres), GODOT4 "
                       "(NAME.tres), LIBGDX (NAME.atlas), any case (default none)")
    sheet.add_argument("--pixel-art", action="store_true",
                       help="pixel art: one sample at each pixel's centre, hard alpha, the pivot on "
                       "a pixel centre in every frame (orthographic views)")
    sheet.add_argument("--pixel-scale", type=int, default=1,
                       help="with --pixel-art: store each pixel as an NxN block (default 1)")
    sheet.add_argument("--palette", type=_palette, default=None,
                       help="with --pixel-art: N (a palette of N colours made from the frames) or "
                       "comma-separated #rrggbb colours")
    sheet.add_argument("--outline", type=_colour, default=None,
                       help="with --pixel-art: a 1-pixel outline of this linear colour R,G,B")
    sheet.add_argument("--pivot", type=_pivot, default="ORIGIN",
                       help="the point each frame's pivot marks: ORIGIN (the first object's "
                       "origin, default), FEET (the bottom centre of the objects' bounds over "
                       "all frames) or a world point X,Y,Z")
    sheet.add_argument("--renderer", type=_renderer, default="BAKEVIEW",
                       help="what renders the frames: BAKEVIEW (the core, from the bakes; "
                       "default), or Blender's CYCLES, EEVEE or WORKBENCH with the file's render "
                       "settings (no bake needed); VIEW=NAME,... for some views only, e.g. "
                       "N=CYCLES,S=CYCLES. EEVEE and Workbench need a GPU context (a display, or "
                       "EGL)")
    sheet.add_argument("--lighting", type=_upper, choices=("BAKED", "SCENE"), default="BAKED",
                       help="BAKED (default): the bakes as they are (a COMBINED bake holds its "
                       "lighting); SCENE: every view and frame lit by the core from the objects' "
                       "material channels (baked with --kind MATERIAL where missing) with the "
                       "scene's lights, world and shadows at that frame, as Cycles would light "
                       "it")
    split = sheet.add_mutually_exclusive_group()
    split.add_argument("--cells", type=_cells, default=None, metavar="I/K",
                       help="render only cells I, I+K, I+2K ... of each sheet into "
                       "--frame-store and write nothing to --out (no file there is checked or "
                       "replaced); --pack then makes the sheets. A sheet's cells are its frames "
                       "before packing, numbered from 0 in the order they render: animation "
                       "frame, then view (with actions: action first). Tasks --cells 0/K ... "
                       "K-1/K (a job array, a farm) render every cell between them; a task run "
                       "again renders only its cells the store does not hold yet")
    split.add_argument("--pack", action="store_true",
                       help="render nothing and bake nothing: read every cell of each sheet "
                       "from --frame-store (an error names the cells missing), then trim, pack "
                       "and write the sheet to --out, byte for byte the sheet one run without "
                       "--cells makes. Give every --cells task and the --pack task the same "
                       "options")
    sheet.add_argument("--frame-store", default=None, metavar="DIR",
                       help="with --cells or --pack: the folder every task sees (made when "
                       "missing); each sheet's cells go to DIR/NAME (NAME: the sheet's name, as "
                       "OUT/NAME.png). A store made with other options (frame size, views, "
                       "frames, passes ...) is refused, naming the option")
    _shard_option(sheet, "sheets (files x objects with --per-object)")
    sheet.add_argument("--threads", type=int, default=0,
                       help="threads the core draws with (default 0: one per core; Blender's "
                       "own, for bakes, are set by blender -t)")

    atlas = commands.add_parser(
        "atlas", help="pack the bakes of many objects or files into one texture atlas",
        description="Pack the bakes of the objects of every .blend file named (baking only "
        "objects without one, or all with --rebake) into one atlas, give each mesh a new UV map "
        "pointing into it, and write OUT/NAME.png (the atlas), OUT/NAME.json (each object's "
        "rectangle in pixels, y down, and its UV transform u' = u*su + ou, v' = v*sv + ov: see "
        "the README's 'Atlas JSON'), OUT/NAME.blend (the objects of every file, appended into "
        "a copy of the first, with the new UV maps; the files read are never written) and with "
        "--glb OUT/NAME.glb (Blender's glTF exporter: the meshes as the scene shows them at its "
        "current frame, modifiers and pose applied, without animation, sharing one material "
        "that draws the atlas with the new UV map). Files are written all or nothing.")
    _input_options(atlas, "packed")
    atlas.add_argument("--name", default=None,
                       help="the atlas's name: its files and Image (default atlas; with "
                       "--per-file each file's name)")
    atlas.add_argument("--per-file", action="store_true",
                       help="one atlas per .blend file, named after it, instead of one for all")
    atlas.add_argument("--size", type=_size, default=None,
                       help="atlas size WxH, used as it is (default: the smallest that fits "
                       "within --max-size)")
    atlas.add_argument("--max-size", type=_size, default=(4096, 4096),
                       help="the largest atlas WxH (default 4096x4096); bakes that do not fit "
                       "are an error naming the --scale that fits")
    atlas.add_argument("--padding", type=int, default=4, help="texels between bakes (default 4)")
    atlas.add_argument("--extrude", type=int, default=None,
                       help="how many of them repeat a bake's edge (default padding / 2)")
    atlas.add_argument("--power-of-two", action=argparse.BooleanOptionalAction, default=True,
                       help="atlas sides powers of two (default yes)")
    atlas.add_argument("--square", action="store_true", help="a square atlas")
    atlas.add_argument("--scale", type=_scale, default=1.0,
                       help="every bake scaled by 1, 1/2, 1/4 ... (default 1)")
    atlas.add_argument("--heuristic", type=_upper, choices=("BEST", "BSSF", "BAF", "BL", "CP"),
                       default="BEST",
                       help="MaxRects rule (default BEST: the tightest of them all)")
    atlas.add_argument("--uv-map", default="bakeview_atlas",
                       help="name of the new UV map (default bakeview_atlas)")
    atlas.add_argument("--colour", type=_upper, choices=("SCENE", "SRGB"), default=None,
                       help="PNG colour encoding: SCENE as Blender writes the scene's render "
                       "output, SRGB the sRGB curve (default: SCENE for lighting bakes, COMBINED "
                       "and GLOSSY; SRGB for material colour, DIFFUSE and EMIT)")
    atlas.add_argument("--glb", action="store_true",
                       help="also write OUT/NAME.glb through Blender's glTF exporter: one "
                       "material for every mesh, lit (DIFFUSE: the atlas is the base colour) "
                       "or unlit (COMBINED, GLOSSY, EMIT: the light is in the atlas)")
    _shard_option(atlas, "atlases (one, or one per file with --per-file)")
    impostor = commands.add_parser(
        "impostor", help="octahedral impostor atlases of baked objects (colour, normal + depth)",
        description="Draw each file's objects from their bakes (baking only objects without "
        "one, or all with --rebake) on a grid of views over the (hemi-)octahedron and write "
        "OUT/NAME.png (colour + alpha), OUT/NAME-normal.png (normal + depth) and OUT/NAME.json "
        "(the grid, the framing and how to draw it; see the README's 'Impostors'), one per "
        ".blend file (NAME: the file's name; PARENT-NAME for files of the same name); with "
        "--frames, a pair of PNGs per animation frame, NAME-FRAME.png.")
    _input_options(impostor, "drawn")
    impostor.add_argument("--layout", type=_upper, choices=("OCTAHEDRAL", "HEMI_OCTAHEDRAL"),
                          default="OCTAHEDRAL",
                          help="views over the whole sphere, or the upper half (default "
                          "OCTAHEDRAL)")
    impostor.add_argument("--grid", type=int, default=16,
                          help="views a side: grid x grid views (default 16)")
    impostor.add_argument("--size", type=int, default=2048,
                          help="atlas side in pixels, a multiple of --grid (default 2048)")
    impostor.add_argument("--frames", type=_frames, default=None,
                          help="animation frames START:END[:STEP] or one FRAME (default: the "
                          "current)")
    impostor.add_argument("--samples", type=_samples, default=4,
                          help="N for N x N point samples per pixel (default 4) or AUTO")
    impostor.add_argument("--colour", type=_upper, choices=("SCENE", "SRGB"), default="SCENE",
                          help="colour PNG encoded as Blender writes the scene's render output "
                          "(SCENE, default) or with the plain sRGB curve (SRGB)")
    impostor.add_argument("--threads", type=int, default=0,
                          help="threads the core draws with (default 0: one per core)")
    _shard_option(impostor, "impostors (one per file)")
    preview = commands.add_parser(
        "preview", help="animated PNGs and an HTML page that plays a written sheet's animations",
        description="Read a sheet's TexturePacker JSON (a page's, or the multi-pack NAME.json) and "
        "its PNG pages, and write beside it (or in --out) NAME-preview.html, one self-contained "
        "page that plays every animation with its frame timing, and NAME-preview-ANIMATION.png, "
        "an animated PNG per animation: the untrimmed frames as the sheet's PNG holds them. A "
        "sheet without animations plays its frames in order. Needs no Blender.")
    preview.add_argument("sheet", help="the sheet's JSON")
    preview.add_argument("--out", default=None, help="folder for the files (default: the JSON's)")
    preview.add_argument("--fps", type=float, default=None,
                         help="frames per second (default: the sheet's meta.bakeview.frame_rate, "
                         "else 12)")
    preview.add_argument("--overwrite", action="store_true", help="replace existing preview files")
    return top


def _argv(argv):
    if argv is not None:
        return list(argv)
    return sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]


# -- messages --------------------------------------------------------------------------------------


_current_flags = [{}]  # the flags of the API call running, for its warnings


def _cli_message(message, flags):
    """An API message in the command line's terms: the argument names it mentions, as the flags
    that set them ("pass auto_uv=True" -> "pass --auto-uv", "frame_size must be" -> "--size
    must be", "pass kind=" -> "pass --kind", "kind='EMIT'" -> "--kind EMIT")."""
    for name, flag in flags.items():
        message = re.sub(rf"(?<![\w-]){name}=True\b", flag, message)
        message = re.sub(rf"(?<![\w-]){name}='([^']*)'", rf"{flag} \1", message)
        message = re.sub(rf"(?<![\w-]){name}=(?![\w'\"(\[])", flag, message)
        message = re.sub(rf"^{name}(?=[ :])", flag, message)
        if "_" in name:  # an identifier, never an ordinary word
            message = re.sub(rf"(?<![\w'-]){name}\b", flag, message)
    return message


def _clean(error):
    """The text of an exception, without the "Error: " Blender's operators put in front."""
    text = str(error).strip()
    while text.lower().startswith("error:"):
        text = text[len("error:"):].strip()
    return text or type(error).__name__


@contextlib.contextmanager
def _api(flags):
    """Runs an API call whose errors and warnings name `flags` for its arguments."""
    _current_flags.append(flags)
    try:
        yield
    except (ValueError, TypeError, OSError, RuntimeError, MemoryError) as error:
        raise Failure(_cli_message(_clean(error), flags)) from error
    finally:
        _current_flags.pop()


def _show_warning(message, category, filename, lineno, file=None, line=None):
    text = _cli_message(str(message), _current_flags[-1])
    print(f"bakeview: warning: {text}", file=sys.stderr, flush=True)


def _warn(text):
    print(f"bakeview: warning: {text}", file=sys.stderr, flush=True)


# -- jobs and their names --------------------------------------------------------------------------


_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def safe_name(name):
    """A name as a file name: path separators, characters Windows refuses and control characters
    become "_"; "." and ".." become "_"."""
    name = _UNSAFE.sub("_", name).strip()
    return "_" if name in ("", ".", "..") else name


def _stems(blends, bpy, stem=None):
    """{blend (None: the open file): output stem}: the file's name; files of the same name in
    different folders get their parent folder's name in front (PARENT-NAME). stem (--stem, one
    file only) names it as a run over more files did (the farm runs one file per task)."""
    if stem is not None:
        if len(blends) != 1 or safe_name(stem) != stem:
            raise Failure("--stem names the files of one .blend file, with a file name")
        return {blends[0]: stem}
    if blends == [None]:
        name = os.path.splitext(os.path.basename(bpy.data.filepath))[0]
        return {None: safe_name(name or "scene")}
    plain = {b: safe_name(os.path.splitext(os.path.basename(b))[0]) for b in blends}
    counts = {}
    for stem in plain.values():
        counts[stem.casefold()] = counts.get(stem.casefold(), 0) + 1
    out = {}
    for blend, stem in plain.items():
        if counts[stem.casefold()] > 1:
            parent = os.path.basename(os.path.dirname(os.path.abspath(blend)))
            stem = f"{safe_name(parent)}-{stem}"
        out[blend] = stem
    return out


def _check_blends(blends):
    """The files named: each a file, none twice; the open file (None) without any."""
    seen = {}
    for blend in blends:
        if not os.path.isfile(blend):
            what = "is a folder, not a .blend file" if os.path.isdir(blend) else "does not exist"
            raise Failure(f"{blend} {what}")
        try:
            with open(blend, "rb") as f:
                magic = f.read(7)
        except OSError as error:
            raise Failure(f"cannot read {blend}: {error.strerror or error}") from None
        if not magic.startswith(BLEND_MAGIC):
            raise Failure(f"{blend} is not a .blend file")
        key = os.path.realpath(blend)
        if key in seen:
            raise Failure(f"{seen[key]} and {blend} are the same file: name it once")
        seen[key] = blend
    return sorted(blends) or [None]


def _check_out(out):
    from . import files

    with _api({}):
        files.check_folder(os.path.join(out, "file"))


def _check_clashes(jobs, roots_of, names_of, out, pages):
    """Refuses, naming both, two jobs that would write a file of the same name (compared
    without case, as some file systems compare them). roots_of(job): the names its files start
    with (NAME, NAME-normal ...); names_of(job): the files it writes, to which a job with pages
    adds -0, -1 ... before the extension."""
    owners = {}
    for job in jobs:
        for root in roots_of(job):
            other = owners.setdefault(root.casefold(), job)
            if other is not job:
                _clash(other, job, f"{root}.png", out)
    for job in jobs:
        for name in names_of(job):
            root = os.path.splitext(name)[0]
            for base in (root, re.sub(r"-\d+$", "", root)) if pages else (root,):
                other = owners.get(base.casefold())
                if other is not None and other is not job:
                    _clash(other, job, name, out)


def _clash(first, second, name, out):
    raise Failure(f"{first.describe()} and {second.describe()} would both write "
                  f"{os.path.join(out, name)}: rename one, or make them in separate runs with "
                  "different --out folders")


class _SheetJob:
    def __init__(self, blend, names, stem, obj=None):
        self.blend, self.names, self.stem, self.obj = blend, names, stem, obj

    def describe(self):
        where = self.blend or "the open file"
        return f"object '{self.obj}' of {where}" if self.obj else where


def _sheet_jobs(args, bpy):
    """Every sheet of the run (all shards), in a stable order, their names told apart."""
    blends = _check_blends(args.blends)
    stems = _stems(blends, bpy, args.stem)
    jobs = []
    for blend in blends:
        if args.per_object:
            if blend:
                _open(bpy, blend)
            names = args.objects or sorted(o.name for o in bpy.context.view_layer.objects
                                           if o.type == "MESH" and o.visible_get())
            jobs += [_SheetJob(blend, [n], f"{stems[blend]}-{safe_name(n)}", n) for n in names]
        else:
            jobs.append(_SheetJob(blend, args.objects, stems[blend]))
    passes = _sheet_passes(args)
    tags = ["" if p == "COLOR" else f"-{p.lower()}" for p in passes]
    _check_clashes(jobs, lambda job: [f"{job.stem}{t}" for t in tags],
                   lambda job: [f"{job.stem}{t}.png" for t in tags] + [f"{job.stem}.json"],
                   args.out, pages=True)
    return jobs


def _sheet_passes(args):
    passes = [p.upper() for p in args.passes]
    for name in passes:
        if name not in PASSES:
            raise Failure(f"--passes: {name!r} is not among {','.join(PASSES)}")
    return tuple(passes) if "COLOR" in passes else ("COLOR",) + tuple(passes)


def _shard_of(jobs, args, what):
    index, count = args.shard
    chosen = [job for i, job in enumerate(jobs) if i % count == index]
    if not chosen:
        _warn(f"shard {index}/{count} has no {what}: the run has {len(jobs)} in all, so only "
              f"shards 0/{count} to {min(len(jobs), count) - 1}/{count} have work (shards count "
              "from 0)" if jobs else f"shard {index}/{count} has no {what}: the run has none")
    return chosen


# -- files, objects and bakes ----------------------------------------------------------------------


def _open(bpy, blend):
    try:
        bpy.ops.wm.open_mainfile(filepath=blend, load_ui=False)
    except RuntimeError as error:
        raise Failure(f"cannot open {blend}: {_clean(error)}") from None


def _objects(args, bpy, names, where, some=False):
    """The objects a job draws or packs: those named (some=True: those of them the file has), or
    every visible mesh."""
    if names and some:
        return [bpy.data.objects[n] for n in names if n in bpy.data.objects]
    if names:
        missing = [n for n in names if n not in bpy.data.objects]
        if missing:
            raise Failure(f"{where} has no object named {missing[0]!r} (--objects)")
        return [bpy.data.objects[n] for n in names]
    objects = [o for o in bpy.context.view_layer.objects if o.type == "MESH" and o.visible_get()]
    if not objects:
        raise Failure(f"{where} has no visible mesh")
    return objects


def _bake_what_is_missing(objects, args, label):
    """Bakes the objects that have no bake of --kind (without --kind: no bake at all), or every
    object with --rebake: each of the kind asked, else its latest kind, else DIFFUSE, with the
    UV map its bakes were made with (else the active one). With --bake-cache, an object whose
    bake is in the cache gets it from there (bakeview.cached_bakes: the Images and records bake
    would make), the others are baked and stored, and a line `bakeview: bakes: N baked, M from
    cache in S s` says how many of each and the time the whole step took (keys, cache reads
    and writes, bakes). Returns how many were baked."""
    import time

    import bakeview
    from bakeview import records

    started = time.perf_counter()

    lit = getattr(args, "lighting", "BAKED") == "SCENE"
    todo = {}  # (kind, UV map or None) -> objects
    for obj in objects:
        if lit:  # the material channels, where one is missing
            if all(records.baked_image(obj, k) is not None for k in bakeview.MATERIAL_KINDS) \
                    and not args.rebake:
                continue
        elif records.baked_image(obj, args.kind) is not None and not args.rebake:
            continue
        kind = "MATERIAL" if lit else args.kind or obj.get(records.LAST) or NEW_BAKE_KIND
        uv_map = records.uv_map(obj)
        if uv_map is not None and obj.data.uv_layers.get(uv_map) is None:
            uv_map = None
        todo.setdefault((kind, uv_map), []).append(obj)
    cache, founds = None, {}
    if getattr(args, "bake_cache", None) is not None:
        from bakeview import bake_cache, bake_keys, cached_bakes

        cache = bake_cache.BakeCache(args.bake_cache, args.bake_cache_size)
        memo = bake_keys.KeyMemo() if todo else None
        with _api(BAKE_FLAGS):  # every key before any bake changes the file
            founds = {group: cached_bakes.lookup(cache, members, group[0], args.bake_size,
                                                 group[1], auto_uv=args.auto_uv, memo=memo)
                      for group, members in todo.items()}
    count = cached = failed = 0
    for (kind, uv_map), group in todo.items():
        found = founds.get((kind, uv_map))
        if found is not None:
            with _api(BAKE_FLAGS):
                cached_bakes.restore(found, overwrite=args.overwrite or args.rebake,
                                     pack=args.command != "sheet")  # a sheet saves no file
            group, cached = found.misses, cached + len(found.hits)
            if not group:
                continue
        print(f"{label}: baking {len(group)} object(s), {kind}", flush=True)
        with _api(BAKE_FLAGS):
            made = bakeview.bake(group, kind=kind, size=args.bake_size, uv_map=uv_map,
                                 auto_uv=args.auto_uv, overwrite=args.overwrite or args.rebake)
        count += len(group)
        if found is not None:
            failed += cached_bakes.store(cache, made, found)
    if cache is not None:
        if failed:
            _warn(f"{failed} bake(s) could not be stored in --bake-cache {args.bake_cache} "
                  "(full, read-only or missing?); they were used all the same")
        print(f"bakeview: bakes: {count} baked, {cached} from cache in "
              f"{time.perf_counter() - started:.3f} s", flush=True)
    return count


def run_bakes(args):
    """--bake-only: each file's bakes, as its job would make them, into --bake-cache."""
    import bpy

    if args.bake_cache is None:
        raise Failure("--bake-only keeps the bakes in --bake-cache: name a folder")
    blends = [b for b in _check_blends(args.blends) if b]
    for number, blend in enumerate(blends or [None], 1):
        if blend:
            _open(bpy, blend)
        where = blend or "the open file"
        objects = _objects(args, bpy, args.objects, where, some=args.command == "atlas")
        _bake_what_is_missing(objects, args, f"[{number}/{len(blends or [None])}] {where}")


# -- sheet -----------------------------------------------------------------------------------------


def _core_draws(renderer):
    """Whether some view of --renderer is drawn by the core (and needs a bake)."""
    if isinstance(renderer, dict):
        return True  # the views not named
    return renderer == "BAKEVIEW"


def run_sheet(args):
    import bpy

    import bakeview
    from bakeview import blender_frames, files, sheet, sheet_formats

    _check_out(args.out)
    passes = _sheet_passes(args)
    if args.frame_store is None and (args.cells is not None or args.pack):
        raise Failure(f"{'--pack' if args.pack else '--cells'} needs --frame-store DIR: the "
                      "folder the cells go to")
    if args.frame_store is not None and args.cells is None and not args.pack:
        raise Failure("--frame-store goes with --cells I/K (render cells into it) or --pack "
                      "(make the sheets from it)")
    with _api(SHEET_FLAGS):  # a wrong --views or --renderer wastes no bake
        blender_frames.renderers(args.renderer, sheet.parse_views(args.views))
    jobs = _shard_of(_sheet_jobs(args, bpy), args, "sheets")
    paths = [os.path.join(args.out, f"{job.stem}.png") for job in jobs]
    with _api(SHEET_FLAGS):  # every file of the shard, before any work
        formats = sheet_formats.check(args.formats, args.allow_rotation)
        if args.cells is None:  # cell tasks write nothing to --out
            files.refuse_existing([f for path in paths for f in
                                   sheet.output_files(path, passes, formats)], args.overwrite)
    print(f"bakeview: {len(jobs)} sheet(s) in this shard", flush=True)
    opened = None
    for number, (job, path) in enumerate(zip(jobs, paths), 1):
        if job.blend and job.blend != opened:
            _open(bpy, job.blend)
            opened = job.blend
        label = f"[{number}/{len(jobs)}] {job.stem}"
        objects = _objects(args, bpy, job.names, job.blend or "the open file")
        if _core_draws(args.renderer) and not args.pack:  # frames by Blender, a pack: no bake
            _bake_what_is_missing(objects, args, label)

        def progress(done, total, view, label=label):
            if done % max(1, total // 10) == 0:
                print(f"{label}: view {done + 1}/{total} ({view})", flush=True)

        with _api(SHEET_FLAGS):
            result = bakeview.sprite_sheet(
                objects, views=args.views, frame_size=args.frame_size, path=path,
                frames=args.frames,
                projection=args.projection, margin=args.margin,
                pixels_per_unit=args.pixels_per_unit, kind=args.kind, passes=passes,
                samples=args.samples, trim=args.trim, alpha_threshold=args.alpha_threshold,
                shape_padding=args.shape_padding, border_padding=args.border_padding,
                extrude=args.extrude, layout=args.layout, heuristic=args.heuristic,
                max_size=args.max_size, power_of_two=args.power_of_two, square=args.square,
                allow_rotation=args.allow_rotation, dedupe=args.dedupe,
                premultiplied=args.premultiplied, colour=args.colour, normal_y=args.normal_y,
                json_form=args.json_form, formats=tuple(args.formats), pivot=args.pivot,
                pixel_art=args.pixel_art, pixel_scale=args.pixel_scale, palette=args.palette,
                outline=args.outline, threads=args.threads,
                name=job.stem,
                overwrite=args.overwrite, renderer=args.renderer, lighting=args.lighting,
                cells="PACK" if args.pack else args.cells, progress=progress,
                frame_store=args.frame_store and os.path.join(args.frame_store, job.stem))
        if args.cells is not None:
            print(f"{label}: cells {args.cells[0]}/{args.cells[1]}: {len(result.written)} "
                  f"rendered, {len(result.kept)} in the store already, of the sheet's "
                  f"{result.total} in {result.folder}", flush=True)
            continue
        occupancy = ", ".join(f"{o:.0%}" for o in result.occupancy)
        print(f"{label}: {len(result.frames)} frames on {len(result.occupancy)} page(s) "
              f"({occupancy})", flush=True)
        for f in result.files:
            print(f"  wrote {f}", flush=True)


# -- atlas -----------------------------------------------------------------------------------------


class _AtlasJob:
    def __init__(self, blends, name, combined):
        self.blends, self.name, self.combined = blends, name, combined

    def describe(self):
        return (f"the atlas of {', '.join(b or 'the open file' for b in self.blends)}"
                if self.combined else self.blends[0] or "the open file")

    def files(self, glb):
        return [f"{self.name}.{e}" for e in ("png", "json", "blend") + (("glb",) if glb else ())]


def _atlas_jobs(args, bpy):
    blends = _check_blends(args.blends)
    if args.per_file:
        if args.name is not None:
            raise Failure("--name names one atlas; with --per-file each atlas is named after "
                          "its file")
        stems = _stems(blends, bpy, args.stem)
        jobs = [_AtlasJob([b], stems[b], False) for b in blends]
    else:
        name = args.name if args.name is not None else "atlas"
        if safe_name(name) != name:
            raise Failure(f"--name {name!r} cannot be a file name; choose one without "
                          "path separators or characters like : * ? \" < > |")
        jobs = [_AtlasJob(blends, name, True)]
    _check_clashes(jobs, lambda job: [job.name], lambda job: job.files(args.glb), args.out,
                   pages=False)
    inputs = {os.path.realpath(b) for b in blends if b}
    if bpy.data.filepath:
        inputs.add(os.path.realpath(bpy.data.filepath))
    for job in jobs:
        blend = os.path.realpath(os.path.join(args.out, f"{job.name}.blend"))
        if blend in inputs:
            raise Failure(f"{os.path.join(args.out, job.name + '.blend')} is a file this run "
                          "reads: it is never written; choose another --out or --name")
    return jobs


def run_impostor(args):
    import bpy

    import bakeview
    from bakeview import files, impostors
    from bakeview.sheet import _frame_numbers

    _check_out(args.out)
    if args.grid >= 1 and args.size % args.grid:  # a wrong grid wastes no bake
        raise Failure(f"--size {args.size} must be a multiple of --grid {args.grid}: every "
                      "frame has size / grid pixels a side")
    with _api(IMPOSTOR_FLAGS):
        impostors.check_grid(args.grid, args.size)
    blends = _check_blends(args.blends)
    stems = _stems(blends, bpy, args.stem)
    jobs = [_SheetJob(blend, args.objects, stems[blend]) for blend in blends]
    _check_clashes(jobs, lambda job: [job.stem, f"{job.stem}-normal"],
                   lambda job: [f"{job.stem}.png", f"{job.stem}-normal.png",
                                f"{job.stem}.json"], args.out, pages=False)
    jobs = _shard_of(jobs, args, "impostors")
    # every file of the shard before any work: a page pair per frame (NAME-FRAME.png) if many
    with _api(IMPOSTOR_FLAGS):
        numbers = _frame_numbers(args.frames, bpy.context.scene)
        tags = [""] if len(numbers) == 1 else [f"-{n:04d}" for n in numbers]
        files.refuse_existing([os.path.join(args.out, f"{job.stem}{e}") for job in jobs
                               for e in [".json"] + [f"{t}{n}.png" for t in tags
                                                     for n in ("", "-normal")]],
                              args.overwrite)
    print(f"bakeview: {len(jobs)} impostor(s) in this shard", flush=True)
    for number, job in enumerate(jobs, 1):
        if job.blend:
            _open(bpy, job.blend)
        label = f"[{number}/{len(jobs)}] {job.stem}"
        objects = _objects(args, bpy, job.names, job.blend or "the open file")
        _bake_what_is_missing(objects, args, label)
        with _api(IMPOSTOR_FLAGS):
            result = bakeview.impostor(
                objects, layout=args.layout, grid=args.grid, size=args.size,
                path=os.path.join(args.out, f"{job.stem}.png"), frames=args.frames,
                kind=args.kind, samples=args.samples, colour=args.colour, name=job.stem,
                overwrite=args.overwrite, threads=args.threads)
        print(f"{label}: {args.grid} x {args.grid} views, {len(result['images'])} frame(s) in "
              f"{result['seconds']:.2f} s", flush=True)
        for f in result["files"]:
            print(f"  wrote {f}", flush=True)


def run_preview(args):
    from . import previews

    with _api({"fps": "--fps", "overwrite": "--overwrite", "out": "--out"}):
        written = previews.preview(args.sheet, out=args.out, fps=args.fps, overwrite=args.overwrite)
    for path in written:
        print(f"wrote {path}", flush=True)


def run_atlas(args):
    import bpy

    from bakeview import files

    _check_out(args.out)
    if args.glb:
        _check_glb(bpy)
    if args.glb and args.kind is not None and args.kind not in GLB_KINDS:
        raise Failure(f"--glb draws a colour atlas ({', '.join(GLB_KINDS)}), not --kind "
                      f"{args.kind}")
    jobs = _shard_of(_atlas_jobs(args, bpy), args, "atlases")
    with _api(ATLAS_FLAGS):  # every file of the shard, before any work
        files.refuse_existing([os.path.join(args.out, n) for job in jobs
                               for n in job.files(args.glb)], args.overwrite)
    print(f"bakeview: {len(jobs)} atlas(es) in this shard", flush=True)
    for number, job in enumerate(jobs, 1):
        _make_atlas(args, bpy, job, f"[{number}/{len(jobs)}] {job.name}")


def _gather(args, bpy, job, label):
    """Opens the job's files, bakes what is missing, and brings every object to pack into one
    file (the first file's, the others' objects appended). Returns the objects and, per object,
    {"file": the .blend it came from, "object": its name there}."""
    first, rest = job.blends[0], job.blends[1:]
    parts = []  # (blend, its copy with the bakes, object names) of the files after the first
    folder = tempfile.mkdtemp(prefix="bakeview-atlas-") if rest else None
    try:
        for i, blend in enumerate(rest):
            _open(bpy, blend)
            objects = _objects(args, bpy, args.objects, blend, some=True)
            _bake_what_is_missing(objects, args, label)
            copy = os.path.join(folder, f"{i}.blend")
            bpy.ops.wm.save_as_mainfile(filepath=copy, copy=True)
            parts.append((blend, copy, [o.name for o in objects]))
        if first is not None:
            _open(bpy, first)
        objects = _objects(args, bpy, args.objects, first or "the open file", some=bool(rest))
        _bake_what_is_missing(objects, args, label)
        origins = {o.name: {"file": first or bpy.data.filepath or None, "object": o.name}
                   for o in objects}
        for blend, copy, names in parts:
            for obj, name in zip(_append(bpy, copy, names, blend), names):
                objects.append(obj)
                origins[obj.name] = {"file": blend, "object": name}
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    if args.objects:  # each name in some file
        found = {o["object"] for o in origins.values()}
        missing = [n for n in args.objects if n not in found]
        if missing:
            raise Failure(f"no file has an object named {missing[0]!r} (--objects)")
    return objects, origins


def _append(bpy, path, names, blend):
    """The objects `names` of the .blend at `path`, appended into a new collection named after
    `blend` (with the objects they hang from: parents, armatures)."""
    with bpy.data.libraries.load(path, link=False) as (_, into):
        into.objects = list(names)
    collection = bpy.data.collections.new(os.path.splitext(os.path.basename(blend))[0])
    bpy.context.scene.collection.children.link(collection)
    appended = list(into.objects)
    linked = set()
    for obj in appended:
        needed = [obj, obj.parent] + [getattr(m, "object", None) for m in obj.modifiers]
        while needed:
            other = needed.pop()
            if other is None or other.name in linked or other.users_collection:
                continue
            collection.objects.link(other)
            linked.add(other.name)
            needed.append(other.parent)
    for library in list(bpy.data.libraries):  # appended: nothing is linked from the copy
        if os.path.realpath(bpy.path.abspath(library.filepath)) == os.path.realpath(path):
            bpy.data.libraries.remove(library)
    return appended


def _make_atlas(args, bpy, job, label):
    import bakeview
    from bakeview import atlas, display, files, images

    objects, origins = _gather(args, bpy, job, label)
    with _api(ATLAS_FLAGS):
        result = bakeview.pack_atlas(
            objects, kind=args.kind, size=args.size, padding=args.padding,
            max_size=args.max_size, power_of_two=args.power_of_two, square=args.square,
            uv_map=args.uv_map, name=job.name, overwrite=args.overwrite,
            heuristic=args.heuristic, extrude=args.extrude, scale=args.scale,
            colour=args.colour)
    if args.glb and result.kind not in GLB_KINDS:
        raise Failure(f"--glb draws a colour atlas ({', '.join(GLB_KINDS)}); the bakes packed "
                      f"are {result.kind}: pass --kind")
    print(f"{label}: {len(result.rects)} object(s) in a {result.size[0]} x {result.size[1]} "
          f"atlas ({result.occupancy:.0%} used)", flush=True)
    scene = bpy.context.scene
    png = os.path.abspath(os.path.join(args.out, f"{job.name}.png"))
    blend = os.path.abspath(os.path.join(args.out, f"{job.name}.blend"))
    glb = os.path.abspath(os.path.join(args.out, f"{job.name}.glb"))
    staged = files.Staged()
    try:
        with _api(ATLAS_FLAGS):
            files.refuse_existing([png, blend] + ([glb] if args.glb else []), args.overwrite)
            encoding = (display.encoding(scene, result.encoding)
                        if result.encoding in display.MODES else None)
            written = atlas.stage_files(staged, png, result, images.pixels(result.image), scene,
                                        encoding, extra=origins)
            result.image.use_fake_user = True  # no material uses it: kept in the .blend so
            bpy.ops.wm.save_as_mainfile(filepath=staged.path(blend), copy=True)
            written.append(blend)
            if args.glb:
                written_png = next(t for t, final in staged.moves if final == png)
                _export_glb(bpy, staged.path(glb), written_png, result, objects)
                written.append(glb)
        staged.commit()
    finally:
        staged.discard()
    for path in written:
        print(f"  wrote {path}", flush=True)


# -- glTF ------------------------------------------------------------------------------------------


def _glb_material(bpy, name, image, kind, transparent):
    """One material drawing `image` (with the mesh's one UV map): Principled base colour for
    DIFFUSE, the unlit graph Blender's glTF importer makes for KHR_materials_unlit (an Emission
    seen by camera rays only) for kinds that hold light."""
    material = bpy.data.materials.new(name)
    if bpy.app.version < (5, 0, 0):
        material.use_nodes = True
    tree = material.node_tree
    tree.nodes.clear()
    output = tree.nodes.new("ShaderNodeOutputMaterial")
    texture = tree.nodes.new("ShaderNodeTexImage")
    texture.image = image
    if GLB_KINDS[kind] == "lit":
        shader = tree.nodes.new("ShaderNodeBsdfPrincipled")
        tree.links.new(texture.outputs["Color"], shader.inputs["Base Color"])
        if transparent:
            tree.links.new(texture.outputs["Alpha"], shader.inputs["Alpha"])
        tree.links.new(shader.outputs[0], output.inputs["Surface"])
    else:
        emission = tree.nodes.new("ShaderNodeEmission")
        light_path = tree.nodes.new("ShaderNodeLightPath")
        clear = tree.nodes.new("ShaderNodeBsdfTransparent")
        mix = tree.nodes.new("ShaderNodeMixShader")
        tree.links.new(texture.outputs["Color"], emission.inputs["Color"])
        tree.links.new(light_path.outputs["Is Camera Ray"], mix.inputs[0])
        tree.links.new(clear.outputs[0], mix.inputs[1])
        tree.links.new(emission.outputs[0], mix.inputs[2])
        surface = mix.outputs[0]
        if transparent:
            alpha = tree.nodes.new("ShaderNodeMixShader")
            tree.links.new(texture.outputs["Alpha"], alpha.inputs[0])
            tree.links.new(clear.outputs[0], alpha.inputs[1])
            tree.links.new(mix.outputs[0], alpha.inputs[2])
            surface = alpha.outputs[0]
        tree.links.new(surface, output.inputs["Surface"])
    if transparent and hasattr(material, "blend_method"):
        material.blend_method = "BLEND"
    return material


def _glb_options(bpy):
    """The exporter's options for this Blender (they differ between versions): a binary .glb of
    the selected objects, no animation, skins, shape keys, cameras, lights or vertex colours;
    images as their files are."""
    wanted = {"export_format": "GLB", "use_selection": True, "use_active_scene": True,
              "export_apply": False, "export_animations": False, "export_skins": False,
              "export_morph": False, "export_cameras": False, "export_lights": False,
              "export_materials": "EXPORT", "export_image_format": "AUTO",
              "export_texcoords": True, "export_normals": True, "export_extras": False,
              "export_colors": False, "export_vertex_color": "NONE"}
    known = bpy.ops.export_scene.gltf.get_rna_type().properties
    return {k: v for k, v in wanted.items() if k in known}


def _check_glb(bpy):
    """Refuses --glb, before any work, where Blender's glTF exporter cannot run."""
    if not hasattr(bpy.ops.export_scene, "gltf"):
        raise Failure("--glb needs Blender's glTF exporter (the add-on io_scene_gltf2), which "
                      "this Blender does not have enabled")
    try:
        import numpy  # noqa: F401  (the exporter imports it)
    except ImportError:
        raise Failure("--glb needs numpy in Blender's Python, which Blender's glTF exporter "
                      "imports (Debian's Blender: apt-get install python3-numpy)") from None


def _export_glb(bpy, path, png, result, objects):
    """Exports the objects as the scene shows them now (modifiers and pose applied, one mesh
    each, keeping only the atlas UV map), all with one material that draws the atlas PNG (the
    file just written, `png`), through Blender's glTF exporter to `path`. Copies made for the
    export take the objects' names and are removed after it; the objects, their meshes and
    materials are as they were."""
    from bakeview import images

    scene, view_layer = bpy.context.scene, bpy.context.view_layer
    transparent = any(bpy.data.images[result.sources[o.name]].get(images.COVERAGE)
                      for o in objects)
    image = bpy.data.images.load(png)
    image.name = result.image.name + " file"
    material = _glb_material(bpy, result.image.name, image, result.kind, transparent)
    selected = [o for o in view_layer.objects if o.select_get()]
    active = view_layer.objects.active
    depsgraph = bpy.context.evaluated_depsgraph_get()
    renamed, made = [], []  # (object, its name); (object, mesh) made for the export
    try:
        for obj in objects:  # the originals step aside under other names
            renamed.append((obj, obj.name))
            obj.name = f"bakeview export {len(renamed)}"
        for obj, name in renamed:
            mesh = bpy.data.meshes.new_from_object(obj.evaluated_get(depsgraph),
                                                   preserve_all_data_layers=True,
                                                   depsgraph=depsgraph)
            made.append((None, mesh))
            mesh.name = name
            for layer in [l.name for l in mesh.uv_layers if l.name != result.uv_map]:
                mesh.uv_layers.remove(mesh.uv_layers[layer])
            mesh.uv_layers.active = mesh.uv_layers[result.uv_map]
            mesh.materials.clear()
            mesh.materials.append(material)
            mesh.polygons.foreach_set("material_index", [0] * len(mesh.polygons))
            copy = bpy.data.objects.new(name, mesh)
            made[-1] = (copy, mesh)
            copy.matrix_world = obj.matrix_world.copy()
            scene.collection.objects.link(copy)
        copies = [copy for copy, _ in made]
        for obj in view_layer.objects:
            obj.select_set(obj in copies)
        view_layer.objects.active = copies[0]
        bpy.ops.export_scene.gltf(filepath=path, **_glb_options(bpy))
    finally:
        for copy, mesh in made:
            if copy is not None:
                bpy.data.objects.remove(copy)
            bpy.data.meshes.remove(mesh)
        bpy.data.materials.remove(material)
        bpy.data.images.remove(image)
        for obj, name in renamed:
            obj.name = name
        for obj in view_layer.objects:
            obj.select_set(obj in selected)
        view_layer.objects.active = active


# -- entry points ----------------------------------------------------------------------------------


def main(argv=None):
    """Runs the command line; exits the process with its status."""
    sys.exit(run(argv))


def run(argv=None):
    """Runs the command line; returns the exit status (0 done, 1 failed, 2 wrong usage)."""
    argv = _argv(argv)
    try:
        args = parser().parse_args(argv)
    except SystemExit as stop:  # argparse printed the usage or --help
        return int(stop.code or 0)
    for token in argv:
        old = DEPRECATED.get(args.command, {}).get(token.partition("=")[0])
        if old is not None:
            _warn(f"{token.partition('=')[0]} is an earlier name of {old}; use {old}")
    with warnings.catch_warnings():
        warnings.simplefilter("default", UserWarning)  # bakeview's own warnings, each once
        warnings.showwarning = _show_warning
        try:
            if getattr(args, "bake_only", False):
                run_bakes(args)
            elif args.command == "sheet":
                run_sheet(args)
            elif args.command == "atlas":
                run_atlas(args)
            elif args.command == "impostor":
                run_impostor(args)
            elif args.command == "preview":
                run_preview(args)
        except Failure as error:
            print(f"bakeview: error: {error}", file=sys.stderr, flush=True)
            return 1
        except (ValueError, TypeError, OSError, RuntimeError, MemoryError) as error:
            print(f"bakeview: error: {_clean(error)}", file=sys.stderr, flush=True)
            return 1
    return 0
