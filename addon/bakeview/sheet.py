"""bakeview.sprite_sheet: many views (and animation frames) of baked objects, rendered by the
core, trimmed, packed and written as PNG pages with TexturePacker JSON that game engines load.

The work per pixel and per rectangle (render, trim, hash, pack, blit, PNG, JSON) is the core's;
this module decides what to render and where it goes."""
import array
import concurrent.futures
import contextlib
import functools
import math
import os
import re
from dataclasses import dataclass, field

import bpy

from . import (_core, blender_frames, checks, display, files, framing, images, lit, pixel_art as
               pixel_art_frames, records, sheet_formats, textures as texture_cache, viewsets)
from . import frame_store as stores  # a name of its own: sheet_steps has a frame_store argument
from .memory import available as _available_memory  # a name of its own here: tests replace it
from .extract import camera_matrices, check_transform, core_mesh
from .objects import find
from .bake_images import KINDS
from .view import _CHANNELS, FILTERS, PASSES
from .steps import run as run_steps

NON_COLOR_PASSES = {"ALPHA", "DEPTH", "NORMAL", "UV", "OBJECT_ID"}
LAYOUTS = ("MAXRECTS", "GRID")
HEURISTICS = ("BEST", "BSSF", "BAF", "BL", "CP")
JSON_FORMS = ("HASH", "ARRAY")
NORMAL_Y = ("UP", "DOWN")
# passes whose pages are encoded for engines before they become Images and files: channels there
_PAGE_CHANNELS = {"NORMAL": 4, "DEPTH": 2}  # normal map RGBA; depth grey + alpha (16-bit PNG)


@dataclass
class SheetResult:
    """What sprite_sheet made: page Images per pass, the frame table, the files written."""
    pages: dict = field(default_factory=dict)  # pass -> [Image, ...] one per page
    frames: list = field(default_factory=list)  # one dict per frame (JSON's fields, y down)
    files: list = field(default_factory=list)
    occupancy: list = field(default_factory=list)  # per page
    normal_y: str = "UP"      # the NORMAL pages' green direction
    depth_range: tuple = None  # (near, far) of the DEPTH pages: depth near -> 0, far -> 1
    frame_rate: float = None   # frames per second an animation plays at (engine formats)
    palette: list = None       # pixel_art's palette as the colour PNGs hold it: [(r, g, b), ...]


@dataclass
class _Rendered:
    """One rendered frame before packing."""
    name: str
    animation: str  # frames sharing it form an animation, in order
    number: int     # the scene frame
    view: object    # a viewsets.View
    matrices: tuple  # (view, projection), row-major
    rect: tuple     # the trimmed rectangle (x, y, w, h) of the frame, y down
    buffers: dict   # pass -> float32 buffer of the rectangle alone (w x h, row 0 at the bottom)
    pivot: tuple    # the pivot point (sheet_steps' pivot) in [0, 1] of the frame, y down


@dataclass(frozen=True)
class CameraView:
    """A view through a camera object of the scene instead of a fitted one."""
    name: str
    camera: object


def _seen_from(view, view_matrix, center):
    """A camera view as a viewsets.View: the direction from the sheet's centre to the camera."""
    rotation = [row[:3] for row in view_matrix[:3]]
    position = [-sum(rotation[r][c] * view_matrix[r][3] for r in range(3)) for c in range(3)]
    offset = [p - q for p, q in zip(position, center)]
    length = sum(x * x for x in offset) ** 0.5 or 1.0
    direction = tuple(x / length for x in offset)
    return viewsets.View(view.name, direction, *viewsets.angles(direction))


VIEW_SPECS = ("COMPASS8[:ELEVATION]", "COMPASS16[:ELEVATION]", "DIMETRIC8", "DIMETRIC16",
              "ISOMETRIC8", "ISOMETRIC16", "TURNTABLE:N[:ELEVATIONS]", "OCTAHEDRAL:N",
              "HEMI_OCTAHEDRAL:N")
_PRESETS = {"DIMETRIC": viewsets.DIMETRIC_ELEVATION, "ISOMETRIC": viewsets.ISOMETRIC_ELEVATION}


def parse_views(views):
    """A list of views from a spec (any case): 'COMPASS8[:ELEVATION]', 'COMPASS16[:ELEVATION]'
    (default elevation 30), 'DIMETRIC8' / 'DIMETRIC16' (compass views for 2:1 pixel art:
    elevation 30, ground edges at 26.565 degrees on screen), 'ISOMETRIC8' / 'ISOMETRIC16'
    (true isometric: elevation 35.264), 'TURNTABLE:N[:ELEV,...]', 'OCTAHEDRAL:N',
    'HEMI_OCTAHEDRAL:N'; or a list of viewsets.View, (azimuth, elevation) pairs and camera
    objects (which render through their own lens, at each frame's position)."""
    if isinstance(views, str):
        kind, _, rest = views.strip().upper().partition(":")
        parts = rest.split(":") if rest else []
        try:
            if kind in ("COMPASS8", "COMPASS16") and len(parts) <= 1:
                elevation = float(parts[0]) if parts else 30.0
                return viewsets.compass(int(kind[7:]), elevation)
            preset = kind.rstrip("0123456789")
            if preset in _PRESETS and kind[len(preset):] in ("8", "16") and not parts:
                return viewsets.compass(int(kind[len(preset):]), _PRESETS[preset])
            if kind == "TURNTABLE" and parts:
                elevations = [float(e) for e in parts[1].split(",")] if len(parts) > 1 else [0.0]
                return viewsets.turntable(int(parts[0]), elevations)
            if kind in ("OCTAHEDRAL", "HEMI_OCTAHEDRAL") and len(parts) == 1:
                return viewsets.octahedral(int(parts[0]), hemisphere=kind.startswith("HEMI"))
        except ValueError as error:
            raise ValueError(f"views {views!r}: {error}") from None
        raise ValueError(f"views must be {', '.join(VIEW_SPECS)} or a list of views, "
                         f"got {views!r}")
    try:
        views = list(views)
    except TypeError:
        raise TypeError(
            f"views must be a views spec (str) or a list of views, got {views!r}") from None
    out = []
    for item in views:
        if isinstance(item, viewsets.View):
            out.append(item)
        elif isinstance(item, bpy.types.Object):
            if item.type != "CAMERA":
                raise ValueError(f"views: object '{item.name}' is a {item.type.lower()}, not a camera")
            out.append(CameraView(item.name, item))
        else:
            if not (isinstance(item, (list, tuple)) and len(item) == 2):
                raise TypeError(f"views: each view must be a viewsets.View, a camera object or "
                                f"(azimuth, elevation) in degrees, got {item!r}")
            azimuth, elevation = (checks.number(angle, "views: an angle") for angle in item)
            d = viewsets.direction(azimuth, elevation)
            out.append(viewsets.View(f"az{azimuth:05.1f}_el{elevation:+05.1f}", d, azimuth, elevation))
    if not out:
        raise ValueError("views is empty")
    return out


PIVOTS = ("ORIGIN", "FEET")


