"""bakeview.render_view: a camera's view of baked objects, computed by the core, returned as
Image datablocks whose pixels are readable at once."""
import bpy

from . import _core, checks, images, lit, memory, records, textures as texture_cache
from .bake_images import KINDS
from .objects import find, meshes
from .extract import camera_matrices, core_mesh, output_size, visible_meshes

PASSES = ("COLOR", "ALPHA", "DEPTH", "NORMAL", "UV", "OBJECT_ID")
_CHANNELS = {"COLOR": 4, "ALPHA": 1, "DEPTH": 1, "NORMAL": 3, "UV": 2, "OBJECT_ID": 1}
FILTERS = ("BLACKMAN_HARRIS", "GAUSSIAN", "BOX")
_FILTERS = frozenset(FILTERS)
OWN = "bakeview_object_ids"  # custom property of every image render_view makes: its mark
NORMAL_SPACES = ("WORLD", "CAMERA")


def _resolve_camera(camera, scene):
    if camera is None:
        camera = scene.camera
        if camera is None:
            raise ValueError(f"scene '{scene.name}' has no camera: set scene.camera or pass camera=")
    camera = find(camera, "camera")
    if camera.type != "CAMERA":
        raise ValueError(f"object '{camera.name}' is a {camera.type.lower()}, not a camera")
    return camera


def _check_not_deleted(obj, kind):
    """A clear error for an object whose bake image has been deleted since it was baked."""
    name = records.deleted_bake(obj, kind)
    if name is not None:
        raise ValueError(f"object '{obj.name}': its {kind or obj.get(records.LAST)} bake image "
                         f"'{name}' has been deleted; bake it again (bakeview.bake)")


def _resolve_objects(objects, scene, kind, need_texture, need_bake=True):
    """The objects to draw: those given, else the visible meshes with a bake (need_bake) or all
    visible meshes (frames rendered by Blender)."""
    kind = checks.choice(kind, "kind", tuple(KINDS), optional=True)
    if objects is None and not need_bake:
        bpy.context.view_layer.update()  # objects linked a moment ago are in it
        visible = visible_meshes(scene)
        if not visible:
            raise ValueError("no visible mesh objects in the scene: pass objects=")
        return visible
    if objects is None:
        visible = visible_meshes(scene)
        if need_texture:
            for obj in visible:
                _check_not_deleted(obj, kind)
        chosen = [o for o in visible if records.baked_image(o, kind) is not None]
        if not chosen:
            raise ValueError("no baked objects in view: call bakeview.bake first, or pass objects=")
        return chosen
    chosen = meshes(objects)
    for obj in chosen:
        if need_texture and records.baked_image(obj, kind) is None:
            _check_not_deleted(obj, kind)
            what = f"{kind} bake" if kind else "bake"
            raise ValueError(f"object '{obj.name}' has no {what}: call bakeview.bake first")
    return chosen


