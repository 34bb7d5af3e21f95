"""The add-on's UI: settings on the scene, the Bake, Render View, Sprite Sheet and Pack Atlas
operators, and their panels in the 3D Viewport sidebar (tab "bakeview"). Operators call the same
public API a script calls, and each setting carries the name of the API keyword it feeds (with
the group it belongs to as a prefix where two functions share a keyword: view_samples is
render_view's samples, sheet_margin sprite_sheet's margin, atlas_padding pack_atlas's padding).

Long work (bake, sprite sheet) runs in time slices when started from the UI (invoke): the first
slice runs in invoke itself (FIRST_SLICE), then each timer tick does at least MIN_SLICE seconds of
work, and more while the UI takes long between ticks (SLICE_RATIO times the time the last tick
waited, up to MAX_SLICE), so drawing the progress costs a small share of the time; Esc cancels
between steps and leaves the file as it was."""
import time
import warnings

import bpy
from bpy.props import (BoolProperty, EnumProperty, FloatProperty, FloatVectorProperty,
                       IntProperty, IntVectorProperty, PointerProperty, StringProperty)

from . import records, sheet_formats
from .bake_images import KINDS

MIN_SLICE = 0.05   # seconds of work per timer tick, at least
MAX_SLICE = 1.0    # and at most, so that Esc and the progress answer within about this even
                   # where the UI takes long to draw (software OpenGL)
FIRST_SLICE = 0.5  # the slice invoke runs before the UI is given back
SLICE_RATIO = 3.0  # a slice lasts this many times the wait before it (the UI's drawing)

_KIND_ITEMS = [(k, k.title(), f"The {k.lower()} bake") for k in KINDS]
_LATEST = [("LATEST", "Latest", "Each object's latest bake")]
_PASS_ITEMS = [
    ("COLOR", "Color", "Baked colour seen from the camera"),
    ("ALPHA", "Alpha", "Coverage"),
    ("DEPTH", "Depth", "Distance along the view axis"),
    ("NORMAL", "Normal", "Normal in camera space"),
    ("UV", "UV", "Texture coordinates"),
    ("OBJECT_ID", "Object ID", "Which object each pixel shows"),
]
_VIEW_ITEMS = [
    ("COMPASS8", "Compass 8", "8 compass directions at the elevation"),
    ("COMPASS16", "Compass 16", "16 compass directions at the elevation"),
    ("DIMETRIC8", "Dimetric 8", "8 directions for 2:1 pixel art: elevation 30 degrees, ground "
     "edges at 26.565 degrees on screen"),
    ("ISOMETRIC8", "Isometric 8", "8 directions, true isometric: elevation 35.264 degrees"),
    ("TURNTABLE", "Turntable", "Count azimuths at the elevation"),
    ("OCTAHEDRAL", "Octahedral", "Count x Count impostor grid over the sphere"),
    ("HEMI_OCTAHEDRAL", "Hemi-Octahedral", "Count x Count impostor grid over the upper half"),
    ("SPEC", "Spec", "A views spec as sprite_sheet takes it, e.g. TURNTABLE:16:0,30,60"),
]
_WITH_COUNT = ("TURNTABLE", "OCTAHEDRAL", "HEMI_OCTAHEDRAL")
_WITH_ELEVATION = ("COMPASS8", "COMPASS16", "TURNTABLE")
_PIVOT_ITEMS = [
    ("ORIGIN", "Origin", "The first object's origin at each frame"),
    ("FEET", "Feet", "The bottom centre of the objects' bounds over all frames"),
    ("POINT", "Point", "A point in the world"),
]


def _ready(operator, *reasons):
    """A poll: True if none of the (failing, message) reasons fails; otherwise the first failing
    one's message is what the greyed-out button says."""
    for failing, message in reasons:
        if failing:
            operator.poll_message_set(message)
            return False
    return True


