"""bakeview.bake: Cycles bakes of mesh objects into float Image datablocks whose pixels are
readable at once. One object at a time, each into its own image, so materials shared between
objects work; every setting touched is restored (state.preserved)."""
import array
import contextlib
import os
import sys
import warnings

import bpy

from . import (MATERIAL_KINDS, _core, checks, images, material_alpha, material_channels,
               material_surface, records)
from .objects import meshes
from .compat import ensure_node_tree, float_array, uses_nodes
from .state import preserved
from .steps import run as run_steps

# kind -> (bpy.ops.object.bake type, pass_filter or None, deterministic, colour data)
KINDS = {
    "DIFFUSE": ("DIFFUSE", {"COLOR"}, True, True),
    "EMIT": ("EMIT", None, True, True),
    "NORMAL": ("NORMAL", None, True, False),
    "ROUGHNESS": ("EMIT", None, True, False),  # the material's roughness (material_channels)
    "UV": ("UV", None, True, False),
    # material channels: routed through emission (material_channels), and the film alpha
    "BASE_COLOR": ("EMIT", None, True, True),
    "ALPHA": ("DIFFUSE", {"COLOR"}, True, False),
    "METALLIC": ("EMIT", None, True, False),
    "SPECULAR": ("EMIT", None, True, False),
    "EMISSION": ("EMIT", None, True, True),
    "AO": ("AO", None, False, False),
    # the diffuse light that arrives after a bounce, times the diffuse colour: what lit views
    # add to the emission, for the light the core does not trace. Baked as the DIFFUSE bake with
    # direct and indirect light less the one with direct light (same seed): Cycles' own
    # INDIRECT-only filter came out 6 x darker than that difference (Blender 3.4, box on a plane)
    "INDIRECT": ("DIFFUSE", {"DIRECT", "INDIRECT", "COLOR"}, False, True),
    "COMBINED": ("COMBINED", None, False, True),
    "GLOSSY": ("GLOSSY", None, False, True),
    "SHADOW": ("SHADOW", None, False, False),
}
LIGHTING_SAMPLES = 64  # default for kinds that integrate light
# colour kinds whose bake already holds the material's alpha (Cycles' film alpha, measured in
# Blender 3.4 and 5.0); the others (EMIT, GLOSSY) write alpha 1 and take a second bake for it
ALPHA_BAKED = {"DIFFUSE", "INDIRECT", "COMBINED"}
# a DIFFUSE bake is black when every colour value is below this: it writes as 0 in an 8-bit
# sRGB file (half a code step, linear)
BLACK = 0.5 / 255.0 / 12.92
MAX_SIZE = 16384
TARGET_NODE = "bakeview bake target"
AUTO_UV_MAP = "bakeview_uv"


def _check_size(size):
    if isinstance(size, bool) or not isinstance(size, (int, tuple, list)):
        raise TypeError(f"size must be an int or (width, height), got {type(size).__name__}")
    if not isinstance(size, int) and len(size) != 2:
        raise ValueError(f"size must be an int or (width, height), got {size!r}")
    width, height = (size, size) if isinstance(size, int) else tuple(size)
    for value in (width, height):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIZE:
            raise ValueError(f"size must be between 1 and {MAX_SIZE} pixels, got {size!r}")
    return width, height


def _resolve_objects(objects, view_layer):
    if objects is None:
        chosen = [o for o in view_layer.objects if o.select_get() and o.type == "MESH"]
        if not chosen or bpy.app.background:
            chosen = [o for o in view_layer.objects if o.type == "MESH" and o.visible_get()]
        if not chosen:
            raise ValueError("no mesh objects to bake: select some, or pass objects=")
        return chosen
    chosen = meshes(objects, "a mesh: only meshes bake")
    for obj in chosen:
        if obj.name not in view_layer.objects:
            raise ValueError(f"object '{obj.name}' is not in the view layer '{view_layer.name}'")
        if not obj.visible_get() and not obj.hide_get() and not obj.hide_viewport:
            raise ValueError(
                f"object '{obj.name}' is hidden by its collection in view layer "
                f"'{view_layer.name}'; show the collection to bake it"
            )
    if not chosen:
        raise ValueError("objects is empty")
    return chosen