def _check_pivot(pivot):
    """ORIGIN, FEET (any case) or a world point (x, y, z)."""
    if isinstance(pivot, str):
        return checks.choice(pivot, "pivot", PIVOTS)
    try:
        point = tuple(pivot)
    except TypeError:
        point = ()
    if len(point) != 3 or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                  for v in point):
        raise TypeError(f"pivot must be ORIGIN, FEET or a point (x, y, z), got {pivot!r}")
    for v in point:
        checks.number(v, "pivot: a coordinate")
    return tuple(float(v) for v in point)


def _check_arguments(a):
    """TypeError or ValueError naming the first wrong argument of sheet_steps (`a`: its arguments
    as they came), before any work; returns the enumerations (any case as given) by their names
    as listed. Objects, views, frames are checked where read."""
    checks.scene(a["scene"])
    width, height = checks.size(a["frame_size"], "frame_size")  # its range: framing.check below
    checks.size(a["max_size"], "max_size", _core.MAX_IMAGE_SIZE)
    checks.path(a["path"])
    fixed = {"projection": checks.choice(a["projection"], "projection", framing.PROJECTIONS)}
    checks.number(a["margin"], "margin")
    checks.number(a["pixels_per_unit"], "pixels_per_unit", optional=True)
    framing.check(framing.Framing((0.0, 0.0, 0.0), 1.0, width, height, fixed["projection"],
                                  a["margin"], a["pixels_per_unit"]))  # their ranges, now
    fixed["kind"] = checks.choice(a["kind"], "kind", tuple(KINDS), optional=True)
    fixed["passes"] = checks.choices(a["passes"], "passes", PASSES)
    fixed["samples"] = checks.samples(a["samples"])
    fixed["filter"] = checks.choice(a["filter"], "filter", FILTERS, optional=True)
    checks.number(a["filter_width"], "filter_width", 0.0, optional=True)
    checks.number(a["alpha_threshold"], "alpha_threshold", 0.0, 1.0)
    for what in ("trim", "dedupe", "power_of_two", "square", "allow_rotation", "premultiplied",
                 "overwrite"):
        checks.boolean(a[what], what)
    for what in ("shape_padding", "border_padding", "extrude", "threads", "grid_columns"):
        checks.whole(a[what], what)
    fixed["layout"] = checks.choice(a["layout"], "layout", LAYOUTS)
    fixed["colour"] = checks.choice(a["colour"], "colour", display.MODES)
    fixed["heuristic"] = checks.choice(a["heuristic"], "heuristic", HEURISTICS)
    fixed["json_form"] = checks.choice(a["json_form"], "json_form", JSON_FORMS)
    fixed["formats"] = sheet_formats.check(a["formats"], a["allow_rotation"])
    fixed["pixel_art"] = pixel_art_frames.check(a)
    if fixed["pixel_art"][0] and fixed["projection"] != "ORTHOGRAPHIC":
        raise ValueError("pixel_art needs projection='ORTHOGRAPHIC': a perspective view has no "
                         "pixel grid its pivot can stay on")
    fixed["normal_y"] = checks.choice(a["normal_y"], "normal_y", NORMAL_Y)
    fixed["pivot"] = _check_pivot(a["pivot"])
    fixed["lighting"] = lit.check(a["lighting"])
    if fixed["lighting"] != "BAKED" and fixed["kind"] not in (None, "BASE_COLOR"):
        raise ValueError(f"kind={fixed['kind']!r} in a lit sheet: lit views draw the BASE_COLOR "
                         f"bake and its material channels; leave kind unset")
    checks.name(a["name"], "name")
    actions = a["actions"]
    if actions is not None and not isinstance(actions, (str, bpy.types.Action, list, tuple)):
        raise TypeError(f"actions must be an action, its name or a list of them, got {actions!r}")
    if a["action_target"] is not None:
        find(a["action_target"], "action_target")
    fixed["cells"] = _check_cells(a["cells"], a["frame_store"])
    return fixed


def _check_cells(cells, frame_store):
    """None (a whole sheet), 'PACK' or (index, count), each with a frame_store folder."""
    checks.path(frame_store, "frame_store")
    if cells is None and frame_store is None:
        return None
    if frame_store is None:
        raise ValueError("cells needs frame_store: the folder the cells are written to or "
                         "packed from")
    if cells is None:
        raise ValueError("frame_store needs cells: (index, count) to render cells into it, or "
                         "'PACK' to make the sheet from it")
    if isinstance(cells, str):
        if cells.upper() == "PACK":
            return "PACK"
        raise ValueError(f"cells must be (index, count) or 'PACK', got {cells!r}")
    try:
        index, count = cells
    except (TypeError, ValueError):
        raise TypeError(f"cells must be (index, count) or 'PACK', got {cells!r}") from None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (index, count)):
        raise TypeError(f"cells must be (index, count) of whole numbers, got {cells!r}")
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"cells (index, count) needs 0 <= index < count (cells count from 0), "
                         f"got {cells!r}")
    return index, count


def _frame_numbers(frames, scene):
    if frames is None:
        return [scene.frame_current]
    if isinstance(frames, int):
        return [frames]
    values = list(frames)
    if len(values) in (2, 3) and all(isinstance(v, int) for v in values):
        start, end, step = values[0], values[1], values[2] if len(values) == 3 else 1
        if step < 1 or end < start:
            raise ValueError(f"frames (start, end, step) must have end >= start and step >= 1, got {frames!r}")
        return list(range(start, end + 1, step))
    raise ValueError(f"frames must be None, a frame number or (start, end[, step]), got {frames!r}")


def _bounds(objects, depsgraph):
    """World-space bounding box of the objects' evaluated meshes."""
    lo, hi = [float("inf")] * 3, [float("-inf")] * 3
    for obj in objects:
        evaluated = obj.evaluated_get(depsgraph)
        matrix = check_transform(obj, evaluated.matrix_world)
        for corner in evaluated.bound_box:
            p = matrix @ type(matrix.translation)(corner)
            for k in range(3):
                lo[k], hi[k] = min(lo[k], p[k]), max(hi[k], p[k])
    return lo, hi


def _output_paths(path, pages, passes, form):
    """File names for every page and pass: NAME.png / NAME.json for one page, NAME-0.png ... for
    several; extra passes as NAME-normal.png (or NAME-normal-0.png). Several pages also have
    NAME.json, all of them in one file (_multipack_path)."""
    root, extension = os.path.splitext(path)
    if extension.lower() not in ("", ".png", ".json"):
        raise ValueError(f"path must end in .png (or have no extension), got {path!r}")
    out = []
    for page in range(pages):
        suffix = f"-{page}" if pages > 1 else ""
        entry = {"json": f"{root}{suffix}.json"}
        for p in passes:
            tag = "" if p == "COLOR" else f"-{p.lower()}"
            entry[p] = f"{root}{tag}{suffix}.png"
        out.append(entry)
    return out


