"""The add-on's UI: settings on the scene, Bake and Render View operators, and a panel in the 3D
Viewport sidebar (tab "bakeview"). Operators call the same public API a script calls."""
import warnings

import bpy
from bpy.props import (BoolProperty, EnumProperty, FloatProperty, IntProperty, IntVectorProperty,
                       PointerProperty, StringProperty)

from .bake_images import KINDS

_KIND_ITEMS = [(k, k.title(), f"Bake {k.lower()}") for k in KINDS]
_PASS_ITEMS = [
    ("COLOR", "Color", "Baked colour seen from the camera"),
    ("ALPHA", "Alpha", "Coverage"),
    ("DEPTH", "Depth", "Distance along the view axis"),
    ("NORMAL", "Normal", "World-space normal"),
    ("UV", "UV", "Texture coordinates"),
    ("OBJECT_ID", "Object ID", "Which object each pixel shows"),
]


_VIEW_ITEMS = [
    ("COMPASS8", "8 directions", "Compass directions around the object"),
    ("COMPASS16", "16 directions", "Compass directions around the object"),
    ("TURNTABLE", "Turntable", "Count azimuths at eye level"),
    ("OCTAHEDRAL", "Octahedral impostor", "Count x Count grid over the sphere"),
    ("HEMI_OCTAHEDRAL", "Hemi-octahedral impostor", "Count x Count grid over the upper half"),
]


class BakeviewSettings(bpy.types.PropertyGroup):
    kind: EnumProperty(name="Kind", items=_KIND_ITEMS, default="DIFFUSE")
    size: IntProperty(name="Size", default=1024, min=1, max=16384, subtype="PIXEL")
    margin: IntProperty(name="Margin", default=16, min=0, max=256, subtype="PIXEL")
    samples: IntProperty(name="Samples", description="0: 1 for deterministic kinds, 64 for lighting",
                         default=0, min=0, max=65536)
    auto_uv: BoolProperty(name="Add UV map if missing", default=False)
    overwrite: BoolProperty(name="Replace existing images", default=False)
    view_samples: IntProperty(name="Samples per pixel", description="Grid of N x N samples",
                              default=4, min=1, max=16)
    passes: EnumProperty(name="Passes", items=_PASS_ITEMS, options={"ENUM_FLAG"}, default={"COLOR"})
    transparent: BoolProperty(name="Transparent", default=True)
    filter_width: FloatProperty(name="Filter width", default=1.5, min=0.01, max=8.0, subtype="PIXEL")
    sheet_views: EnumProperty(name="Views", items=_VIEW_ITEMS, default="COMPASS8")
    sheet_count: IntProperty(name="Count", description="Turntable azimuths, or impostor grid size",
                             default=8, min=2, max=64)
    sheet_frame_size: IntVectorProperty(name="Frame size", size=2, default=(256, 256), min=1,
                                        max=16384, subtype="XYZ")
    sheet_animation: BoolProperty(name="Animation", description="Every frame of the scene range",
                                  default=False)
    sheet_step: IntProperty(name="Frame step", default=1, min=1, max=1000)
    sheet_path: StringProperty(name="Output", description="PNG path; the JSON goes beside it",
                               default="//sheet.png", subtype="FILE_PATH")
    sheet_padding: IntProperty(name="Padding", default=2, min=0, max=256, subtype="PIXEL")
    sheet_json: EnumProperty(name="JSON", items=[("HASH", "Hash", "TexturePacker JSON Hash"),
                                                  ("ARRAY", "Array", "TexturePacker JSON Array")],
                             default="HASH")