class BakeviewSettings(bpy.types.PropertyGroup):
    # bake()
    kind: EnumProperty(name="Kind", items=_KIND_ITEMS, default="DIFFUSE",
                       description="What to bake (bake's kind)")
    size: IntProperty(name="Size", default=1024, min=1, max=16384, subtype="PIXEL",
                      description="Bake image size (bake's size)")
    margin: IntProperty(name="Margin", default=16, min=0, max=256, subtype="PIXEL",
                        description="Edge extension around UV islands (bake's margin)")
    samples: IntProperty(name="Samples", default=0, min=0, max=65536,
                         description="Cycles samples; 0: 1 for deterministic kinds, 64 for "
                         "lighting (bake's samples)")
    auto_uv: BoolProperty(name="Auto UV", default=False,
                          description="Add a UV map to objects without one (bake's auto_uv)")
    overwrite: BoolProperty(name="Overwrite", default=False,
                            description="Replace existing images (bake's overwrite)")
    # render_view()
    view_samples: IntProperty(name="Samples", default=0, min=0, max=16,
                              description="0: AUTO (footprint-filtered where one surface covers "
                              "a pixel); N: N x N point samples per pixel (render_view's samples)")
    view_passes: EnumProperty(name="Passes", items=_PASS_ITEMS, options={"ENUM_FLAG"},
                              default={"COLOR"}, description="render_view's passes")
    view_transparent: BoolProperty(name="Transparent", default=True,
                                   description="Transparent background (render_view's "
                                   "background alpha 0), else opaque black")
    view_filter_width: FloatProperty(name="Filter Width", default=1.5, min=0.01, max=8.0,
                                     subtype="PIXEL", description="render_view's filter_width")
    # sprite_sheet()
    sheet_views: EnumProperty(name="Views", items=_VIEW_ITEMS, default="COMPASS8",
                              description="sprite_sheet's views")
    sheet_views_spec: StringProperty(name="Spec", default="TURNTABLE:16:0,30,60",
                                     description="A views spec, any case: COMPASS8[:ELEVATION], "
                                     "DIMETRIC8, ISOMETRIC8, TURNTABLE:N[:ELEVATIONS], "
                                     "OCTAHEDRAL:N, HEMI_OCTAHEDRAL:N ...")
    sheet_count: IntProperty(name="Count", default=8, min=2, max=256,
                             description="Turntable azimuths, or impostor grid size")
    sheet_elevation: FloatProperty(name="Elevation", default=30.0, min=-90.0, max=90.0,
                                   description="Camera elevation in degrees (compass, turntable)")
    sheet_frame_size: IntVectorProperty(name="Frame Size", size=2, default=(256, 256), min=1,
                                        max=16384, subtype="XYZ",
                                        description="sprite_sheet's frame_size")
    sheet_animation: BoolProperty(name="Animation", default=False,
                                  description="Every frame of the scene range (sprite_sheet's "
                                  "frames)")
    sheet_frame_step: IntProperty(name="Step", default=1, min=1, max=1000,
                                  description="Frame step of the animation")
    sheet_kind: EnumProperty(name="Kind", items=_LATEST + _KIND_ITEMS, default="LATEST",
                             description="Which bake to draw (sprite_sheet's kind)")
    sheet_passes: EnumProperty(name="Passes", items=_PASS_ITEMS, options={"ENUM_FLAG"},
                               default={"COLOR"}, description="sprite_sheet's passes: a sheet "
                               "per pass, all with the colour sheet's layout")
    sheet_projection: EnumProperty(name="Projection", items=[
        ("ORTHOGRAPHIC", "Orthographic", "Parallel views"),
        ("PERSPECTIVE", "Perspective", "A 50 mm lens")], default="ORTHOGRAPHIC",
        description="sprite_sheet's projection")
    sheet_margin: FloatProperty(name="Margin", default=0.05, min=0.0, max=0.9, step=1,
                                description="Fraction of the frame kept free (sprite_sheet's "
                                "margin)")
    sheet_pivot: EnumProperty(name="Pivot", items=_PIVOT_ITEMS, default="ORIGIN",
                              description="The point the frames' pivot marks (sprite_sheet's "
                              "pivot)")
    sheet_pivot_point: FloatVectorProperty(name="Point", size=3, subtype="TRANSLATION",
                                           description="The pivot point, in world space")
    sheet_extrude: IntProperty(name="Extrude", default=0, min=0, max=64, subtype="PIXEL",
                               description="Repeat each frame's edge pixels (sprite_sheet's "
                               "extrude)")
    sheet_shape_padding: IntProperty(name="Padding", default=2, min=0, max=256, subtype="PIXEL",
                                     description="Pixels between frames (sprite_sheet's "
                                     "shape_padding)")
    sheet_json_form: EnumProperty(name="JSON", items=[
        ("HASH", "Hash", "TexturePacker JSON Hash"), ("ARRAY", "Array", "TexturePacker JSON Array")],
        default="HASH", description="sprite_sheet's json_form")
    sheet_formats: EnumProperty(name="Engine Files", items=[
        ("ASEPRITE", "Aseprite", "NAME.aseprite.json: Aseprite's JSON (Phaser, PixiJS; one page)"),
        ("GODOT3", "Godot 3", "NAME.godot3.tres: a SpriteFrames resource for Godot 3"),
        ("GODOT4", "Godot 4", "NAME.tres: a SpriteFrames resource for Godot 4"),
        ("LIBGDX", "libGDX", "NAME.atlas: a libGDX / Spine texture atlas")],
        options={"ENUM_FLAG"}, default=set(),
        description="sprite_sheet's formats: engine files beside the TexturePacker JSON")
    sheet_pixel_art: BoolProperty(name="Pixel Art", default=False,
                                  description="sprite_sheet's pixel_art: one sample per pixel, hard "
                                  "alpha, the pivot on a pixel centre in every frame")
    sheet_pixel_scale: IntProperty(name="Pixel Scale", default=1, min=1, max=64,
                                   description="sprite_sheet's pixel_scale: each pixel stored as "
                                   "an N x N block")
    sheet_palette: IntProperty(name="Palette Colours", default=0, min=0, max=256,
                               description="sprite_sheet's palette: N colours made from the "
                               "frames (0: no palette)")
    sheet_use_outline: BoolProperty(name="Outline", default=False,
                                    description="sprite_sheet's outline: a 1-pixel outline")
    sheet_outline: FloatVectorProperty(name="Outline Colour", subtype="COLOR", size=3,
                                       default=(0.0, 0.0, 0.0), min=0.0, max=1.0,
                                       description="The outline's linear colour")
    sheet_colour: EnumProperty(name="Colour", items=[
        ("SCENE", "Scene", "As Blender writes the scene's render output: its view transform, "
                           "look, exposure and display"),
        ("SRGB", "sRGB", "The plain sRGB curve")],
        default="SCENE", description="sprite_sheet's colour: how the colour PNG is encoded")
    sheet_premultiplied: BoolProperty(name="Premultiplied", default=False,
                                      description="sprite_sheet's premultiplied: the colour PNG "
                                      "holds the encoded colour times alpha")
    sheet_normal_y: EnumProperty(name="Normal Y", items=[
        ("UP", "Up", "Green up: OpenGL, Godot 4, Unity, three.js, Blender"),
        ("DOWN", "Down", "Green down: DirectX, Unreal, Godot 3's sprites")],
        default="UP", description="sprite_sheet's normal_y: which way green points in a normal sheet")
    sheet_renderer: EnumProperty(name="Renderer", items=[
        ("BAKEVIEW", "bakeview", "The core draws the frames from the bakes, in milliseconds"),
        ("CYCLES", "Cycles", "Cycles renders each frame with the scene's settings (no bake)"),
        ("EEVEE", "EEVEE", "EEVEE renders each frame with the scene's settings (no bake)"),
        ("WORKBENCH", "Workbench", "Workbench renders each frame (no bake)")],
        default="BAKEVIEW", description="sprite_sheet's renderer: what renders the frames")
    sheet_lighting: EnumProperty(name="Lighting", items=[
        ("BAKED", "Baked", "The bakes as they are: unlit, or lit as a COMBINED bake froze it"),
        ("SCENE", "Scene", "Lit in the core per view and frame from the material channels "
                           "(Bake: Material) with the scene's lights, world and shadows")],
        default="BAKED", description="sprite_sheet's lighting: where the frames' light comes from")
    sheet_path: StringProperty(name="Path", default="//sheet.png", subtype="FILE_PATH",
                               description="PNG path; the JSON goes beside it (sprite_sheet's "
                               "path)")
    # pack_atlas()
    atlas_kind: EnumProperty(name="Kind", items=_LATEST + _KIND_ITEMS, default="LATEST",
                             description="Which bakes to pack (pack_atlas's kind)")
    atlas_padding: IntProperty(name="Padding", default=4, min=0, max=256, subtype="PIXEL",
                               description="Texels between bakes (pack_atlas's padding)")
    atlas_power_of_two: BoolProperty(name="Power of Two", default=True,
                                     description="pack_atlas's power_of_two")
    atlas_uv_map: StringProperty(name="UV Map", default="bakeview_atlas",
                                 description="The new UV map pointing into the atlas "
                                 "(pack_atlas's uv_map)")
    atlas_path: StringProperty(name="Path", default="", subtype="FILE_PATH",
                               description="Write the atlas PNG there (pack_atlas's path); "
                               "empty: no file")
    atlas_overwrite: BoolProperty(name="Overwrite", default=False,
                                  description="Replace an existing atlas image, UV map and file "
                                  "(pack_atlas's overwrite)")


