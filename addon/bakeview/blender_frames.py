"""Sprite-sheet frames from Blender's own renderer (Cycles, EEVEE, Workbench) instead of the core:
the same views and framing, rendered by bakeview.render_pixels, handed to the sheet as the core's
buffers are (straight linear RGBA, camera-space normals, depth along the view axis).

For the sheet's renders the scene renders at the frame size with square pixels, no border and a
transparent film (trimming follows alpha), through a camera of bakeview's placed at each view (a
camera object given as a view renders through itself). Objects the sheet does not show are hidden
from the camera (Cycles: they still cast shadows and light; EEVEE and Workbench have no such
setting, so there they are left out of the render). Everything is put back afterwards, also on
failure, and the camera is removed.
"""
import mathutils

import bpy

from . import _core, checks, render

RENDERERS = ("BAKEVIEW", "CYCLES", "EEVEE", "WORKBENCH")
PASSES = ("COLOR", "ALPHA", "DEPTH", "NORMAL")  # UV and OBJECT_ID are the core's own
_RENDERED_TYPES = {"MESH", "CURVE", "SURFACE", "META", "FONT", "CURVES", "POINTCLOUD", "VOLUME",
                   "GPENCIL", "GREASEPENCIL"}


def renderers(renderer, views):
    """The renderer of each view: one name for all, or {view name: name} (the views not named
    take BAKEVIEW); ValueError or TypeError naming what is wrong."""
    if isinstance(renderer, str):
        return [checks.choice(renderer, "renderer", RENDERERS)] * len(views)
    if not isinstance(renderer, dict):
        raise TypeError(f"renderer must be one of {', '.join(RENDERERS)} or a dict of view names "
                        f"to them, got {renderer!r}")
    names = [v.name for v in views]
    for name in renderer:
        if name not in names:
            raise ValueError(f"renderer names view {name!r}, which the sheet does not have "
                             f"(its views: {', '.join(names)})")
    return [checks.choice(renderer.get(v.name, "BAKEVIEW"), f"renderer of view {v.name!r}",
                          RENDERERS) for v in views]


def check(chosen, passes, scene):
    """Before any work: each Blender renderer exists here and can run, the passes are ones it
    gives. Returns {renderer: Blender's engine id}."""
    engines = {}
    for name in dict.fromkeys(chosen):
        if name == "BAKEVIEW":
            continue
        engines[name] = render.engine_id(name)
        render.check_gpu_context(engines[name])
    if engines:
        other = [p for p in passes if p not in PASSES]
        if other:
            raise ValueError(f"passes {', '.join(other)} come from bakeview's renderer only; "
                             f"frames rendered by {', '.join(engines)} have "
                             f"{', '.join(PASSES)}")
        render.view_layer_to_render(scene)
    return engines


class BlenderFrames:
    """The scene set up for the sheet's renders while the block lasts (see the module)."""

    def __init__(self, scene, objects, width, height, lens):
        self.scene, self.objects = scene, set(objects)
        self.width, self.height, self.lens = width, height, lens
        self.camera = None
        self.kept_render = None
        self.kept_hidden, self.hidden_for = {}, None  # {object name: (flag, value)}, the engine

    def __enter__(self):
        r = self.scene.render
        self.kept_render = {k: getattr(r, k) for k in (
            "resolution_x", "resolution_y", "resolution_percentage", "pixel_aspect_x",
            "pixel_aspect_y", "use_border", "film_transparent")}
        try:
            r.resolution_x, r.resolution_y = self.width, self.height
            r.resolution_percentage = 100
            r.pixel_aspect_x = r.pixel_aspect_y = 1.0
            r.use_border = False
            r.film_transparent = True
            data = bpy.data.cameras.new("bakeview sheet camera")
            for key, value in (self.lens or {}).items():
                setattr(data, key, value)
            self.camera = bpy.data.objects.new("bakeview sheet camera", data)
            self.scene.collection.objects.link(self.camera)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        self._show_others()
        if self.camera is not None:
            data = self.camera.data
            bpy.data.objects.remove(self.camera)
            bpy.data.cameras.remove(data)
            self.camera = None
        r = self.scene.render
        for key, value in (self.kept_render or {}).items():
            if getattr(r, key) != value:
                setattr(r, key, value)
        return False

    def _hide_others(self, engine):
        """Objects the sheet does not show, hidden for renders by `engine` until the block ends
        (or another engine renders)."""
        if engine == self.hidden_for:
            return
        self._show_others()
        flag, hidden = ("visible_camera", False) if engine == "CYCLES" else ("hide_render", True)
        for obj in self.scene.objects:
            renders = obj.type in _RENDERED_TYPES or (
                obj.type == "EMPTY" and obj.instance_type != "NONE")
            if obj in self.objects or obj == self.camera or not renders:
                continue
            if getattr(obj, flag) != hidden:
                self.kept_hidden[obj.name] = (flag, getattr(obj, flag))
                setattr(obj, flag, hidden)
        self.hidden_for = engine

    def _show_others(self):
        for name, (flag, value) in self.kept_hidden.items():
            obj = bpy.data.objects.get(name)
            if obj is not None and getattr(obj, flag) != value:
                setattr(obj, flag, value)
        self.kept_hidden.clear()
        self.hidden_for = None

    def frame(self, engine, passes, view_matrix, camera=None):
        """The buffers of one frame, as the core gives them: COLOR straight linear RGBA, ALPHA,
        DEPTH (along the view axis), NORMAL (camera space, unit, 0 where nothing is seen).
        camera: a camera object of the scene (a CameraView), else bakeview's placed at the view."""
        if camera is None:
            camera = self.camera
            camera.matrix_world = mathutils.Matrix(view_matrix).inverted()
        self._hide_others(engine)
        wanted = ["COMBINED"] + [p for p in ("DEPTH", "NORMAL") if p in passes]
        got = render.render_pixels(camera=camera, scene=self.scene, engine=engine, passes=wanted,
                                   images=False)
        if (got.width, got.height) != (self.width, self.height):
            raise RuntimeError(f"Blender rendered {got.width} x {got.height} pixels for a "
                               f"{self.width} x {self.height} frame")
        colour = _core.straight_alpha(got.pixels["COMBINED"])
        out = {"COLOR": colour}
        if "ALPHA" in passes:
            out["ALPHA"] = memoryview(colour).cast("B").cast("f")[3::4].tobytes()
        if "DEPTH" in passes:
            out["DEPTH"] = got.pixels["DEPTH"]
        if "NORMAL" in passes:
            out["NORMAL"] = _core.camera_normals(got.pixels["NORMAL"], view_matrix)
        return out