def _check_uvs(obj, uv_map, auto_uv):
    layers = obj.data.uv_layers
    if uv_map is not None:
        if layers.get(uv_map) is None:
            raise ValueError(f"object '{obj.name}' has no UV map '{uv_map}'")
        return uv_map
    if layers.active is not None:
        return layers.active.name
    if len(layers):  # maps but none active (Blender 3.4 files): the one that renders
        return next((uv.name for uv in layers if uv.active_render), layers[0].name)
    if not auto_uv:
        raise ValueError(
            f"object '{obj.name}' has no UV map; unwrap it, or pass auto_uv=True to add one"
        )
    return None


def _add_auto_uv(obj, view_layer, keep):
    """A new UV map made by Smart UV Project; the object's other UV maps are left as they are."""
    mesh = obj.data
    layer = mesh.uv_layers.new(name=AUTO_UV_MAP)
    if layer is None:
        raise ValueError(f"object '{obj.name}' cannot take another UV map")
    name = layer.name  # layer references do not survive the Edit Mode round trip below
    keep.uv_map(mesh, name)
    mesh.uv_layers.active = layer
    for other in view_layer.objects:
        other.select_set(False)
    obj.select_set(True)
    view_layer.objects.active = obj
    bpy.ops.object.mode_set(mode="EDIT")
    try:
        bpy.ops.mesh.select_all(action="SELECT")
        bpy.ops.uv.smart_project(island_margin=0.02)
    finally:
        bpy.ops.object.mode_set(mode="OBJECT")
    return name


def _ensure_materials(obj):
    """Cycles bakes through material nodes. Slots without a material, or with one whose nodes are
    off (Blender < 5), get a temporary node material for the bake (removed after, slots
    restored), so the user's materials are not changed."""
    if not obj.material_slots:
        obj.data.materials.append(None)
    for slot in obj.material_slots:
        material = slot.material
        if material is not None and uses_nodes(material):
            continue
        temporary = bpy.data.materials.new("bakeview temporary")
        ensure_node_tree(temporary)
        if material is not None:  # what Cycles renders for a material without nodes
            principled = next((n for n in temporary.node_tree.nodes if n.type == "BSDF_PRINCIPLED"), None)
            if principled is not None:
                principled.inputs["Base Color"].default_value = material.diffuse_color
                principled.inputs["Roughness"].default_value = material.roughness
                principled.inputs["Metallic"].default_value = material.metallic
        slot.material = temporary


def _set_target(obj, image):
    """An Image Texture node with the target image, active and selected (Blender 5 needs both),
    in every material of the object."""
    added = []
    for material in {slot.material for slot in obj.material_slots if slot.material}:
        tree = ensure_node_tree(material)
        for node in tree.nodes:
            node.select = False
        node = tree.nodes.new("ShaderNodeTexImage")
        node.name = TARGET_NODE
        node.image = image
        node.select = True
        tree.nodes.active = node
        added.append((tree, node))
    return added


def bake(objects=None, kind="DIFFUSE", size=1024, margin=16, samples=None, *, progress=None,
         **options):
    """Bake mesh objects with Cycles, each into its own float Image datablock.

    Runs bake_steps to the end; progress(done, total, object name) is called before each
    object, and progress(total, total, None) once all are baked. See bake_steps for the rest.
    """
    made = run_steps(bake_steps(objects, kind, size, margin, samples, **options), progress)
    if progress:
        progress(len(made), len(made), None)
    return made


def _check_kinds(kind):
    """(kinds in the order they bake, whether the caller asked for several): one kind, MATERIAL
    (MATERIAL_KINDS), or a tuple or list of kinds (MATERIAL among them adds its kinds)."""
    several = not isinstance(kind, str)
    if several and (not isinstance(kind, (tuple, list)) or not kind):
        raise (ValueError if isinstance(kind, (tuple, list)) else TypeError)(
            f"kind must be one of {', '.join(KINDS)}, MATERIAL, or a non-empty tuple of them, "
            f"got {kind!r}")
    names = tuple(KINDS) + ("MATERIAL",)
    asked = checks.choices(kind, "kind", names) if several else (
        checks.choice(kind, "kind", names),)
    kinds = []
    for name in asked:
        for one in MATERIAL_KINDS if name == "MATERIAL" else (name,):
            if one not in kinds:
                kinds.append(one)
    several = several or asked == ("MATERIAL",)
    # the film alpha first: the routed channels and colour bakes of materials with holes use it
    return sorted(kinds, key=lambda k: k != "ALPHA"), several


