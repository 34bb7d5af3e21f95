"""bakeview: bake surfaces once, re-render them from any camera in milliseconds.

Public API (inside Blender, or with the ``bpy`` module):

- ``bake(objects=None, kind="DIFFUSE", size=1024, ...)`` -> ``{object name: Image}``, or
  ``{object name: {kind: Image}}`` for ``kind="MATERIAL"`` (MATERIAL_KINDS) or a tuple of kinds
- ``render_view(camera=None, objects=None, ...)`` -> Image (one pass) or ``{pass: Image}``
- ``pixels(image)`` -> the image's pixels as a float32 ``array.array``
- ``render_pixels(camera=None, scene=None, engine=None, passes=("COMBINED",), ...)`` ->
  RenderPixels: a render by Blender's own renderer, its pixels (and Images) in memory
- ``sprite_sheet(objects=None, views="COMPASS8", frame_size=(256, 256), path=None, ...)`` ->
  SheetResult: page Images, the frame table, the PNG + TexturePacker JSON files written
- ``pack_atlas(objects=None, kind=None, size=None, padding=4, ...)`` -> AtlasResult: one atlas
  Image of the objects' bakes, each object's rect in it, a new UV map per mesh pointing into it
- ``impostor(objects=None, layout="OCTAHEDRAL", grid=16, size=2048, path=None, ...)`` -> the
  octahedral impostor atlases (colour + alpha, normal + depth), their JSON and files
- ``preview(sheet_json, out=None, fps=None, overwrite=False)`` -> the files written: an animated
  PNG per animation of a written sheet and one HTML page that plays them (no Blender needed)

The compiled core is ``bakeview._core``; it works without Blender.
"""

bl_info = {
    "name": "bakeview",
    "author": "bakeview developers",
    "version": (0, 1, 0),
    "blender": (3, 4, 0),
    "location": "3D Viewport > Sidebar > bakeview",
    "description": "Bake surfaces to readable images and render any camera view from the bakes",
    "category": "Render",
}

__all__ = ["bake", "render_view", "pixels", "render_pixels", "sprite_sheet", "pack_atlas", "preview",
           "impostor",
           "BAKE_KINDS",
           "MATERIAL_KINDS", "PASSES", "register", "unregister"]

BAKE_KINDS = ("DIFFUSE", "EMIT", "NORMAL", "ROUGHNESS", "AO", "INDIRECT", "COMBINED", "GLOSSY",
              "SHADOW", "UV", "BASE_COLOR", "ALPHA", "METALLIC", "SPECULAR", "EMISSION")
# bake(kind="MATERIAL") bakes these material channels in one call
MATERIAL_KINDS = ("BASE_COLOR", "ALPHA", "METALLIC", "ROUGHNESS", "SPECULAR", "EMISSION", "NORMAL")
PASSES = ("COLOR", "ALPHA", "DEPTH", "NORMAL", "UV", "OBJECT_ID")


def impostor(objects=None, layout="OCTAHEDRAL", grid=16, size=2048, path=None, **options):
    """Octahedral impostor atlases of baked objects; see bakeview.impostors."""
    from .impostors import impostor as _impostor

    return _impostor(objects=objects, layout=layout, grid=grid, size=size, path=path, **options)


def preview(sheet_json, out=None, fps=None, overwrite=False):
    """Animated PNGs and an HTML page of a written sheet's animations; see bakeview.previews."""
    from .previews import preview as _preview

    return _preview(sheet_json, out=out, fps=fps, overwrite=overwrite)


def bake(objects=None, kind="DIFFUSE", size=1024, margin=16, samples=None, **options):
    """Bake each mesh object into its own float Image; see bakeview.bake_images.bake."""
    from .bake_images import bake as _bake

    return _bake(objects=objects, kind=kind, size=size, margin=margin, samples=samples, **options)


def render_view(camera=None, objects=None, width=None, height=None, **options):
    """Render the baked objects from a camera; see bakeview.view.render_view."""
    from .view import render_view as _render_view

    return _render_view(camera=camera, objects=objects, width=width, height=height, **options)


def pixels(image):
    """The pixels of an Image datablock as a float32 array.array (RGBA, row 0 at the bottom)."""
    from .images import pixels as _pixels

    return _pixels(image)


def render_pixels(camera=None, scene=None, engine=None, passes=("COMBINED",), **options):
    """Render with Blender's renderer, the pixels in memory; see bakeview.render.render_pixels."""
    from .render import render_pixels as _render_pixels

    return _render_pixels(camera=camera, scene=scene, engine=engine, passes=passes, **options)


def sprite_sheet(objects=None, views="COMPASS8", frame_size=(256, 256), path=None, **options):
    """Render, trim, pack and write a sprite sheet; see bakeview.sheet.sprite_sheet."""
    from .sheet import sprite_sheet as _sprite_sheet

    return _sprite_sheet(objects=objects, views=views, frame_size=frame_size, path=path, **options)


def pack_atlas(objects=None, kind=None, size=None, padding=4, max_size=(4096, 4096),
               power_of_two=True, square=False, uv_map="bakeview_atlas", name="atlas", path=None,
               overwrite=False, heuristic="BSSF", extrude=None, scene=None, **options):
    """Pack the objects' bakes into one atlas Image with a new UV map per mesh pointing into it;
    see bakeview.atlas.pack_atlas."""
    from .atlas import pack_atlas as _pack_atlas

    return _pack_atlas(objects=objects, kind=kind, size=size, padding=padding, max_size=max_size,
                       power_of_two=power_of_two, square=square, uv_map=uv_map, name=name,
                       path=path, overwrite=overwrite, heuristic=heuristic, extrude=extrude,
                       scene=scene, **options)


def register():
    from . import ui

    ui.register()


def unregister():
    from . import ui

    ui.unregister()
