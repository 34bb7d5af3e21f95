"""bakeview.impostor: octahedral impostor atlases of baked objects, the two maps the common
impostor shaders read, and a JSON that says how to read them.

The grid: N x N frames, each an orthographic view of the objects' bounding sphere (centre c,
radius r: over every animation frame) from a direction on the octahedron, frames on the grid's
CORNERS as Ryan Brucks' octahedral impostors (Unreal's ImpostorBaker) place them, so that the
poles and the equator's octants are frames themselves:
    cell (col, row), row 0 at the top of the image:
        u = col / (N - 1) * 2 - 1,   v = 1 - row / (N - 1) * 2            (both in [-1, 1])
    OCTAHEDRAL (the sphere):       d = (u, v, 1 - |u| - |v|); where that z < 0,
                                   (x, y) = ((1 - |v|) sign u, (1 - |u|) sign v); normalised
    HEMI_OCTAHEDRAL (above only):  x = (u + v) / 2, y = (u - v) / 2, d = (x, y, 1 - |x| - |y|),
                                   normalised
  in the impostor's axes, which are Blender's world axes: x right, y back, z up (the README says
  how three.js, Godot, Unity and Unreal vectors map to them). A frame's camera looks from c + d * distance at c with z up (at
  the poles +y or -y up, as bakeview's sheets), its orthographic scale S = 2 r (the sphere fills
  the frame).

The maps, frame_size = size / N a side, PNG:
    NAME.png          colour + alpha (straight), encoded as the sheets' colour (colour=)
    NAME-normal.png   R, G, B: the world-space unit normal (the impostor's axes), n * 0.5 + 0.5
                      (0.5, 0.5, 1 where nothing is seen); A: depth along the frame's view,
                      0 at the sphere's point nearest the frame's camera, 0.5 at its centre, 1 at
                      the farthest (and where nothing is seen): a point at depth a lies
                      (0.5 - a) * 2 r from c towards the camera.
and NAME.json (layout, grid, frame_size, size, radius, pivot c, ortho scale, the depth and normal
conventions, the files per animation frame). Animated impostors (frames=(start, end[, step])):
the same pair per animation frame, NAME-0001.png and NAME-0001-normal.png, ...; the JSON lists
them in order with the frame rate."""
import array
import concurrent.futures
import json
import math
import os
import time

import bpy

from . import _core, checks, display, files, framing, images, records, textures as texture_cache
from .compat import float_array
from .extract import core_mesh
from .sheet import _bounds, _frame_numbers, _go_to
from .view import _resolve_objects

LAYOUTS = ("OCTAHEDRAL", "HEMI_OCTAHEDRAL")


def grid_direction(col, row, grid, hemisphere=False):
    """The unit direction of a grid corner frame (see the module doc)."""
    u = col / (grid - 1) * 2.0 - 1.0
    v = 1.0 - row / (grid - 1) * 2.0
    if hemisphere:
        x, y = (u + v) * 0.5, (u - v) * 0.5
        d = (x, y, 1.0 - abs(x) - abs(y))
    else:
        z = 1.0 - abs(u) - abs(v)
        if z < 0.0:
            u, v = (1.0 - abs(v)) * math.copysign(1.0, u), (1.0 - abs(u)) * math.copysign(1.0, v)
        d = (u, v, z)
    length = math.sqrt(sum(c * c for c in d))
    return tuple(c / length for c in d)


def check_grid(grid, size):
    """Refuses a grid and atlas size that make no impostor (before any work)."""
    for value, what, low, high in ((grid, "grid", 2, 64), (size, "size", 2, _core.MAX_IMAGE_SIZE)):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(f"{what} must be a whole number from {low} to {high}, got {value!r}")
    if size % grid:
        raise ValueError(f"size {size} must be a multiple of grid {grid}: every frame has "
                         f"size / grid pixels a side")