def _check_samples(samples, kinds):
    deterministic = all(KINDS[k][2] for k in kinds)
    if samples is None:
        samples = 1 if deterministic else LIGHTING_SAMPLES
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValueError(f"samples must be a whole number >= 1, got {samples!r}")
    return samples


def bake_steps(objects=None, kind="DIFFUSE", size=1024, margin=16, samples=None, *, uv_map=None,
               auto_uv=False, overwrite=False, name="{object}_{kind}", scene=None):
    """A generator baking one object at a time: it yields (done, total, object name) before each
    object and returns {object name: Image} (StopIteration.value). Closing it early (an operator
    cancelled with Esc) takes the failure path: every setting is put back and no image, UV map
    or record made so far is left.

    objects: objects or names; default the selected meshes, or in background mode every visible
        mesh of the view layer.
    kind: DIFFUSE (colour only), EMIT, NORMAL, ROUGHNESS, UV, AO, INDIRECT (bounced diffuse light
        times the diffuse colour: two bakes, all light less direct), COMBINED, GLOSSY, SHADOW, the
        material channels BASE_COLOR, ALPHA, METALLIC, SPECULAR, EMISSION (and ROUGHNESS,
        NORMAL), MATERIAL for all seven channels (MATERIAL_KINDS), or a tuple of kinds.
    size: pixels, an int or (width, height). margin: pixels of edge extension around UV islands.
    samples: Cycles samples; default 1 for deterministic kinds, 64 for lighting kinds.
    uv_map: the UV map to bake with (default: the active one). auto_uv: an object without UV map
        gets a new one by Smart UV Project (existing maps are untouched).
    overwrite: replace existing images of the same names (default: refuse).
    name: image name pattern with {object} and {kind} (several kinds need {kind}).

    Material channels hold what the material is, whatever the light or the view, at 1 sample:
    BASE_COLOR (a metal's colour too), METALLIC, ROUGHNESS, SPECULAR (the specular level:
    Principled "Specular" in Blender 3.x, "Specular IOR Level" in 4+), EMISSION (colour times
    strength) are each the Principled input's value (linked or not), baked through emission (see
    material_channels for other shaders and mixes); ALPHA is the material's alpha as Cycles
    renders it (R = G = B = alpha); NORMAL is Cycles' normal bake in tangent space of the bake's
    UV map (MikkTSpace, +X +Y +Z: OpenGL, green up), encoded n * 0.5 + 0.5, whatever the scene's
    bake settings. What the channels cannot hold (glass, subsurface, sheen, coat, anisotropy,
    ...) is named in a UserWarning. Scalars are in R, G and B.

    A DIFFUSE bake holds the diffuse colour only: a material without one (metal, glass, glossy,
    emission) bakes black, and a UserWarning names it and the kind that holds it (COMBINED, or
    EMIT for emission alone); the bake itself is kept (see material_surface).

    Returns {object name: Image} for one kind, {object name: {kind: Image}} for MATERIAL or a
    tuple. Each image is remembered on the object per kind (saved in the .blend), so
    bakeview.render_view renders it later without baking again (the latest kind: the first of
    a tuple, BASE_COLOR for MATERIAL). Render engine, samples, bake settings, selection, active
    object, materials, nodes and UV maps are restored, also on failure; on failure no image or
    UV map made by this call is left behind.
    """
    kinds, several = _check_kinds(kind)
    width, height = _check_size(size)
    if isinstance(margin, bool) or not isinstance(margin, int) or margin < 0:
        raise ValueError(f"margin must be a whole number of pixels >= 0, got {margin!r}")
    samples = _check_samples(samples, kinds)
    scene = scene or bpy.context.scene
    view_layer = bpy.context.view_layer
    if bpy.context.mode != "OBJECT":
        raise ValueError(f"bake works in Object Mode; the editor is in {bpy.context.mode}")
    chosen = _resolve_objects(objects, view_layer)
    uv_names = {obj.name: _check_uvs(obj, uv_map, auto_uv) for obj in chosen}
    image_names = {k: _image_names(name, chosen, k) for k in kinds}
    if len(kinds) > 1 and len({n for k in kinds for n in image_names[k].values()}) < len(
            kinds) * len(chosen):
        raise ValueError(f"name pattern {name!r} gives several kinds the same image name; "
                         "add {kind}")
    for names in image_names.values():
        for image_name in names.values():
            if bpy.data.images.get(image_name) is not None and not overwrite:
                raise ValueError(f"an image named '{image_name}' already exists; pass "
                                 "overwrite=True to replace it")

    results = {}  # object name: {kind: Image}
    uv_used = {}
    wm = bpy.context.window_manager
    warned = set()
    with preserved(scene, chosen) as keep:
        scene.render.engine = "CYCLES"
        scene.cycles.device = "CPU"
        scene.cycles.samples = samples
        # bakes are not denoised; a build without OpenImageDenoise (Debian's 3.4) bakes zeros
        # when denoising is on
        scene.cycles.use_denoising = False
        settings = scene.render.bake
        settings.margin = margin
        settings.use_clear = True
        settings.use_selected_to_active = False
        settings.target = "IMAGE_TEXTURES"
        wm.progress_begin(0, len(chosen))
        try:
            for done, obj in enumerate(chosen):
                yield done, len(chosen), obj.name
                wm.progress_update(done)
                uv_name = uv_names[obj.name] or _add_auto_uv(obj, view_layer, keep)
                obj.data.uv_layers.active = obj.data.uv_layers[uv_name]
                uv_used[obj.name] = uv_name
                if any(k in material_channels.ROUTED for k in kinds):
                    _warn_unexpressed(obj, warned)
                surfaces = _surfaces(obj) if "DIFFUSE" in kinds else {}
                _ensure_materials(obj)
                _select_only(obj, view_layer)
                holes = any(KINDS[k][3] or k in material_channels.ROUTED for k in kinds) and \
                    _has_holes(obj)
                made = results[obj.name] = {}
                alpha = None
                for one in kinds:
                    image = _new_image(image_names[one][obj.name], width, height, KINDS[one][3])
                    keep.image(image)
                    if one == "ALPHA" or (one in material_channels.ROUTED and holes
                                          and alpha is None):
                        alpha = _bake_film_alpha(obj, image, margin, scene)
                    if one == "ALPHA":
                        _write_alpha(image, alpha)
                    else:
                        alpha = _bake_kind(obj, one, image, surfaces, holes, alpha, margin,
                                           scene, samples)
                    image.pack()  # the pixels travel with the .blend
                    made[one] = image
        finally:
            wm.progress_end()
        # only now, with every bake done, are the bakes recorded (put back on failure) and do new
        # images take the place of the ones they replace (the last step: it cannot fail half way)
        for obj in chosen:
            for one in reversed(kinds if not several else _asked_order(kinds, kind)):
                records.remember(obj, one, results[obj.name][one], uv_used[obj.name],
                                 image_names[one][obj.name])
        for obj in chosen:
            for one in kinds:
                _replace(results[obj.name][one], image_names[one][obj.name], keep)
    if not several:
        return {name: made[kinds[0]] for name, made in results.items()}
    return results