def output_files(path, passes, formats=()):
    """Every file a sheet at `path` with these passes may write, whatever its page count: the
    files of one page (NAME.png, NAME-normal.png ..., NAME.json, which is also the multi-pack
    JSON of several pages) and the page files of several (NAME-0.png, NAME-normal-0.png,
    NAME-0.json ...) the folder holds now. Checked before any work, when the page count is not
    known yet."""
    root = os.path.splitext(os.fspath(path))[0]
    folder, stem = os.path.split(os.path.abspath(root))
    tags = ["" if p == "COLOR" else f"-{p.lower()}" for p in passes]
    out = ([f"{root}{tag}.png" for tag in tags] + [f"{root}.json"]
           + list(sheet_formats.paths(root, formats).values()))
    pages = re.compile(rf"{re.escape(stem)}(?:{'|'.join(map(re.escape, tags))})-\d+\.png"
                       rf"|{re.escape(stem)}-\d+\.json")
    try:
        names = sorted(os.listdir(folder))
    except OSError:  # a folder still to be made holds nothing
        names = []
    return out + [os.path.join(os.path.dirname(root), n) for n in names if pages.fullmatch(n)]


def _multipack_path(path, pages):
    """NAME.json for a sheet of several pages: every page in TexturePacker's multi-pack form, the
    file Phaser's load.multiatlas reads (NAME-0.json ... stay, one per page, for PixiJS and the
    rest). None for one page, whose NAME.json is its own JSON."""
    return f"{os.path.splitext(path)[0]}.json" if pages > 1 else None


def sprite_sheet(*args, progress=None, **kwargs):
    """Render views of baked objects into packed sprite-sheet pages; write PNG + JSON with `path`.

    Runs sheet_steps to the end; progress(done, total, view name) is called before each view.
    See sheet_steps for the arguments."""
    return run_steps(sheet_steps(*args, **kwargs), progress)


