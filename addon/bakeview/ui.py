"""The add-on's UI: settings on the scene, Bake and Render View operators, and a panel in the 3D
Viewport sidebar (tab "bakeview"). Operators call the same public API a script calls."""
import bpy
from bpy.props import BoolProperty, EnumProperty, FloatProperty, IntProperty, PointerProperty

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
            made = bake(objects, kind=settings.kind, size=settings.size, margin=settings.margin,
                        samples=settings.samples or None, auto_uv=settings.auto_uv,
                        overwrite=settings.overwrite, progress=progress)
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


_CLASSES = (BakeviewSettings, BAKEVIEW_OT_bake, BAKEVIEW_OT_render_view, BAKEVIEW_PT_panel)


def register():
    for cls in _CLASSES:
        bpy.utils.register_class(cls)
    bpy.types.Scene.bakeview = PointerProperty(type=BakeviewSettings)


def unregister():
    del bpy.types.Scene.bakeview
    for cls in reversed(_CLASSES):
        bpy.utils.unregister_class(cls)