def _asked_order(kinds, kind):
    """The kinds in the order the caller gave them (MATERIAL in MATERIAL_KINDS' order), so that
    the first is recorded last: the object's latest bake."""
    order = []
    for name in ([kind] if isinstance(kind, str) else list(kind)):
        name = checks.choice(name, "kind", tuple(KINDS) + ("MATERIAL",))
        for one in MATERIAL_KINDS if name == "MATERIAL" else (name,):
            if one not in order:
                order.append(one)
    return [k for k in order if k in kinds]


def _warn_unexpressed(obj, warned):
    """Names, once a call per material, what of it the material channels cannot hold."""
    for material in {slot.material for slot in obj.material_slots if slot.material}:
        if material.name in warned or not uses_nodes(material):
            continue
        warned.add(material.name)
        features = material_channels.unexpressed(material)
        if features:
            warnings.warn(
                f"material '{material.name}' has what its material channels cannot hold: "
                f"{', '.join(features)}; they hold the rest of it", stacklevel=_caller_level())


def _bake_kind(obj, kind, image, surfaces, holes, alpha, margin, scene, samples):
    """Bakes `kind` into `image` through target nodes added for it (removed after); a routed
    channel through routed copies of the materials. Returns the film alpha if it was baked
    (EMIT, GLOSSY of materials with holes), else `alpha`."""
    bake_type, pass_filter, _, colour = KINDS[kind]
    routed = kind in material_channels.ROUTED
    with material_channels.routed(obj, kind) if routed else contextlib.nullcontext():
        targets = _set_target(obj, image)
        try:
            _bake_once(obj, bake_type, pass_filter, margin, kind == "NORMAL")
            if kind == "INDIRECT":
                _less_direct_light(obj, image, margin)
        finally:
            for tree, node in targets:  # shared materials must not keep this image as target
                tree.nodes.remove(node)
    if kind == "DIFFUSE":
        _warn_if_black(obj, image, surfaces)
    if not holes or not (colour or routed):
        return alpha
    if kind in ALPHA_BAKED:  # the bake holds the material's alpha already
        image[images.COVERAGE] = "COVERAGE"
        return alpha
    if alpha is None:
        alpha = _bake_film_alpha(obj, image, margin, scene)
    data = images.pixels(image)
    data[3::4] = alpha
    if routed:  # opacity-weighted values made straight
        data = _core.straight_alpha(data)  # an array.array, as foreach_set wants
    if colour:
        image[images.COVERAGE] = "COVERAGE"  # render_view draws alpha as coverage
    else:
        data[3::4] = _ones(len(alpha))
    image.pixels.foreach_set(data)
    image.update()
    return alpha