class BAKEVIEW_OT_bake(bpy.types.Operator):
    """Bake the selected mesh objects into float images bakeview can render from"""

    bl_idname = "bakeview.bake"
    bl_label = "Bake"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        return context.mode == "OBJECT" and any(o.type == "MESH" for o in context.selected_objects)

    def execute(self, context):
        from . import bake

        settings = context.scene.bakeview
        objects = [o for o in context.selected_objects if o.type == "MESH"]

        def progress(done, total, name):
            if name:
                context.workspace.status_text_set(f"bakeview: baking {name} ({done + 1}/{total})")

        try:
            with warnings.catch_warnings(record=True) as caught:  # shown in the UI, not a console
                warnings.simplefilter("always", UserWarning)
                made = bake(objects, kind=settings.kind, size=settings.size, margin=settings.margin,
                            samples=settings.samples or None, auto_uv=settings.auto_uv,
                            overwrite=settings.overwrite, progress=progress)
            for warning in caught:
                if issubclass(warning.category, UserWarning):
                    self.report({"WARNING"}, f"bakeview: {warning.message}")
                else:
                    warnings.showwarning(warning.message, warning.category, warning.filename,
                                         warning.lineno)
        except (ValueError, TypeError, RuntimeError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        finally:
            if context.workspace:
                context.workspace.status_text_set(None)
        names = ", ".join(image.name for image in made.values())
        self.report({"INFO"}, f"bakeview: baked {len(made)} object(s) into {names}")
        return {"FINISHED"}


class BAKEVIEW_OT_render_view(bpy.types.Operator):
    """Render the scene camera's view of the baked objects into images"""

    bl_idname = "bakeview.render_view"
    bl_label = "Render View"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        return context.scene.camera is not None

    def execute(self, context):
        from . import render_view

        settings = context.scene.bakeview
        passes = tuple(p for p, *_ in _PASS_ITEMS if p in settings.passes) or ("COLOR",)
        background = (0.0, 0.0, 0.0, 0.0) if settings.transparent else (0.0, 0.0, 0.0, 1.0)
        try:
            made = render_view(samples=settings.view_samples, passes=passes, background=background,
                               filter_width=settings.filter_width)
        except (ValueError, TypeError, RuntimeError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        made = made if isinstance(made, dict) else {passes[0]: made}
        self.report({"INFO"}, "bakeview: made " + ", ".join(i.name for i in made.values()))
        return {"FINISHED"}


def _sheet_arguments(context):
    settings = context.scene.bakeview
    views = settings.sheet_views
    if views in ("TURNTABLE", "OCTAHEDRAL", "HEMI_OCTAHEDRAL"):
        views = f"{views}:{settings.sheet_count}"
    scene = context.scene
    frames = (scene.frame_start, scene.frame_end, settings.sheet_step) if settings.sheet_animation else None
    path = bpy.path.abspath(settings.sheet_path) if settings.sheet_path else None
    objects = [o for o in context.selected_objects if o.type == "MESH"] or None
    return dict(objects=objects, views=views, frame_size=tuple(settings.sheet_frame_size), path=path,
                frames=frames, shape_padding=settings.sheet_padding, json_form=settings.sheet_json,
                overwrite=True)


class BAKEVIEW_OT_sprite_sheet(bpy.types.Operator):
    """Render the baked objects from many views into a sprite sheet (PNG + JSON); Esc cancels"""

    bl_idname = "bakeview.sprite_sheet"
    bl_label = "Sprite Sheet"
    bl_options = {"REGISTER", "UNDO"}

    _steps = None
    _timer = None

    def _finish(self, context, result):
        files = ", ".join(result.files) if result.files else "no files"
        self.report({"INFO"}, f"bakeview: {len(result.frames)} frames on "
                              f"{len(result.occupancy)} page(s): {files}")

    def execute(self, context):  # scripts and background mode: all at once
        from .sheet import sprite_sheet

        try:
            result = sprite_sheet(**_sheet_arguments(context))
        except (ValueError, TypeError, RuntimeError, OSError, MemoryError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        self._finish(context, result)
        return {"FINISHED"}

    def invoke(self, context, event):  # the UI: one view per timer tick, Esc cancels
        from .sheet import sheet_steps

        self._steps = sheet_steps(**_sheet_arguments(context))
        wm = context.window_manager
        self._timer = wm.event_timer_add(0.001, window=context.window)
        wm.modal_handler_add(self)
        wm.progress_begin(0, 100)
        return {"RUNNING_MODAL"}

    def _stop(self, context):
        wm = context.window_manager
        wm.event_timer_remove(self._timer)
        wm.progress_end()
        context.workspace.status_text_set(None)

    def modal(self, context, event):
        if event.type == "ESC":
            self._steps.close()  # nothing is written or made before the last step
            self._stop(context)
            self.report({"WARNING"}, "bakeview: sprite sheet cancelled, nothing written")
            return {"CANCELLED"}
        if event.type != "TIMER":
            return {"PASS_THROUGH"}
        try:
            done, total, view = next(self._steps)
        except StopIteration as finished:
            self._stop(context)
            self._finish(context, finished.value)
            return {"FINISHED"}
        except (ValueError, TypeError, RuntimeError, OSError, MemoryError) as error:
            self._stop(context)
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        context.window_manager.progress_update(int(100 * done / max(1, total)))
        context.workspace.status_text_set(f"bakeview: view {done + 1}/{total} ({view}), Esc cancels")
        return {"RUNNING_MODAL"}


class BAKEVIEW_PT_panel(bpy.types.Panel):
    bl_label = "bakeview"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "bakeview"

    def draw(self, context):
        settings = context.scene.bakeview
        layout = self.layout
        box = layout.box()
        box.label(text="Bake", icon="RENDER_STILL")
        for prop in ("kind", "size", "margin", "samples", "auto_uv", "overwrite"):
            box.prop(settings, prop)
        box.operator(BAKEVIEW_OT_bake.bl_idname, icon="TEXTURE")
        box = layout.box()
        box.label(text="Render View", icon="CAMERA_DATA")
        box.prop(settings, "view_samples")
        box.prop(settings, "filter_width")
        box.prop(settings, "transparent")
        box.prop(settings, "passes")
        box.operator(BAKEVIEW_OT_render_view.bl_idname, icon="IMAGE_DATA")
        box = layout.box()
        box.label(text="Sprite Sheet", icon="RENDERLAYERS")
        box.prop(settings, "sheet_views")
        if settings.sheet_views in ("TURNTABLE", "OCTAHEDRAL", "HEMI_OCTAHEDRAL"):
            box.prop(settings, "sheet_count")
        box.prop(settings, "sheet_frame_size")
        row = box.row()
        row.prop(settings, "sheet_animation")
        row.prop(settings, "sheet_step")
        box.prop(settings, "sheet_padding")
        box.prop(settings, "sheet_json")
        box.prop(settings, "sheet_path")
        box.operator(BAKEVIEW_OT_sprite_sheet.bl_idname, icon="IMAGE_REFERENCE")


_CLASSES = (BakeviewSettings, BAKEVIEW_OT_bake, BAKEVIEW_OT_render_view, BAKEVIEW_OT_sprite_sheet,
            BAKEVIEW_PT_panel)


def register():
    for cls in _CLASSES:
        bpy.utils.register_class(cls)
    bpy.types.Scene.bakeview = PointerProperty(type=BakeviewSettings)


def unregister():
    del bpy.types.Scene.bakeview
    for cls in reversed(_CLASSES):
        bpy.utils.unregister_class(cls)