def sheet_steps(objects=None, views="COMPASS8", frame_size=(256, 256), path=None, *, frames=None,
                projection="ORTHOGRAPHIC", margin=0.05, pixels_per_unit=None, kind=None,
                passes=("COLOR",), samples="AUTO", filter=None, filter_width=None, trim=True,
                alpha_threshold=0.0, shape_padding=2, border_padding=2, extrude=0,
                layout="MAXRECTS", heuristic="BEST", max_size=(4096, 4096), power_of_two=False,
                square=False, allow_rotation=False, dedupe=True, premultiplied=False,
                json_form="HASH", formats=(), name="sheet", overwrite=False, threads=0, scene=None,
                grid_columns=0, actions=None, action_target=None, colour="SCENE", normal_y="UP",
                pivot="ORIGIN", renderer="BAKEVIEW", lighting="BAKED", pixel_art=False,
                pixel_scale=1, palette=None, outline=None, cells=None, frame_store=None):
    """A generator making a sprite sheet one view at a time: it yields (done, total, view name)
    before each view and returns the SheetResult (StopIteration.value). Closing it early (an
    operator cancelled with Esc) leaves nothing behind: files and Images are made only at the end.

    views: COMPASS8[:ELEVATION], COMPASS16[:ELEVATION] (default elevation 30), DIMETRIC8,
        DIMETRIC16 (2:1 pixel-art dimetric: elevation 30 degrees, a ground grid's edges at
        26.565 degrees on screen in the diagonal views), ISOMETRIC8, ISOMETRIC16 (true
        isometric: elevation 35.264, edges at 30 degrees), TURNTABLE:N[:ELEVATIONS],
        OCTAHEDRAL:N, HEMI_OCTAHEDRAL:N (any case), or a list of viewsets.View or (azimuth,
        elevation) pairs (see bakeview.viewsets).
    Enumerations (views, projection, kind, passes, filter, layout, heuristic, json_form, colour,
        normal_y, pivot) take any case.
    pivot: the point each frame's pivot (the JSON's pivot, the frame table's pivot_x, pivot_y)
        marks: ORIGIN (default) the first object's origin at each frame, FEET the bottom centre
        of the objects' bounds over all the frames (where a character stands), or a world
        point (x, y, z).
    frames: None (the current frame), a frame number, or (start, end[, step]): each frame renders
        the meshes evaluated at that frame (modifiers, armatures, shape keys) with the same bakes.
    actions: actions (or their names) to play one after the other on action_target (default:
        the first object's armature parent, else the object), each over its own frame range
        (with the step of `frames`); frames are named ACTION/VIEW/FRAME and each ACTION/VIEW is
        an animation in the JSON. The target's action is put back afterwards.
    Framing: one scale for every frame of the sheet, fitted to the objects' bounds over all the
        frames (or pixels_per_unit, orthographic); margin is a fraction of the frame.
    Packing: trim transparent borders (alpha above alpha_threshold kept), identical frames stored
        once (dedupe), MaxRects (heuristic BEST: the tightest of several heuristics, orders and
        page shapes; or one of BSSF, BAF, BL, CP) or GRID layout, shape and border
        padding, extrude, power_of_two, square, max_size with several pages.
    Output: page Images per pass (pixels readable: scene-linear, straight alpha), the frame
        table, and with `path` (e.g. "out/hero.png") the PNG pages, extra passes as companion
        sheets with the same layout, and TexturePacker JSON (json_form HASH or ARRAY).
        One page: NAME.png + NAME.json. Several pages: NAME-0.png + NAME-0.json, ... (each JSON
        lists the others in related_multi_packs, as PixiJS loads them), and NAME.json holding
        every page in TexturePacker's multi-pack form, which Phaser loads in one call:
        this.load.multiatlas(KEY, "NAME.json", FOLDER). Phaser does not draw frames packed
        rotated (allow_rotation) the right way round; PixiJS does. Files are written all or
        nothing (under other names, renamed once all are written). An existing file (any page,
        pass or JSON the sheet may write) is replaced only with overwrite=True, else the call
        refuses before any work. `path` naming a folder (existing, or ending in a separator)
        writes NAME.png inside it; a missing folder is made when the files are written (see
        bakeview.files).
    formats: engine files written beside the TexturePacker JSON, from the same frame table
        (see bakeview.sheet_formats): ASEPRITE (NAME.aseprite.json: Aseprite's JSON, which
        Phaser's load.aseprite + anims.createFromAseprite and PixiJS read; one page only),
        GODOT3 (NAME.godot3.tres) and GODOT4 (NAME.tres): a SpriteFrames resource with one
        animation per view or ACTION/VIEW, LIBGDX (NAME.atlas: libGDX and Spine). Animations
        play at the scene's frames per second over the frame step of `frames`. Refused with
        allow_rotation (none of them turns frames as TexturePacker's JSON does).
    colour: how the colour pages are encoded: SCENE (default) as Blender writes the scene's
        render output (its view transform, look, exposure, gamma, curves and display, from the
        scene's output override when it has one), within one 8-bit code of Image.save_render of
        the same pixels (see bakeview.display); SRGB the plain sRGB curve. Data passes are never
        colour-transformed, alpha never.
    premultiplied: colour PNGs hold the encoded colour times alpha (meta.premultiplyAlpha), as
        TexturePacker and engines mean it; the page Images stay straight.
    Data sheets as engines light with (see the README's engine table):
        NORMAL: camera-space normals (x right, y up, z toward the viewer) encoded n * 0.5 + 0.5,
        8-bit RGB, with the colour sheet's alpha (straight); (128, 128, 255) with alpha 0 where
        nothing is seen. normal_y: UP (green up: OpenGL, Unity, Godot 4, Blender, three.js,
        PixiJS and Phaser lights) or DOWN (DirectX, Unreal, Godot 3's sprites).
        DEPTH: distance along the view axis mapped linearly to 0..65535 (16-bit grey + the
        colour's alpha) from near to far, the depth range of the objects' bounding sphere over
        every view and frame (so one mapping holds for the whole sheet, the sphere's centre at
        about half way for fitted views); nothing seen is far. near and far are in the JSON
        (meta.bakeview.depth) and in SheetResult.depth_range.
        The NORMAL and DEPTH page Images hold what their files hold, as floats in [0, 1]
        (Non-Color): the encoded normal map, and the normalised depth in R, G, B with alpha.
    lighting: BAKED (default) draws the bake as it is (unlit, or lit as a COMBINED bake froze
        it); SCENE lights every view and frame in the core from the objects' material channels
        (bake(kind="MATERIAL")) with the scene's lights, world and shadows at that frame, as
        Cycles would; or a light rig dict (lights, world, space WORLD or CAMERA: a rig that
        turns with each view), see bakeview.lit and render_view.
    renderer: what renders the frames: BAKEVIEW (default: the core, from the bakes), or
        Blender's own CYCLES, EEVEE or WORKBENCH (bakeview.render_pixels, with the scene's render
        settings: samples, lights, world, colour management), for every view or, as a dict
        {view name: renderer}, for some (the others BAKEVIEW). Frames by Blender need no bake,
        show the sheet's objects only (others are hidden from the camera; with EEVEE and
        Workbench, from the render), and give the passes COLOR, ALPHA, DEPTH and NORMAL (Blender's
        own: normals turned into camera space); the same views, framing, trimming, packing and
        files. In background mode EEVEE and Workbench need a GPU context (see render_pixels).
    cells, frame_store: one sheet made by several tasks (separate processes, other machines),
        byte for byte the sheet one call makes; see bakeview.frame_store for the folder's format.
        The sheet's cells (its frames before packing) are numbered in the order one call renders
        them: action (clip), animation frame, view; from 0.
        cells=(I, K), frame_store=DIR: render only the cells c with c % K == I and write each
        into DIR (made when missing) as it is done, atomically; cells DIR holds already (a task
        run again after a crash) are not rendered again. Nothing else is made: no file at
        `path`, no Image; path, packing and file arguments are not used. Returns a
        frame_store.CellsResult (the task's cells, those written, those kept). DIR's header
        holds the cell count, frame size, passes and every argument that decides a cell's
        pixels; a task whose sheet differs is refused, naming what differs.
        cells="PACK", frame_store=DIR: render nothing (the objects need no bake): read every
        cell from DIR (refused, naming them, if some are missing; refused if DIR was made for
        other settings), then trim, pack and write as one call does, and return its
        SheetResult. Pass the same arguments to every task (the pack's path, packing and file
        arguments are the sheet's).
    """
    fixed = _check_arguments(locals())  # before anything: every argument as it came
    projection, kind, passes, filter, layout, colour, heuristic, json_form, normal_y, pivot = (
        fixed[k] for k in ("projection", "kind", "passes", "filter", "layout", "colour",
                           "heuristic", "json_form", "normal_y", "pivot"))
    formats = fixed["formats"]
    pixel_art, pixel_scale, palette, outline = fixed["pixel_art"]
    lighting, samples = fixed["lighting"], fixed["samples"]
    cells = fixed["cells"]
    pack = cells == "PACK"  # the sheet from a frame store's cells, rendering nothing
    task = cells if isinstance(cells, tuple) else None  # (I, K): cells I, I + K ... to a store
    if pixel_art:  # one sample at each pixel's centre, nothing smoothed across the grid
        samples, filter, filter_width = 1, "BOX", 1.0
    if lighting != "BAKED":
        kind = "BASE_COLOR"
    scene = scene or bpy.context.scene
    width, height = frame_size
    view_list = parse_views(views)
    numbers = _frame_numbers(frames, scene)
    if "COLOR" not in passes:
        passes = ("COLOR",) + passes  # trimming and packing follow the colour's alpha
    by_renderer = blender_frames.renderers(renderer, view_list)
    if pixel_art and set(by_renderer) != {"BAKEVIEW"}:
        raise ValueError("pixel_art draws with the core: renderer must be BAKEVIEW for every view")
    engines = {} if pack else blender_frames.check(by_renderer, passes, scene)
    uses_core = "BAKEVIEW" in by_renderer and not pack  # the pack draws nothing: needs no bake
    encoding = None
    if path is not None and task is None:  # before any work: a wrong path wastes no render
        path = files.in_folder(path, name)
        _output_paths(os.fspath(path), 1, passes, json_form)
        files.check_folder(path)
        files.refuse_existing(output_files(path, passes, formats), overwrite)
        encoding = display.encoding(scene, colour)
    from .view import _resolve_objects, _scene_filter  # the same rules as render_view

    chosen = _resolve_objects(objects, scene, kind if lighting == "BAKED" else None,
                              need_texture=uses_core, need_bake=uses_core)
    scene_filter, scene_width = _scene_filter(scene)
    filter = filter or scene_filter
    filter_width = scene_width if filter_width is None else filter_width
    textures = {}
    chain = samples == "AUTO"  # AUTO minifies on the textures' mip levels
    materials = lit.Materials(chosen, chain) if uses_core and lighting != "BAKED" else None
    lights = lit.Lighting(lighting, scene) if materials is not None else None
    for obj in chosen if uses_core else ():
        image = records.baked_image(obj, kind)
        if image.name not in textures:
            textures[image.name] = texture_cache.texture(image, mipmaps=chain)

    clips, target = _clips(actions, action_target, chosen, numbers, frames)
    all_frames = [n for _, _, clip_numbers in clips for n in clip_numbers]
    stored_w, stored_h = width * pixel_scale, height * pixel_scale  # the frames as the sheet keeps them
    if task is None:  # a cell task keeps one frame's views at a time
        _check_memory(len(all_frames) * len(view_list), stored_w, stored_h, passes, max_size,
                      shape_padding, border_padding, extrude, power_of_two, square)

    def finish(rendered, depths):
        """The sheet from the rendered frames and the depths of each (_assemble)."""
        depth_range = (min(d[0] for d in depths), max(d[1] for d in depths)) if depths else None
        step = frames[2] if isinstance(frames, (tuple, list)) and len(frames) == 3 else 1
        frame_rate = scene.render.fps / scene.render.fps_base / step
        return _assemble(rendered, passes, stored_w, stored_h, path, shape_padding,
                         border_padding, extrude, layout, heuristic, max_size, power_of_two,
                         square, allow_rotation, dedupe, (scene, encoding, premultiplied, palette),
                         json_form, name, overwrite, grid_columns, normal_y, depth_range, formats,
                         frame_rate)

    total = len(all_frames) * len(view_list)
    if frame_store is not None:  # what decides a cell's pixels, as the store's header holds it
        settings = _store_settings(
            view_list, clips, by_renderer, projection=projection, margin=margin,
            pixels_per_unit=pixels_per_unit, kind=kind, samples=samples, filter=filter,
            filter_width=filter_width, trim=trim, alpha_threshold=alpha_threshold, pivot=pivot,
            lighting=lighting, pixel_art=pixel_art, pixel_scale=pixel_scale, outline=outline,
            action_target=action_target, scene=scene.name)
    if pack:
        store = stores.Store.open(frame_store, stores.header(
            total, (width, height), passes, settings,
            {"objects": [o.name for o in chosen]} if objects is not None else {}))
        return finish(*(yield from _read_cells(store, passes, stored_w, stored_h)))
    animation_data = target.animation_data if target is not None else None
    original_action = animation_data.action if animation_data is not None else None
    original_frame = scene.frame_current
    try:
        # one framing for the whole sheet: bounds over every frame of every clip
        lo, hi = [float("inf")] * 3, [float("-inf")] * 3
        for _, action, clip_numbers in clips:
            _play(target, action)
            for number in clip_numbers:
                _go_to(scene, number, played=frames is not None or actions is not None)
                a, b = _bounds(chosen, bpy.context.evaluated_depsgraph_get())
                lo = [min(x, y) for x, y in zip(lo, a)]
                hi = [max(x, y) for x, y in zip(hi, b)]
        center = tuple((x + y) * 0.5 for x, y in zip(lo, hi))
        if pivot == "FEET":  # the bottom centre of the bounds over every frame
            pivot = (center[0], center[1], lo[2])
        radius = 0.5 * sum((y - x) ** 2 for x, y in zip(lo, hi)) ** 0.5
        fit = framing.Framing(center, radius, width, height, projection=projection, margin=margin,
                              pixels_per_unit=pixels_per_unit)
        framing.check(fit)
        if task is not None:  # the store for these settings, made by the first task
            store = stores.Store.create(frame_store, stores.header(
                total, (width, height), passes, settings,
                {"objects": [o.name for o in chosen], "action_target": target and target.name,
                 "center": list(center), "radius": radius}))
            mine = list(range(task[0], total, task[1]))
            todo = {c for c in mine if not store.has(c, verify=True)}  # a rerun: the rest
            written = []
        fitted = {i: framing.camera(fit, v.direction) for i, v in enumerate(view_list)
                  if not isinstance(v, CameraView)}
        blender = (blender_frames.BlenderFrames(scene, chosen, width, height,
                                                framing.blender_lens(fit))
                   if engines else contextlib.nullcontext())
        core_views = [k for k, r in enumerate(by_renderer) if r == "BAKEVIEW"]

        rendered = []
        depths = []  # (near, far) of the bounding sphere seen from each view of each frame
        steps = total if task is None else len(todo)
        done, following = 0, 0  # views rendered; the cell number of the next frame's first view
        with blender:
            for clip, action, clip_numbers in clips:
                _play(target, action)
                for number in clip_numbers:
                    first, following = following, following + len(view_list)  # its cells
                    wanted = {k for k in range(len(view_list)) if task is None or first + k in todo}
                    if not wanted:
                        continue  # a cell task's frame without a cell to render
                    _go_to(scene, number, played=frames is not None or actions is not None)
                    depsgraph = bpy.context.evaluated_depsgraph_get()
                    meshes = [core_mesh(obj, depsgraph, records.uv_map(obj),
                                        textures[records.baked_image(obj, kind).name], i,
                                        images.alpha_use(records.baked_image(obj, kind)),
                                        materials.material(obj) if materials else None,
                                        normals="NORMAL" in passes)
                              for i, obj in enumerate(chosen)] if uses_core else []
                    frame_lighting = lights.frame(depsgraph) if lights else None
                    origin = (tuple(chosen[0].evaluated_get(depsgraph).matrix_world.translation)
                              if pivot == "ORIGIN" else pivot)
                    jobs = _jobs(view_list, fitted, depsgraph, width, height, scene, center)
                    if pixel_art:  # the pivot on a pixel centre in every frame
                        jobs = [(v, pixel_art_frames.snapped(vm, pm, origin, width, height), pm)
                                for v, vm, pm in jobs]

                    def render(job, threads_per_view):
                        return _core.render(meshes, job[1], job[2], width, height, passes=passes,
                                            samples=samples, filter=filter,
                                            filter_width=filter_width, threads=threads_per_view,
                                            normal_space="CAMERA",
                                            lighting=lit.for_view(frame_lighting, job[1])
                                            if frame_lighting else None)

                    for _, view_matrix, _ in jobs:
                        depths.append(_sphere_depths(view_matrix, center, radius))

                    ahead_views = [k for k in core_views if k in wanted]
                    with _Ahead(render, [jobs[k] for k in ahead_views], threads) as ahead:
                        for k, (view, view_matrix, projection_matrix) in enumerate(jobs):
                            if k not in wanted:
                                continue
                            yield done, steps, view.name
                            done += 1
                            if by_renderer[k] == "BAKEVIEW":
                                buffers = ahead.result(ahead_views.index(k))
                            else:
                                through = view_list[k]  # a camera object's own lens
                                buffers = blender.frame(
                                    engines[by_renderer[k]], passes, view_matrix,
                                    through.camera if isinstance(through, CameraView) else None)
                            if pixel_art:
                                buffers = pixel_art_frames.frame(buffers, width, height,
                                                                 pixel_scale, outline, _CHANNELS)
                            rect = _trim_rect(buffers["COLOR"], stored_w, stored_h, trim,
                                              alpha_threshold)
                            buffers = _crop(buffers, stored_w, stored_h, rect)  # the full frame goes
                            px, py = framing.project(view_matrix, projection_matrix, origin,
                                                     width, height)
                            animation = f"{clip}/{view.name}" if clip else view.name
                            frame_name = (animation if len(all_frames) == 1
                                          else f"{animation}/{number:04d}")
                            rendered.append(_Rendered(frame_name, animation, number, view,
                                                      (view_matrix, projection_matrix), rect,
                                                      buffers, (px / width, py / height)))
                            if task is not None:  # to the store at once, not kept here
                                cell = first + k
                                store.write(cell, _cell(rendered.pop(), _sphere_depths(
                                    view_matrix, center, radius)))
                                written.append(cell)
    finally:
        if target is not None and target.animation_data is not None:
            target.animation_data.action = original_action
        if target is not None and animation_data is None and target.animation_data is not None:
            target.animation_data_clear()  # it had none before the actions played
        _go_to(scene, original_frame, played=frames is not None or actions is not None)

    if task is not None:
        return stores.CellsResult(store.folder, total, mine, written,
                                  [c for c in mine if c not in todo])
    return finish(rendered, depths)