def _check_size(value, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")
    if not 1 <= value <= _core.MAX_IMAGE_SIZE:
        raise ValueError(f"{what} must be between 1 and {_core.MAX_IMAGE_SIZE}, got {value}")
    return value


def _check_memory(width, height, passes):
    """Refuses, before any work, a view whose passes do not fit in the memory available: each
    pass as the core writes it, as RGBA when it has fewer channels, and as a float RGBA Image."""
    available = memory.available()
    pixels = width * height
    needed = sum(4 * pixels * (_CHANNELS[p] + (4 if _CHANNELS[p] != 4 else 0) + 4) for p in passes)
    if available is not None and needed > available:
        raise MemoryError(
            f"a {width} x {height} view ({', '.join(passes)}) needs {needed / memory.MIB:.0f} MiB, "
            f"more than the {available / memory.MIB:.0f} MiB of memory available; render it "
            f"smaller or with fewer passes")


def _scene_filter(scene):
    cycles = getattr(scene, "cycles", None)
    kind = getattr(cycles, "pixel_filter_type", "BLACKMAN_HARRIS")
    width = getattr(cycles, "filter_width", 1.5)
    return kind if kind in _FILTERS else "BLACKMAN_HARRIS", width


def render_view(camera=None, objects=None, width=None, height=None, samples="AUTO", filter=None,
                filter_width=None, passes=("COLOR",), background=(0.0, 0.0, 0.0, 0.0), name=None,
                *, kind=None, overwrite=False, premultiplied=False, mipmaps=False, threads=0,
                scene=None, normal_space="WORLD", lighting="BAKED"):
    """Render baked objects from a camera with the core; returns Image datablocks.

    camera: a camera object or name (default: the scene camera). objects: the objects to draw
        (default: every visible object with a bake). width, height: pixels (default: the scene's
        resolution x percentage). The projection is Blender's own, so lens, sensor fit, shift,
        orthographic scale, clipping and pixel aspect follow the camera and scene.
    samples: AUTO (default): coverage on a 4 x 4 grid per pixel; a pixel whose filter sees one
        smooth surface is one lookup of its texture integrated over the pixel filter (on the
        texture's mip levels where it is minified), the others filter their 4 x 4 samples. Or N
        (1 to 16): an N x N grid of point samples per pixel, as bakeview 0.x rendered.
        filter, filter_width: BLACKMAN_HARRIS, GAUSSIAN or BOX and its width in pixels (default:
        the scene's Cycles pixel filter).
    passes: any of COLOR, ALPHA, DEPTH, NORMAL, UV, OBJECT_ID.
    normal_space: the NORMAL pass's space: WORLD (default) or CAMERA (Blender's camera space:
        x right, y up, z toward the viewer; the camera's rotation, not its scale). Either way
        float unit normals facing the camera, 0 where nothing is seen.
    background: linear RGBA behind the objects (default transparent).
    kind: which bake to draw (default: each object's latest).
    lighting: BAKED (default): the bake as it is, unlit (a COMBINED bake holds its lighting).
        SCENE: lit by the scene's lights and world as Cycles would light it, from the objects'
        material channels (bake(kind="MATERIAL")): highlights, the lighting of animated parts
        and shadows (the core's shadow maps) follow the camera and the frame. Or a light rig:
        {"lights": [...], "world": {...}, "space": "WORLD" or "CAMERA"} (see bakeview.lit).
    name: base name of the images (default "<camera> view"; other passes add " depth" ...).
        With the default name, a new call replaces the images an earlier render_view made under
        those names (their users move to the new ones; an image of the same size and settings
        takes the new pixels in place), so repeated calls leave one image per pass, not
        "Camera view.001", ".002" ...; an image of that name that render_view did not
        make is refused unless overwrite=True. With a name of your own, an existing image of
        that name is replaced only with overwrite=True. Keep an earlier render by renaming it
        or by passing a name.
    Enumerations (passes, filter, kind, normal_space) take any case.

    Returns the Image for a single pass, else {pass: Image}. Meshes are evaluated at the current
    frame (modifiers, shape keys, armatures). Object ids are positions in the objects list,
    stored on the images as the custom property "bakeview_object_ids".
    """
    scene = scene or bpy.context.scene
    camera = _resolve_camera(camera, scene)
    passes = checks.choices(passes, "passes", PASSES)
    filter = checks.choice(filter, "filter", FILTERS, optional=True)
    kind = checks.choice(kind, "kind", tuple(KINDS), optional=True)
    samples = checks.samples(samples)
    chain = mipmaps or samples == "AUTO"  # AUTO minifies on the texture's mip levels
    if not passes:
        raise ValueError("passes is empty")
    normal_space = checks.choice(normal_space, "normal_space", NORMAL_SPACES)
    lighting = lit.check(lighting)
    if lighting != "BAKED":
        if kind not in (None, "BASE_COLOR"):
            raise ValueError(f"kind={kind!r} in a lit view: lit views draw the BASE_COLOR bake "
                             f"and its material channels; leave kind unset")
        kind = "BASE_COLOR"
    default_width, default_height = output_size(scene)
    width = _check_size(default_width if width is None else width, "width")
    height = _check_size(default_height if height is None else height, "height")
    _check_memory(width, height, passes)
    scene_filter, scene_width = _scene_filter(scene)
    filter = filter or scene_filter
    filter_width = scene_width if filter_width is None else filter_width
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    base = name or f"{camera.name} view"
    names = {p: base if p == "COLOR" or len(passes) == 1 else f"{base} {p.lower()}" for p in passes}
    for image_name in names.values():
        existing = bpy.data.images.get(image_name)
        if existing is None or overwrite or (name is None and OWN in existing):
            continue
        if name is None:
            raise ValueError(
                f"an image named '{image_name}' already exists and render_view did not make it; "
                f"pass name= for another name, or overwrite=True to replace it")
        images.check_new_name(image_name, overwrite)

    need_texture = "COLOR" in passes
    # lit views: objects with any bake, so that lit.Materials names what one of them lacks
    chosen = _resolve_objects(objects, scene, kind if lighting == "BAKED" else None, need_texture)
    depsgraph = bpy.context.evaluated_depsgraph_get()
    textures = {}
    meshes = []
    materials = lit.Materials(chosen, chain) if lighting != "BAKED" and need_texture else None
    for object_id, obj in enumerate(chosen):
        if materials is not None:
            base = records.baked_image(obj, "BASE_COLOR")
            meshes.append(core_mesh(obj, depsgraph, records.uv_map(obj), materials.base(obj),
                                    object_id, images.alpha_use(base), materials.material(obj)))
            continue
        texture = None
        image = records.baked_image(obj, kind)
        if need_texture:
            texture = textures.get(image.name)
            if texture is None:
                texture = textures[image.name] = texture_cache.texture(image, mipmaps=chain)
        uv_name = records.uv_map(obj) if image is not None else None
        alpha = images.alpha_use(image) if image is not None else "IGNORED"
        if alpha == "COVERAGE" and texture is None:  # the alpha pass needs it too
            texture = textures.get(image.name)
            if texture is None:
                texture = textures[image.name] = texture_cache.texture(image, mipmaps=chain)
        meshes.append(core_mesh(obj, depsgraph, uv_name, texture, object_id, alpha,
                                normals="NORMAL" in passes))
    view, projection = camera_matrices(camera, depsgraph, width, height, scene)
    core_lighting = None
    if materials is not None:
        core_lighting = lit.for_view(lit.Lighting(lighting, scene).frame(depsgraph), view)
    buffers = _core.render(
        meshes, view, projection, width, height, passes=passes, samples=samples, filter=filter,
        filter_width=filter_width, background=tuple(background), premultiplied=premultiplied,
        mipmaps=mipmaps, threads=threads, normal_space=normal_space, lighting=core_lighting,
    )
    ids = {obj.name: i for i, obj in enumerate(chosen)}
    rgba = {p: buffers[p] if _CHANNELS[p] == 4 else
            _core.to_rgba(buffers[p], _CHANNELS[p], fill=(0.0, 0.0, 0.0, 1.0)) for p in passes}
    # an earlier view's image (render_view made it) of the same size takes the pixels in place
    refilled = {p: bpy.data.images.get(names[p]) for p in passes}
    refilled = {p: image for p, image in refilled.items() if image is not None and OWN in image
                and images.reusable(image, width, height, p != "COLOR")}
    out = {}
    with images.all_or_none():  # new images; existing ones are replaced once all are made
        for p in passes:
            if p not in refilled:
                out[p] = images.store(names[p], width, height, rgba[p], non_color=p != "COLOR")
    for p in passes:  # the last steps, which cannot fail half way
        if p in refilled:
            out[p] = refilled[p]
            images.refill(out[p], rgba[p])
        else:
            images.take_name(out[p], names[p])
        out[p][OWN] = ids
    return out[passes[0]] if len(passes) == 1 else {p: out[p] for p in passes}