def impostor(objects=None, layout="OCTAHEDRAL", grid=16, size=2048, path=None, *, frames=None,
             kind=None, samples=4, colour="SCENE", name="impostor", overwrite=False,
             threads=0, scene=None):
    """Render the baked objects into an impostor atlas; returns a dict: "images" (per animation
    frame: {"colour": Image, "normal_depth": Image}), "meta" (the JSON's content), "files"
    (written with `path`, e.g. "out/tree.png"), "seconds". samples: render_view's; 4 (a 4 x 4
    grid) by default: on frames of 64 to 128 pixels AUTO costs 1.6 times as much (13 against 8 ms
    a 128 px frame of 16k triangles) for texture filtering an impostor's distance hides.
    """
    start = time.perf_counter()
    layout = checks.choice(layout, "layout", LAYOUTS)
    check_grid(grid, size)
    samples = checks.samples(samples)
    colour = checks.choice(colour, "colour", display.MODES)
    checks.name(name, "name")
    checks.path(path)
    checks.boolean(overwrite, "overwrite")
    scene = scene or bpy.context.scene
    numbers = _frame_numbers(frames, scene)
    frame_size = size // grid
    hemisphere = layout == "HEMI_OCTAHEDRAL"
    paths = None
    if path is not None:  # before any work
        path = files.in_folder(path, name)
        root = os.path.splitext(os.fspath(path))[0]
        tags = [""] if len(numbers) == 1 else [f"-{n:04d}" for n in numbers]
        paths = [(f"{root}{t}.png", f"{root}{t}-normal.png") for t in tags]
        files.check_folder(path)
        files.refuse_existing([p for pair in paths for p in pair] + [f"{root}.json"], overwrite)
    encoding = display.encoding(scene, colour)
    chosen = _resolve_objects(objects, scene, kind, need_texture=True)
    chain = samples == "AUTO"
    textures = {}
    for obj in chosen:
        image = records.baked_image(obj, kind)
        if image.name not in textures:
            textures[image.name] = texture_cache.texture(image, mipmaps=chain)

    played = frames is not None
    original = scene.frame_current
    pages = []
    try:
        lo, hi = [float("inf")] * 3, [float("-inf")] * 3
        for number in numbers:
            _go_to(scene, number, played)
            a, b = _bounds(chosen, bpy.context.evaluated_depsgraph_get())
            lo, hi = [min(x, y) for x, y in zip(lo, a)], [max(x, y) for x, y in zip(hi, b)]
        center = tuple((x + y) * 0.5 for x, y in zip(lo, hi))
        radius = 0.5 * math.sqrt(sum((y - x) ** 2 for x, y in zip(lo, hi)))
        fit = framing.Framing(center, radius, frame_size, frame_size, margin=0.0)
        framing.check(fit)
        distance = framing._placement(fit)[0]
        cameras = [framing.camera(fit, grid_direction(col, row, grid, hemisphere))
                   for row in range(grid) for col in range(grid)]
        for number in numbers:
            _go_to(scene, number, played)
            depsgraph = bpy.context.evaluated_depsgraph_get()
            meshes = [core_mesh(obj, depsgraph, records.uv_map(obj),
                                textures[records.baked_image(obj, kind).name], i,
                                images.alpha_use(records.baked_image(obj, kind)), normals=True)
                      for i, obj in enumerate(chosen)]
            pages.append(_render_page(meshes, cameras, grid, frame_size, samples, threads,
                                      distance - radius, distance + radius))
    finally:
        _go_to(scene, original, played)

    meta = {
        "app": "bakeview", "format": "bakeview-impostor", "format_version": 1,
        "layout": layout, "grid": grid, "frame_size": frame_size, "size": size,
        "frames_on": "corners", "samples": samples, "radius": radius, "pivot": list(center), "ortho_scale": 2 * radius,
        "axes": "blender: x right, y back, z up",
        "normal": {"space": "world", "encoding": "n * 0.5 + 0.5", "empty": [0.5, 0.5, 1.0]},
        "depth": {"channel": "normal map alpha", "zero": "nearest point of the sphere",
                  "half": "pivot plane", "one": "farthest point (and nothing seen)",
                  "range": 2 * radius},
        "frame_rate": scene.render.fps / scene.render.fps_base / (
            frames[2] if isinstance(frames, (tuple, list)) and len(frames) == 3 else 1),
        "frames": [{"frame": n} for n in numbers],
    }
    result = {"images": [], "meta": meta, "files": []}
    staged = files.Staged()
    # the PNGs are written on worker threads (the core releases the GIL) while Blender's Images
    # are made here; leaving the pool's block waits for them
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool, images.all_or_none():
            writes = []
            for k, (colour_page, normal_page) in enumerate(pages):
                if paths is not None:
                    colour_path, normal_path = paths[k]
                    meta["frames"][k].update(colour=os.path.basename(colour_path),
                                             normal_depth=os.path.basename(normal_path))
                    writes.append(pool.submit(_core.write_png, staged.path(normal_path),
                                              normal_page, size, size, 4, encoding="LINEAR"))
                    pixels = colour_page  # taken through Blender while the normal map is written
                    if encoding.mode == "EXACT":
                        pixels = display.through_blender(scene, pixels, size * size)
                    writes.append(pool.submit(_core.write_png, staged.path(colour_path), pixels,
                                              size, size, 4, **display.png_arguments(encoding)))
                    result["files"] += [colour_path, normal_path]
                tag = "" if len(pages) == 1 else f" {numbers[k]:04d}"
                result["images"].append({
                    "colour": images.store(f"{name}{tag}", size, size, colour_page),
                    "normal_depth": images.store(f"{name}{tag} normal", size, size, normal_page,
                                                 non_color=True)})
            for write in writes:
                write.result()  # a failed write raises here
            if paths is not None:
                json_path = os.path.splitext(os.fspath(path))[0] + ".json"
                with open(staged.path(json_path), "w", encoding="utf-8", newline="\n") as f:
                    json.dump(meta, f, indent=1)
                    f.write("\n")
                result["files"].append(json_path)
                staged.commit()
    finally:
        staged.discard()
    result["seconds"] = time.perf_counter() - start
    return result


def _render_page(meshes, cameras, grid, frame_size, samples, threads, near, far):
    """(colour, normal + depth) float RGBA atlases, row 0 at the bottom, of one animation frame.
    Views are small: they render side by side, a thread each (the core releases the GIL), rather
    than one after another on every thread."""
    size = grid * frame_size
    colour = float_array(4 * size * size)
    normal_depth = array.array("f", [0.5, 0.5, 1.0, 1.0]) * (size * size)
    workers = threads or os.cpu_count() or 1

    def render(camera):
        view, projection = camera
        out = _core.render(meshes, view, projection, frame_size, frame_size,
                           passes=("COLOR", "NORMAL", "DEPTH"), samples=samples, threads=1,
                           normal_space="WORLD")
        encoded = _core.encode_normal_sheet(out["NORMAL"], out["COLOR"], frame_size, frame_size)
        depth = _core.encode_depth_sheet(out["DEPTH"], out["COLOR"], frame_size, frame_size,
                                         near, far)
        encoded[3::4] = depth[0::2]
        return out["COLOR"], encoded

    cell = (0, 0, frame_size, frame_size)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for index, (pixels, encoded) in enumerate(pool.map(render, cameras)):
            row, col = divmod(index, grid)
            for atlas, cell_pixels in ((colour, pixels), (normal_depth, encoded)):
                _core.blit(atlas, size, size, cell_pixels, frame_size, frame_size, cell,
                           col * frame_size, row * frame_size, channels=4)
    return colour, normal_depth