def _jobs(view_list, fitted, depsgraph, width, height, scene, center):
    """(view, view matrix, projection) of each view at the current frame."""
    jobs = []
    for i, view in enumerate(view_list):
        if isinstance(view, CameraView):  # its own lens, where it is at this frame
            view_matrix, projection_matrix = (
                [list(row) for row in m] for m in
                camera_matrices(view.camera, depsgraph, width, height, scene))
            jobs.append((_seen_from(view, view_matrix, center), view_matrix, projection_matrix))
        else:
            jobs.append((view, *fitted[i]))
    return jobs


def _sphere_depths(view_matrix, center, radius):
    """(near, far): the depths (distance along the view axis, as the core's depth pass measures it
    with this view matrix, scale included) between which a sphere lies."""
    row = view_matrix[2]  # camera z = row . (p, 1); depth = -z
    scale = math.sqrt(sum(x * x for x in row[:3]))
    middle = -(sum(r * c for r, c in zip(row[:3], center)) + row[3])
    return middle - radius * scale, middle + radius * scale


def _store_settings(view_list, clips, by_renderer, **values):
    """What decides the pixels of a sheet's cells, as a frame store's header holds it (JSON
    values): the views, frames and renderers as the sheet resolved them, and `values` (the
    arguments, checked)."""
    out = {"views": [{"name": v.name, "camera": v.camera.name} if isinstance(v, CameraView)
                     else {"name": v.name, "direction": list(v.direction)} for v in view_list],
           "frames": [[clip, list(numbers)] for clip, _, numbers in clips],
           "renderer": list(by_renderer)}
    for key in ("margin", "pixels_per_unit", "alpha_threshold", "filter_width"):  # 1 as 1.0
        if isinstance(values[key], int):
            values[key] = float(values[key])
    out.update((k, _plain(v)) for k, v in values.items())
    return out