def _selected_meshes(context):
    return [o for o in context.selected_objects if o.type == "MESH"]


def _baked(objects):
    return [o for o in objects if o.type == "MESH" and records.baked_image(o) is not None]


def _kind(value):
    return None if value == "LATEST" else value


def _catching_warnings(operator, work):
    """Runs work(); UserWarnings become the operator's reports (shown in the UI, not a console)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        try:
            return work()
        finally:
            for warning in caught:
                if issubclass(warning.category, UserWarning):
                    operator.report({"WARNING"}, f"bakeview: {warning.message}")
                else:
                    warnings.showwarning(warning.message, warning.category, warning.filename,
                                         warning.lineno)


class _Slices:
    """Steps of a generator run in time slices, one slice per timer tick: at least MIN_SLICE
    seconds, and SLICE_RATIO times the time the UI took since the last slice (up to MAX_SLICE),
    so that the UI's drawing between slices stays a small share of the work however slow it is.
    run() returns the last step's value; StopIteration carries the generator's result."""

    def __init__(self, steps):
        self.steps = steps
        self.ended = None  # when the last slice ended

    def run(self):
        """Steps for one slice. The first one, run by invoke before the UI is given back, lasts
        FIRST_SLICE: work that short is done before the UI has drawn anything, and the first
        redraw (which can take longer than a short sheet, with software OpenGL) is not waited
        for."""
        start = time.perf_counter()
        if self.ended is None:
            budget = FIRST_SLICE
        else:
            budget = min(MAX_SLICE, max(MIN_SLICE, SLICE_RATIO * (start - self.ended)))
        try:
            while True:
                step = next(self.steps)
                if time.perf_counter() - start >= budget:
                    return step
        finally:
            self.ended = time.perf_counter()


class _Modal:
    """A modal operator running a generator of steps in time slices (see _Slices), with a
    progress bar and a status line; Esc cancels (the generator is closed, which puts back what it
    changed). Subclasses give _start (the generator), _status, _done, and `blocking`: whether
    other events are held back while it runs (a bake changes the scene between steps)."""

    blocking = False
    cancelled = "nothing changed"  # what Esc leaves, for the report
    _slices = None
    _timer = None

    def invoke(self, context, event):
        try:
            self._slices = _Slices(self._start(context))
            step = _catching_warnings(self, self._slices.run)  # argument errors: now
        except StopIteration as finished:
            return self._done(context, finished.value)
        except (ValueError, TypeError, RuntimeError, OSError, MemoryError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        wm = context.window_manager
        self._timer = wm.event_timer_add(0.001, window=context.window)
        wm.modal_handler_add(self)
        wm.progress_begin(0, 100)
        self._show(context, step)
        return {"RUNNING_MODAL"}

    def _show(self, context, step):
        done, total, name = step
        context.window_manager.progress_update(int(100 * done / max(1, total)))
        if context.workspace:
            context.workspace.status_text_set(f"bakeview: {self._status(done, total, name)}, "
                                              "Esc cancels")

    def _stop(self, context):
        wm = context.window_manager
        wm.event_timer_remove(self._timer)
        wm.progress_end()
        if context.workspace:
            context.workspace.status_text_set(None)

    def modal(self, context, event):
        if event.type == "ESC":
            self._slices.steps.close()  # the generator puts back what it changed
            self._stop(context)
            self.report({"WARNING"}, f"bakeview: {self.bl_label.lower()} cancelled, "
                                     f"{self.cancelled}")
            return {"CANCELLED"}
        if event.type != "TIMER":
            return {"RUNNING_MODAL"} if self.blocking else {"PASS_THROUGH"}
        try:
            step = _catching_warnings(self, self._slices.run)
        except StopIteration as finished:
            self._stop(context)
            return self._done(context, finished.value)
        except (ValueError, TypeError, RuntimeError, OSError, MemoryError) as error:
            self._stop(context)
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        self._show(context, step)
        return {"RUNNING_MODAL"}


class BAKEVIEW_OT_bake(_Modal, bpy.types.Operator):
    """Bake the selected mesh objects into float images bakeview can render from; Esc cancels"""

    bl_idname = "bakeview.bake"
    bl_label = "Bake"
    bl_options = {"REGISTER", "UNDO"}
    blocking = True

    @classmethod
    def poll(cls, context):
        return _ready(cls, (context.mode != "OBJECT", "Bake works in Object Mode"),
                      (not _selected_meshes(context), "Select the mesh objects to bake"))

    def _arguments(self, context):
        settings = context.scene.bakeview
        return dict(objects=_selected_meshes(context), kind=settings.kind, size=settings.size,
                    margin=settings.margin, samples=settings.samples or None,
                    auto_uv=settings.auto_uv, overwrite=settings.overwrite)

    def _start(self, context):
        from .bake_images import bake_steps

        return bake_steps(**self._arguments(context))

    def _status(self, done, total, name):
        return f"baking {name} ({done + 1}/{total})"

    def _done(self, context, made):
        names = ", ".join(image.name for image in made.values())
        self.report({"INFO"}, f"bakeview: baked {len(made)} object(s) into {names}")
        return {"FINISHED"}

    def execute(self, context):  # scripts and background mode: all at once
        from . import bake

        def progress(done, total, name):
            if name and context.workspace:
                context.workspace.status_text_set(f"bakeview: baking {name} ({done + 1}/{total})")

        try:
            made = _catching_warnings(
                self, lambda: bake(**self._arguments(context), progress=progress))
        except (ValueError, TypeError, RuntimeError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        finally:
            if context.workspace:
                context.workspace.status_text_set(None)
        return self._done(context, made)


class BAKEVIEW_OT_render_view(bpy.types.Operator):
    """Render the scene camera's view of the baked objects into images (one per pass)"""

    bl_idname = "bakeview.render_view"
    bl_label = "Render View"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        return _ready(cls, (context.scene.camera is None,
                            "The scene has no camera: set one in the Scene properties"),
                      (not _baked(context.visible_objects), "No baked object in view: bake first"))

    def execute(self, context):
        from . import render_view

        settings = context.scene.bakeview
        passes = tuple(p for p, *_ in _PASS_ITEMS if p in settings.view_passes) or ("COLOR",)
        background = (0.0, 0.0, 0.0, 0.0) if settings.view_transparent else (0.0, 0.0, 0.0, 1.0)
        try:
            made = render_view(samples=settings.view_samples or "AUTO", passes=passes,
                               background=background, filter_width=settings.view_filter_width)
        except (ValueError, TypeError, RuntimeError, MemoryError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        made = made if isinstance(made, dict) else {passes[0]: made}
        self.report({"INFO"}, "bakeview: made " + ", ".join(i.name for i in made.values()))
        return {"FINISHED"}


def views_spec(settings):
    """The views spec the settings stand for, as sprite_sheet takes it."""
    views = settings.sheet_views
    if views == "SPEC":
        return settings.sheet_views_spec
    elevation = f"{settings.sheet_elevation:g}"
    if views in ("COMPASS8", "COMPASS16"):
        return f"{views}:{elevation}"
    if views == "TURNTABLE":
        return f"{views}:{settings.sheet_count}:{elevation}"
    if views in _WITH_COUNT:
        return f"{views}:{settings.sheet_count}"
    return views


def _sheet_arguments(context):
    settings = context.scene.bakeview
    scene = context.scene
    frames = ((scene.frame_start, scene.frame_end, settings.sheet_frame_step)
              if settings.sheet_animation else None)
    path = bpy.path.abspath(settings.sheet_path) if settings.sheet_path else None
    if settings.sheet_renderer == "BAKEVIEW":
        objects = _baked(context.selected_objects) or None
    else:  # Blender's renderer needs no bake
        objects = [o for o in context.selected_objects if o.type == "MESH"] or None
    passes = tuple(p for p, *_ in _PASS_ITEMS if p in settings.sheet_passes) or ("COLOR",)
    pivot = (tuple(settings.sheet_pivot_point) if settings.sheet_pivot == "POINT"
             else settings.sheet_pivot)
    return dict(objects=objects, views=views_spec(settings),
                frame_size=tuple(settings.sheet_frame_size), path=path, frames=frames,
                kind=_kind(settings.sheet_kind) if settings.sheet_lighting == "BAKED" else None,
                passes=passes, projection=settings.sheet_projection, margin=settings.sheet_margin, pivot=pivot,
                extrude=settings.sheet_extrude, shape_padding=settings.sheet_shape_padding,
                json_form=settings.sheet_json_form, colour=settings.sheet_colour,
                formats=tuple(f for f in sheet_formats.FORMATS if f in settings.sheet_formats),
                **_pixel_art(settings),
                premultiplied=settings.sheet_premultiplied, normal_y=settings.sheet_normal_y,
                renderer=settings.sheet_renderer, lighting=settings.sheet_lighting,
                overwrite=True)


def _pixel_art(settings):
    """sprite_sheet's pixel-art arguments from the panel's settings (none without Pixel Art)."""
    if not settings.sheet_pixel_art:
        return {}
    return dict(pixel_art=True, pixel_scale=settings.sheet_pixel_scale,
                palette=settings.sheet_palette or None,
                outline=tuple(settings.sheet_outline) if settings.sheet_use_outline else None)


class BAKEVIEW_OT_sprite_sheet(_Modal, bpy.types.Operator):
    """Render the baked objects from many views into a sprite sheet (PNG + JSON); Esc cancels"""

    bl_idname = "bakeview.sprite_sheet"
    bl_label = "Sprite Sheet"
    bl_options = {"REGISTER", "UNDO"}
    cancelled = "nothing written"

    @classmethod
    def poll(cls, context):
        by_core = context.scene.bakeview.sheet_renderer == "BAKEVIEW"
        meshes = [o for o in context.visible_objects if o.type == "MESH"]
        return _ready(cls, (context.mode != "OBJECT", "Sprite sheets are made in Object Mode"),
                      (by_core and not _baked(meshes), "No baked object in view: bake first"),
                      (not meshes, "No mesh in view"))

    def _start(self, context):
        from .sheet import sheet_steps

        return sheet_steps(**_sheet_arguments(context))

    def _status(self, done, total, name):
        return f"view {done + 1}/{total} ({name})"

    def _done(self, context, result):
        files = ", ".join(result.files) if result.files else "no files"
        self.report({"INFO"}, f"bakeview: {len(result.frames)} frames on "
                              f"{len(result.occupancy)} page(s): {files}")
        return {"FINISHED"}

    def execute(self, context):  # scripts and background mode: all at once
        from .sheet import sprite_sheet

        try:
            result = sprite_sheet(**_sheet_arguments(context))
        except (ValueError, TypeError, RuntimeError, OSError, MemoryError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        return self._done(context, result)


class BAKEVIEW_OT_pack_atlas(bpy.types.Operator):
    """Pack the bakes of the selected objects (or of every baked object in view) into one atlas
    image, with a new UV map per mesh pointing into it"""

    bl_idname = "bakeview.pack_atlas"
    bl_label = "Pack Atlas"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        return _ready(cls, (context.mode != "OBJECT", "Atlases are packed in Object Mode"),
                      (not _baked(context.visible_objects), "No baked object in view: bake first"))

    def execute(self, context):
        from . import pack_atlas

        settings = context.scene.bakeview
        path = bpy.path.abspath(settings.atlas_path) if settings.atlas_path else None
        try:
            result = pack_atlas(objects=_baked(context.selected_objects) or None,
                                kind=_kind(settings.atlas_kind), padding=settings.atlas_padding,
                                power_of_two=settings.atlas_power_of_two,
                                uv_map=settings.atlas_uv_map, path=path,
                                overwrite=settings.atlas_overwrite)
        except (ValueError, TypeError, RuntimeError, OSError, MemoryError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        width, height = result.size
        files = f", wrote {result.files[0]}" if result.files else ""
        self.report({"INFO"}, f"bakeview: packed {len(result.rects)} object(s) into "
                              f"'{result.image.name}' ({width} x {height}, "
                              f"{result.occupancy:.0%} used){files}")
        return {"FINISHED"}


class _Panel:
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "bakeview"

    def layout_split(self):
        layout = self.layout
        layout.use_property_split = True
        layout.use_property_decorate = False
        return layout


class BAKEVIEW_PT_bake(_Panel, bpy.types.Panel):
    bl_label = "Bake"

    def draw(self, context):
        settings = context.scene.bakeview
        layout = self.layout_split()
        col = layout.column()
        for prop in ("kind", "size", "margin", "samples", "auto_uv", "overwrite"):
            col.prop(settings, prop)
        layout.operator(BAKEVIEW_OT_bake.bl_idname, icon="TEXTURE")


def _passes_grid(layout, settings, prop):
    """The passes as toggles, two to a row (six in one row would cut their names)."""
    layout.use_property_split = False  # the names on the toggles, no label column
    layout.label(text="Passes")
    grid = layout.grid_flow(columns=2, even_columns=True, align=True)
    for identifier, *_ in _PASS_ITEMS:
        grid.prop_enum(settings, prop, identifier)


class BAKEVIEW_PT_render_view(_Panel, bpy.types.Panel):
    bl_label = "Render View"

    def draw(self, context):
        settings = context.scene.bakeview
        layout = self.layout_split()
        col = layout.column()
        col.prop(settings, "view_samples")
        col.prop(settings, "view_filter_width")
        col.prop(settings, "view_transparent")
        _passes_grid(layout.column(), settings, "view_passes")
        layout.operator(BAKEVIEW_OT_render_view.bl_idname, icon="IMAGE_DATA")


class BAKEVIEW_PT_sprite_sheet(_Panel, bpy.types.Panel):
    bl_label = "Sprite Sheet"

    def draw(self, context):
        settings = context.scene.bakeview
        layout = self.layout_split()
        col = layout.column()
        row = col.row()  # the label as wide as it is: "Hemi-Octahedral" needs the room
        row.use_property_split = False
        row.prop(settings, "sheet_views")
        if settings.sheet_views == "SPEC":
            row = col.row()
            row.use_property_split = False
            row.prop(settings, "sheet_views_spec", text="")
        if settings.sheet_views in _WITH_COUNT:
            col.prop(settings, "sheet_count")
        if settings.sheet_views in _WITH_ELEVATION:
            col.prop(settings, "sheet_elevation")
        sub = col.column(align=True)  # "Frame Size X" would not fit the label column
        sub.prop(settings, "sheet_frame_size", index=0, text="Width")
        sub.prop(settings, "sheet_frame_size", index=1, text="Height")
        col.prop(settings, "sheet_animation")
        sub = col.column()
        sub.active = settings.sheet_animation
        sub.prop(settings, "sheet_frame_step")
        col.prop(settings, "sheet_renderer")
        sub = col.column()
        sub.active = settings.sheet_renderer == "BAKEVIEW"  # frames by Blender draw no bake
        sub.prop(settings, "sheet_lighting")
        sub = sub.column()
        sub.active = settings.sheet_lighting == "BAKED"  # lit frames draw the material channels
        sub.prop(settings, "sheet_kind")
        _passes_grid(layout.column(), settings, "sheet_passes")
        col = layout.column()
        col.prop(settings, "sheet_path")
        layout.operator(BAKEVIEW_OT_sprite_sheet.bl_idname, icon="IMAGE_REFERENCE")


class BAKEVIEW_PT_sprite_sheet_framing(_Panel, bpy.types.Panel):
    bl_label = "Framing and Packing"
    bl_parent_id = "BAKEVIEW_PT_sprite_sheet"

    def draw(self, context):
        settings = context.scene.bakeview
        col = self.layout_split().column()
        col.prop(settings, "sheet_projection")
        col.prop(settings, "sheet_margin")
        col.prop(settings, "sheet_pivot")
        if settings.sheet_pivot == "POINT":
            col.prop(settings, "sheet_pivot_point")
        col.prop(settings, "sheet_extrude")
        col.prop(settings, "sheet_shape_padding")
        col.prop(settings, "sheet_json_form")
        col.prop(settings, "sheet_formats")
        col.prop(settings, "sheet_pixel_art")
        if settings.sheet_pixel_art:
            col.prop(settings, "sheet_pixel_scale")
            col.prop(settings, "sheet_palette")
            col.prop(settings, "sheet_use_outline")
            if settings.sheet_use_outline:
                col.prop(settings, "sheet_outline")
        col.prop(settings, "sheet_colour")
        col.prop(settings, "sheet_premultiplied")
        col.prop(settings, "sheet_normal_y")


class BAKEVIEW_PT_pack_atlas(_Panel, bpy.types.Panel):
    bl_label = "Pack Atlas"

    def draw(self, context):
        settings = context.scene.bakeview
        layout = self.layout_split()
        col = layout.column()
        for prop in ("atlas_kind", "atlas_padding", "atlas_power_of_two", "atlas_uv_map",
                     "atlas_path", "atlas_overwrite"):
            col.prop(settings, prop)
        layout.operator(BAKEVIEW_OT_pack_atlas.bl_idname, icon="UV")


_CLASSES = (BakeviewSettings, BAKEVIEW_OT_bake, BAKEVIEW_OT_render_view, BAKEVIEW_OT_sprite_sheet,
            BAKEVIEW_OT_pack_atlas, BAKEVIEW_PT_bake, BAKEVIEW_PT_render_view,
            BAKEVIEW_PT_sprite_sheet, BAKEVIEW_PT_sprite_sheet_framing, BAKEVIEW_PT_pack_atlas)


def register():
    for cls in _CLASSES:
        bpy.utils.register_class(cls)
    bpy.types.Scene.bakeview = PointerProperty(type=BakeviewSettings)


def unregister():
    del bpy.types.Scene.bakeview
    for cls in reversed(_CLASSES):
        bpy.utils.unregister_class(cls)