def _less_direct_light(obj, image, margin):
    """The INDIRECT kind: the DIFFUSE bake in `image` less a bake of its direct light alone."""
    full = images.pixels(image)
    _bake_once(obj, "DIFFUSE", {"DIRECT", "COLOR"}, margin)
    direct = images.pixels(image)
    indirect = _core.add_rgb(full, direct, len(full) // 4, -1.0)
    image.pixels.foreach_set(images.as_float_array(indirect))
    image.update()


def _ones(count):
    return array.array("f", [1.0]) * count


def _write_alpha(image, alpha):
    """The ALPHA kind: the film alpha in R, G and B, opaque."""
    data = float_array(4 * len(alpha))
    for c in range(3):
        data[c::4] = alpha
    data[3::4] = _ones(len(alpha))
    image.pixels.foreach_set(data)
    image.update()


def _bake_once(obj, bake_type, pass_filter, margin, tangent_normals=False):
    kwargs = {"pass_filter": pass_filter} if pass_filter else {}
    if tangent_normals:  # whatever the scene's bake settings say
        kwargs.update(normal_space="TANGENT", normal_r="POS_X", normal_g="POS_Y",
                      normal_b="POS_Z")
    result = bpy.ops.object.bake(
        type=bake_type, margin=margin, use_clear=True, target="IMAGE_TEXTURES",
        save_mode="INTERNAL", use_selected_to_active=False, **kwargs
    )
    if result != {"FINISHED"}:
        raise RuntimeError(f"baking '{obj.name}' did not finish ({', '.join(result)})")


def _caller_level():
    """The warnings stacklevel, for the function calling this one, of the first caller outside
    the bakeview package (bakeview.bake wraps this module's bake)."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == package:
        frame, level = frame.f_back, level + 1
    return level


def _surfaces(obj):
    """{material name: material_surface.Surface} of the object's materials, as the user made
    them (before temporary materials stand in for some)."""
    materials = {slot.material.name: slot.material for slot in obj.material_slots if slot.material}
    return {name: material_surface.surface(material) for name, material in materials.items()}


def _is_black(image):
    """Whether every colour value of the image is black (BLACK): three array maxima, about
    50 ms a megapixel."""
    data = images.pixels(image)
    return max(max(data[0::4]), max(data[1::4]), max(data[2::4])) < BLACK


def _warn_if_black(obj, image, surfaces):
    """Names, as a warning, each material a DIFFUSE bake holds black though it shows something,
    and the kind that holds it: a material without any diffuse colour that emits or shows lit
    (metal, glass, glossy), and, when the whole bake is black, one that may have a diffuse
    colour too (a black base colour, a metallic map). A material that is only black diffuse
    is what DIFFUSE holds: no warning."""
    black = None
    for name, surface in sorted(surfaces.items()):
        kind = surface.fitting_kind()
        if kind is None:
            continue
        if surface.diffuse:
            if black is None:
                black = _is_black(image)
            if not black:
                continue
        purpose = ("for the colour it emits" if kind == "EMIT"
                   else "to see it lit by the scene's lights and world")
        warnings.warn(
            f"material '{name}' bakes black in the DIFFUSE bake of '{obj.name}': its surface is "
            f"{surface.description()}, without diffuse colour; bake kind='{kind}' {purpose}",
            stacklevel=_caller_level())


def _has_holes(obj):
    """Whether any material of the object lets light through; names, as a warning, what of its
    transparency a bake cannot hold."""
    found = False
    for material in {slot.material for slot in obj.material_slots if slot.material}:
        if not material_alpha.transparent(material):
            continue
        found = True
        names = material_alpha.unbakeable(material)
        if names:
            warnings.warn(
                f"material '{material.name}': its transparency depends on the camera ray through "
                f"{', '.join(repr(n) for n in names)}; the bake sees it along the surface normal, "
                "and render_view draws it so", stacklevel=_caller_level())
    return found


def _bake_film_alpha(obj, image, margin, scene):
    """The material's alpha as Cycles renders it, an array of one float per pixel of `image`'s
    size: the alpha of a 1-sample DIFFUSE colour bake (Cycles' film alpha) of the object's own
    materials into a temporary image, through target nodes added for it and removed after."""
    alpha_image = bpy.data.images.new(f"{image.name} alpha", image.size[0], image.size[1],
                                      alpha=True, float_buffer=True)
    samples = scene.cycles.samples
    try:
        targets = _set_target(obj, alpha_image)
        try:
            scene.cycles.samples = 1
            _bake_once(obj, "DIFFUSE", {"COLOR"}, margin)
        finally:
            scene.cycles.samples = samples
            for tree, node in targets:
                tree.nodes.remove(node)
        return images.pixels(alpha_image)[3::4]
    finally:
        bpy.data.images.remove(alpha_image)


def _image_names(pattern, objects, kind):
    """One distinct image name per object from the pattern."""
    if not isinstance(pattern, str):
        raise TypeError(f"name must be a string pattern, got {type(pattern).__name__}")
    try:
        names = {obj.name: pattern.format(object=obj.name, kind=kind) for obj in objects}
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(
            f"name pattern {pattern!r} is not valid: it may use {{object}} and {{kind}} only ({error})"
        ) from None
    if len(set(names.values())) != len(names):
        raise ValueError(
            f"name pattern {pattern!r} gives several objects the same image name; add {{object}}"
        )
    return names


def _new_image(name, width, height, colour):
    """A new float image; if the name is taken (overwrite=True), Blender suffixes it for now."""
    image = bpy.data.images.new(name, width, height, alpha=True, float_buffer=True)
    if not colour:
        image.colorspace_settings.name = "Non-Color"
    return image


def _replace(image, name, keep):
    """Gives `image` the name it was baked for; an old image of that name hands over its users."""
    images.take_name(image, name)
    keep.image(image)


def _select_only(obj, view_layer):
    for other in view_layer.objects:
        if other.select_get():
            other.select_set(False)
    if obj.hide_get():
        obj.hide_set(False)
    obj.hide_select = False
    obj.hide_viewport = False
    obj.select_set(True)
    view_layer.objects.active = obj