def _plain(value):
    """A value as JSON holds it: Blender data by name, sequences as lists."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bpy.types.ID):
        return value.name
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    try:
        return [_plain(v) for v in value]
    except TypeError:
        return repr(value)


def _cell(frame, depth):
    """A rendered frame (_Rendered) and the depths of its view as a frame store's Cell."""
    view = frame.view
    return stores.Cell(frame.name, frame.animation, frame.number,
                       {"name": view.name, "direction": list(view.direction),
                        "azimuth": view.azimuth, "elevation": view.elevation,
                        "cell": None if view.cell is None else list(view.cell)},
                       [[list(row) for row in m] for m in frame.matrices], frame.rect,
                       frame.pivot, depth, frame.buffers)


def _read_cells(store, passes, width, height):
    """Every cell of a frame store, in order: (rendered frames, their depths), as the render
    loop of sheet_steps makes them; yields (done, total, "cell N") before each. Refuses a store
    with cells missing, naming them."""
    missing = store.missing()
    if missing:
        raise stores.FrameStoreError(
            f"frame store {store.folder} is missing {len(missing)} of the sheet's {store.total} "
            f"cells: {stores.ranges(missing)}; run the cell tasks that render them again")
    rendered, depths = [], []
    for index in range(store.total):
        yield index, store.total, f"cell {index}"
        cell = store.read(index)
        x, y, w, h = cell.rect
        buffers = {}
        for p in passes:
            data = cell.buffers.get(p)
            if (data is None or len(data) != 4 * w * h * _CHANNELS[p] or min(x, y) < 0
                    or x + w > width or y + h > height):
                raise stores.FrameStoreError(
                    f"frame store {store.folder}: cell {index} holds no {p} pixels for its "
                    f"rectangle {cell.rect} of a {width} x {height} frame")
            buffers[p] = array.array("f", data)
        v = cell.view
        view = viewsets.View(v["name"], tuple(v["direction"]), v["azimuth"], v["elevation"],
                             None if v["cell"] is None else tuple(v["cell"]))
        rendered.append(_Rendered(cell.name, cell.animation, cell.number, view,
                                  tuple(cell.matrices), cell.rect, buffers, cell.pivot))
        depths.append(cell.depth)
    return rendered, depths


class _Ahead:
    """Renders the views of a frame on worker threads, one view per core and a few views ahead of
    the one asked for: at sprite sizes a view split into tiles leaves cores waiting at its end,
    views side by side do not. With one core (or one view) each view renders in turn with
    `threads`. Leaving the block (done, failed or cancelled) waits for the renders under way and
    drops those not started, so nothing runs on after it."""

    def __init__(self, render, jobs, threads):
        workers = threads or os.cpu_count() or 1
        self.render, self.jobs = render, jobs
        self.parallel = workers > 1 and len(jobs) > 1
        self.workers, self.threads = workers, threads
        self.pool, self.futures = None, {}

    def __enter__(self):
        if self.parallel:
            self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=self.workers)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        return False

    def result(self, k):
        """The buffers of view k (renders are started in order, up to `workers` at a time)."""
        if not self.parallel:
            return self.render(self.jobs[k], self.threads)
        for ahead in range(k, min(k + self.workers, len(self.jobs))):
            if ahead not in self.futures:
                self.futures[ahead] = self.pool.submit(self.render, self.jobs[ahead], 1)
        return self.futures.pop(k).result()


def _clips(actions, target, objects, numbers, frames):
    """[(clip name or None, action or None, frame numbers)] and the object actions play on."""
    if actions is None:
        return [(None, None, numbers)], None
    if isinstance(actions, (str, bpy.types.Action)):
        actions = [actions]
    step = frames[2] if isinstance(frames, (tuple, list)) and len(frames) == 3 else 1
    clips = []
    for value in actions:
        action = bpy.data.actions.get(value) if isinstance(value, str) else value
        if not isinstance(action, bpy.types.Action):
            raise ValueError(f"actions: no action {value!r}")
        start, end = (int(round(f)) for f in action.frame_range)
        clips.append((action.name, action, list(range(start, end + 1, step))))
    if not clips:
        raise ValueError("actions is empty")
    if target is None:
        parent = objects[0].parent
        target = parent if parent is not None and parent.type == "ARMATURE" else objects[0]
    else:
        target = find(target, "action_target")
    return clips, target


def _go_to(scene, number, played):
    """Sets the scene's frame, when frames or actions were asked for (`played`): the sheet shows
    them as animated. A sheet of the current frame alone draws the scene as it is, without
    setting the frame again (which would also make the UI redraw every viewport, longer than
    the sheet's work where drawing is slow)."""
    if played or scene.frame_current != number:
        scene.frame_set(number)


def _play(target, action):
    if target is None or action is None:
        return
    if target.animation_data is None:
        target.animation_data_create()
    target.animation_data.action = action


def _trim_rect(colour, width, height, trim, alpha_threshold):
    """The rectangle of a frame the sheet keeps (y down): trimmed to its visible pixels."""
    if not trim:
        return (0, 0, width, height)
    rect = _core.trim_bounds(colour, width, height, 4, alpha_threshold)
    return (0, 0, 1, 1) if rect[2] == 0 else rect  # an empty frame still needs a texel to point at


def _crop(buffers, width, height, rect):
    """Each pass's pixels inside rect alone, so that a frame waiting to be packed holds only what
    the sheet keeps of it."""
    x, y, w, h = rect
    if (x, y, w, h) == (0, 0, width, height):
        return buffers
    out = {}
    for p, buffer in buffers.items():
        out[p] = bytearray(4 * w * h * _CHANNELS[p])
        _core.blit(out[p], w, h, buffer, width, height, rect, 0, 0, channels=_CHANNELS[p])
    return out


def _check_memory(frame_count, width, height, passes, max_size, shape_padding, border_padding,
                  extrude, power_of_two, square):
    """Refuses a sheet, before anything is rendered or made, whose worst case does not fit in the
    memory available: every frame kept untrimmed (and one more being rendered), plus the pages of
    untrimmed frames in a grid, at most max_size each, in every pass and as Blender's float RGBA
    Images. Trimming keeps less; this is the bound."""
    available = _available_memory()
    try:
        max_w, max_h = (v if v > 0 else 4096 for v in max_size)  # 0: the packing's default
    except (TypeError, ValueError):
        return  # the packing says what is wrong with max_size
    sizes, paddings = (width, height, max_w, max_h), (shape_padding, border_padding, extrude)
    if (available is None or frame_count < 1
            or not all(isinstance(v, int) and 0 < v <= _core.MAX_IMAGE_SIZE for v in sizes)
            or not all(isinstance(v, int) and v >= 0 for v in paddings)):
        return  # unknown memory, or arguments the render or the packing refuses with a reason
    pixel_bytes = 4 * sum(_CHANNELS[p] for p in passes)
    frames_bytes = (frame_count + 1) * width * height * pixel_bytes
    cell_w, cell_h = width + 2 * extrude + shape_padding, height + 2 * extrude + shape_padding
    per_row = max(1, (max_w - 2 * border_padding + shape_padding) // cell_w)
    per_column = max(1, (max_h - 2 * border_padding + shape_padding) // cell_h)
    per_page = per_row * per_column
    page_count = -(-frame_count // per_page)
    last = frame_count - (page_count - 1) * per_page  # the last page holds these in a near-square grid
    columns = min(per_row, math.ceil(math.sqrt(last)))
    rows = -(-last // columns)
    last_w, last_h = (columns * cell_w - shape_padding + 2 * border_padding,
                      rows * cell_h - shape_padding + 2 * border_padding)
    if power_of_two:
        last_w, last_h = 1 << (last_w - 1).bit_length(), 1 << (last_h - 1).bit_length()
    if square:
        last_w = last_h = max(last_w, last_h)
    pages_area = (page_count - 1) * max_w * max_h + min(last_w, max_w) * min(last_h, max_h)
    pages_bytes = pages_area * (pixel_bytes + 16 * len(passes))  # page buffers, float RGBA Images
    needed = frames_bytes + pages_bytes
    if needed > available:
        mib = 1 << 20
        raise MemoryError(
            f"a sheet of {frame_count} frames of {width} x {height} ({', '.join(passes)}) may need "
            f"{needed / mib:.0f} MiB ({frames_bytes / mib:.0f} MiB of frames before trimming, "
            f"{pages_bytes / mib:.0f} MiB for {page_count} page(s) of at most {max_w} x {max_h}), "
            f"more than the {available / mib:.0f} MiB of memory available; render fewer views or "
            f"frames, smaller frames or fewer passes")


def _assemble(rendered, passes, width, height, path, shape_padding, border_padding, extrude, layout,
              heuristic, max_size, power_of_two, square, allow_rotation, dedupe, output,
              json_form, name, overwrite, grid_columns, normal_y="UP", depth_range=None, formats=(),
              frame_rate=None):
    # find identical frames (each is trimmed already: its buffers hold its rect alone)
    kept, table = [], []  # kept: (index into rendered, rect); table: per frame -> index into kept
    seen = {}
    for index, frame in enumerate(rendered):
        rect = frame.rect
        slot = None
        if dedupe:
            key = (_core.rect_hash(frame.buffers["COLOR"], rect[2], rect[3], (0, 0, *rect[2:])),
                   rect[2], rect[3])
            for candidate in seen.get(key, ()):
                if _same_pixels(rendered[kept[candidate][0]], frame, passes):
                    slot = candidate
                    break
            if slot is None:
                seen.setdefault(key, []).append(len(kept))
        if slot is None:
            slot = len(kept)
            kept.append((index, rect))
        table.append(slot)

    sizes = [(r[2] + 2 * extrude, r[3] + 2 * extrude) for _, r in kept]
    if layout == "GRID" and not grid_columns:  # a near-square grid rather than one long strip
        grid_columns = math.ceil(math.sqrt(len(sizes)))
    placements, pages = _core.pack(
        sizes, layout=layout, heuristic=heuristic, max_size=tuple(max_size),
        shape_padding=shape_padding, border_padding=border_padding, power_of_two=power_of_two,
        square=square, allow_rotation=allow_rotation, grid_columns=grid_columns)

    result = SheetResult(occupancy=[p[2] for p in pages], normal_y=normal_y,
                         depth_range=depth_range if "DEPTH" in passes else None,
                         frame_rate=frame_rate)
    # between frames a page shows nothing: zeros are no normal, and for depth the empty value
    empty_depth = array.array("f", [_core.DEPTH_EMPTY]).tobytes()
    page_buffers = {p: [bytearray(empty_depth * (w * h)) if p == "DEPTH"
                        else bytearray(4 * w * h * _CHANNELS[p]) for (w, h, _) in pages]
                    for p in passes}
    for (index, rect), (page, x, y, rotated) in zip(kept, placements):
        buffers = rendered[index].buffers
        for p in passes:
            pw, ph, _ = pages[page]
            _core.blit(page_buffers[p][page], pw, ph, buffers[p], rect[2], rect[3], (0, 0, *rect[2:]),
                       x + extrude, y + extrude, channels=_CHANNELS[p], rotated=rotated, extrude=extrude)

    _encode_data_pages(page_buffers, pages, normal_y, depth_range)

    # the frame table, in JSON's terms (y down)
    for frame, slot in zip(rendered, table):
        index, rect = kept[slot]
        page, x, y, rotated = placements[slot]
        (vm, pm), original = frame.matrices, rendered[index].name
        result.frames.append({
            "name": frame.name, "page": page, "animation": frame.animation,
            "frame": (x + extrude, y + extrude, rect[2], rect[3]), "rotated": rotated,
            "trimmed": tuple(rect) != (0, 0, width, height), "source": tuple(rect),
            "source_size": (0, 0, width, height), "pivot_x": frame.pivot[0], "pivot_y": frame.pivot[1],
            "alias_of": original if original != frame.name else None,
            "view": {"azimuth": frame.view.azimuth, "elevation": frame.view.elevation,
                     "animation_frame": frame.number, "view": vm, "projection": pm},
        })

    # files and Images all or nothing: the files are written under other names (on a worker
    # thread, while the Images are made here), then take their names; on failure the old files
    # stay and no Image is left behind. Leaving the pool's block waits for the writes, so the
    # discard below sees every file written.
    staged = files.Staged()
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            with images.all_or_none():
                writing = None
                if path is not None:
                    result.files, writes = _file_writes(path, result, pages, page_buffers, passes,
                                                        output, json_form, overwrite, staged,
                                                        formats)
                    writing = pool.submit(lambda: [write() for write in writes])
                # Blender images: one per page and pass, pixels readable at once
                for p in passes:
                    result.pages[p] = []
                    for page, (w, h, _) in enumerate(pages):
                        data = page_buffers[p][page]
                        floats = memoryview(data).cast("f")
                        channels = _PAGE_CHANNELS.get(p, _CHANNELS[p])
                        rgba = (floats if channels == 4 else _grey_alpha_to_rgba(floats)
                                if p == "DEPTH" else _core.to_rgba(floats, channels))
                        suffix = f" {page}" if len(pages) > 1 else ""
                        tag = "" if p == "COLOR" else f" {p.lower()}"
                        result.pages[p].append(images.store(f"{name}{tag}{suffix}", w, h, rgba,
                                                            non_color=p in NON_COLOR_PASSES))
                if writing is not None:
                    writing.result()  # a failed write raises here
                staged.commit()
    finally:
        staged.discard()  # what was written and not committed

    return result


def _encode_data_pages(page_buffers, pages, normal_y, depth_range):
    """NORMAL and DEPTH pages as engines read them (the core's encoders, with the colour page's
    alpha): normal maps (RGBA) and normalised depth (grey + alpha)."""
    for page, (w, h, _) in enumerate(pages):
        colour = page_buffers["COLOR"][page]
        if "NORMAL" in page_buffers:
            encoded = _core.encode_normal_sheet(page_buffers["NORMAL"][page], colour, w, h,
                                                normal_y=normal_y)
            page_buffers["NORMAL"][page] = bytearray(encoded)
        if "DEPTH" in page_buffers:
            encoded = _core.encode_depth_sheet(page_buffers["DEPTH"][page], colour, w, h, *depth_range)
            page_buffers["DEPTH"][page] = bytearray(encoded)


def _grey_alpha_to_rgba(floats):
    """Grey + alpha floats as RGBA for an Image: the grey in R, G and B."""
    grey_alpha = array.array("f", floats)
    rgba = array.array("f", bytes(8 * len(grey_alpha)))
    for k in range(3):
        rgba[k::4] = grey_alpha[0::2]
    rgba[3::4] = grey_alpha[1::2]
    return rgba


def _same_pixels(kept, frame, passes):
    """Exact comparison of two trimmed frames, byte for byte in every pass (a hash match is not
    proof)."""
    return kept.rect == frame.rect and all(
        memoryview(kept.buffers[p]).cast("B") == memoryview(frame.buffers[p]).cast("B")
        for p in passes)


def _data_sheets_meta(result, entry):
    """write_json's description of a page's data sheets (meta.bakeview)."""
    meta = {}
    if "NORMAL" in entry:
        meta.update(normal_image=os.path.basename(entry["NORMAL"]), normal_y=result.normal_y)
    if "DEPTH" in entry:
        meta.update(depth_image=os.path.basename(entry["DEPTH"]), depth_range=result.depth_range)
    return meta


def _write_png(path, pixels, width, height, channels, arguments):
    """write_png with the arguments as they are when it runs (a palette joins them late)."""
    _core.write_png(path, pixels, width, height, channels, **arguments)


def _file_writes(path, result, pages, page_buffers, passes, output, json_form, overwrite,
                 staged, formats=()):
    """The files of the sheet: (their final paths, the writes to run, each a call into the core
    that touches no Blender data, so they may run on another thread). Checked here, before any
    write: the folder, and files in the way. `output`: (scene, display.Encoding, premultiplied,
    palette: None, a number of colours or a list of (r, g, b)); colour pages an exact encoding
    needs are taken through Blender here, on this thread, and a palette of N colours is made
    here from every colour page's codes."""
    scene, encoding, premultiplied, palette = output
    paths = _output_paths(os.fspath(path), len(pages), passes, json_form)
    multipack = _multipack_path(os.fspath(path), len(pages))
    engine_paths = sheet_formats.paths(os.path.splitext(os.fspath(path))[0], formats)
    files.check_folder(path)
    files.refuse_existing([f for entry in paths for f in entry.values()]
                          + ([multipack] if multipack else []) + list(engine_paths.values()),
                          overwrite)
    sheet_formats.check_sheet(formats, pages, result.frames)
    written, writes, colour_pages = [], [], []
    json_names = [os.path.basename(entry["json"]) for entry in paths]
    animations = {}  # every animation with more than one frame, frames in order
    for f in result.frames:
        animations.setdefault(f["animation"], []).append(f["name"])
    animations = {k: v for k, v in animations.items() if len(v) > 1}
    for page, entry in enumerate(paths):
        w, h, _ = pages[page]
        for p in passes:
            pixels, arguments = page_buffers[p][page], {"encoding": "LINEAR"}
            if p == "DEPTH":
                arguments["bits"] = 16
            if p not in NON_COLOR_PASSES:
                arguments = {**display.png_arguments(encoding), "premultiply": premultiplied}
                if encoding.mode == "EXACT":
                    pixels = display.through_blender(scene, memoryview(pixels).cast("f"), w * h)
                colour_pages.append((pixels, w, h, arguments))  # the palette below joins them
            writes.append(functools.partial(_write_png, staged.path(entry[p]), pixels, w, h,
                                            _PAGE_CHANNELS.get(p, _CHANNELS[p]), arguments))
            written.append(entry[p])
        frames = [f for f in result.frames if f["page"] == page]
        here = {f["name"] for f in frames}  # a page's animations name only its own frames
        page_animations = {k: [n for n in v if n in here] for k, v in animations.items()}
        page_animations = {k: v for k, v in page_animations.items() if v}
        writes.append(functools.partial(
            _core.write_json, staged.path(entry["json"]), frames, form=json_form,
            animations=page_animations, image=os.path.basename(entry["COLOR"]), size=(w, h),
            scale=1.0, related_multi_packs=[n for i, n in enumerate(json_names) if i != page],
            premultiplied=premultiplied, frame_rate=result.frame_rate or 0.0,
            **_data_sheets_meta(result, entry)))
        written.append(entry["json"])
    if multipack:
        writes.append(functools.partial(
            _core.write_multipack_json, staged.path(multipack), result.frames,
            pages=[{"image": os.path.basename(entry["COLOR"]), "size": pages[page][:2],
                    "normal_map": os.path.basename(entry["NORMAL"]) if "NORMAL" in entry else None}
                   for page, entry in enumerate(paths)],
            animations=animations, scale=1.0, premultiplied=premultiplied,
            frame_rate=result.frame_rate or 0.0))
        written.append(multipack)
    if isinstance(palette, int):  # N colours for every page's visible pixels together
        codes = b"".join(_core.png_codes(pixels, w, h, 4, **arguments)
                         for pixels, w, h, arguments in colour_pages)
        palette = _core.median_cut(codes, palette)
    if palette:
        result.palette = palette
        for _, _, _, arguments in colour_pages:  # the dicts the colour writes hold
            arguments["palette"] = palette
    sheet = sheet_formats.Sheet(result.frames, [p[:2] for p in pages],
                                [os.path.basename(entry["COLOR"]) for entry in paths],
                                result.frame_rate, premultiplied)
    for format, final in engine_paths.items():
        writes.append(functools.partial(sheet_formats.write, staged.path(final), format, sheet))
        written.append(final)
    return written, writes
