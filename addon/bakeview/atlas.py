"""bakeview.pack_atlas: the bakes of several objects packed into one texture, with a new UV map per
mesh that points into it. The objects' own UV maps, materials and bake images are left as they are.

The atlas is one page: every bake placed whole, at its own resolution (or all scaled down by the
same power of two with `scale`), by the core's MaxRects packer; the core copies the pixels and
extrudes each bake's edge texels into the padding around it, so bilinear (and low mip) sampling at
an island's edge does not pick up a neighbour.

The new UV map is the bake's UV map moved into the bake's rectangle (x, y, w, h; y down from the
top row, as the packer and PNG rows count) of the W x H atlas:

    u' = (x + u * w) / W            v' = (H - y - h + v * h) / H   ( = 1 - (y + (1 - v) * h) / H)

Texel i of the bake has its centre at u = (i + 0.5) / w, which lands on (x + i + 0.5) / W: the
centre of the atlas texel the core copied it to (column x + i). Rows likewise: the bake's row j
(row 0 at the bottom) is the atlas's row H - y - h + j counted from the bottom. So a bilinear
lookup with the new UV map reads the same four texels with the same weights as one in the bake
with the old map; each coordinate is computed in double precision and rounded once to float32.
"""
import array
import json
import math
import os
from dataclasses import dataclass, field

import bpy

from . import _core, checks, display, files, images, records
from .bake_images import KINDS
from .state import preserved

LIGHTING_COLOUR_KINDS = ("COMBINED", "GLOSSY")  # bakes of how it looks lit: the scene's transform

HEURISTICS = ("BEST", "BSSF", "BAF", "BL", "CP")
MAX_UV_MAPS = 8  # Blender's limit per mesh


@dataclass
class AtlasResult:
    """What pack_atlas made.

    image: the atlas Image (float RGBA, linear; Non-Color for data kinds; pixels readable).
    size: (width, height) of the atlas in texels.
    rects: {object name: (x, y, w, h)} where the object's bake lies in the atlas, y down from the
        top row, extrusion not included (w, h: the bake's size times scale).
    uv_maps: {object name: name of the UV map that points into the atlas}.
    transforms: {object name: (scale_u, scale_v, offset_u, offset_v)}: u' = u * scale_u +
        offset_u, v' = v * scale_v + offset_v, for a shader that remaps the old UVs itself.
    sources: {object name: name of the bake Image packed for it}.
    meshes: {object name: name of its mesh}.
    kind: the bake kind packed. scale: the factor the bakes were scaled by (1, 1/2, 1/4 ...).
    padding, extrude: texels between bakes, and how many of them repeat a bake's edge.
    uv_map: the new UV map's name. encoding: how the PNG's colour is encoded: SRGB, SCENE (see
        `colour`) or LINEAR (data kinds).
    occupancy: the bakes' area over the atlas's area. files: the PNG and JSON written (with path).
    """
    image: object = None
    size: tuple = (0, 0)
    rects: dict = field(default_factory=dict)
    uv_maps: dict = field(default_factory=dict)
    transforms: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    meshes: dict = field(default_factory=dict)
    kind: str = None
    scale: float = 1.0
    padding: int = 0
    extrude: int = 0
    uv_map: str = None
    encoding: str = None
    occupancy: float = 0.0
    files: list = field(default_factory=list)


@dataclass
class _Group:
    """One mesh and the bake its UV map is remapped into (linked duplicates share one)."""
    mesh: object
    image: object
    source_uv: str
    objects: list
    existing: bool = False  # the target UV map exists already (overwrite=True)


def pack_atlas(objects=None, kind=None, size=None, padding=4, max_size=(4096, 4096),
               power_of_two=True, square=False, uv_map="bakeview_atlas", name="atlas", path=None,
               overwrite=False, heuristic="BEST", extrude=None, scene=None, *, scale=1.0,
               colour=None):
    """Pack the bakes of several objects into one atlas Image and give each mesh a new UV map
    that points into it.

    objects: objects or names; default every visible object with a bake (of `kind`).
    kind: the bake kind to pack (see bakeview.BAKE_KINDS); default each object's latest bake,
        which must then be of one kind for all of them.
    size: the atlas size, an int or (width, height); default the smallest page the packer finds
        within max_size (with power_of_two and square). An explicit size is used as it is (it
        overrides power_of_two and square); the bakes must fit it.
    padding: texels between two bakes (and padding // 2 to the atlas edge, so a tiled atlas keeps
        the full gutter); extrude: how many of them repeat the bake's edge texels (default
        padding // 2, which fills the gutter for an even padding). Bakes stay at least
        max(padding, 2 * extrude) apart.
    max_size: the largest atlas allowed (width, height). The atlas is one page: if the bakes do
        not fit, pack_atlas raises ValueError naming what they need and the limit, and the scale
        that would fit; it never shrinks bakes on its own.
    scale: 1, 1/2, 1/4 ...: every bake scaled down by this factor (each texel of the scaled bake
        the mean of a 2^k x 2^k block, so texel centres still line up); bake sizes must divide.
    power_of_two, square: atlas sides rounded up to powers of two / made equal.
    heuristic: MaxRects rule: BEST (the tightest of several heuristics and orders), or one of
        BSSF (best short side fit), BAF, BL, CP. Bakes are never rotated.
    uv_map: the name of the new UV map on every mesh. If a mesh has one of that name already,
        pack_atlas refuses unless overwrite=True (then its UVs are rewritten in place). The bake's
        own UV map, the active and the render UV maps, materials and the bake images stay as they
        are. Objects sharing a mesh (linked duplicates) must share the bake, and get one UV map.
    name: the atlas Image's name; an existing image of that name is replaced (its users moved to
        the atlas) only with overwrite=True.
    path: write the atlas as an 8-bit PNG there (".png" is added to a name without extension;
        a folder, existing or ending in a separator, means NAME.png inside it), colour kinds
        (DIFFUSE, EMIT, COMBINED, GLOSSY) encoded as `colour` says, data kinds (NORMAL,
        ROUGHNESS, UV, AO, SHADOW) written as they are, and beside it the JSON of the rects
        (same name, .json; see json_data). Both written all or nothing; an existing file is
        replaced only with overwrite=True, else the call refuses before any work; a missing
        folder is made when they are written (see bakeview.files).
    colour: SCENE: as Blender writes the scene's render output (view transform, look, exposure,
        gamma, display: see bakeview.display), for bakes of lighting meant to be shown as they
        were rendered; SRGB: the plain sRGB curve, as Blender saves a texture and as engines read
        an albedo or emission texture. Default: SCENE for lighting kinds (COMBINED, GLOSSY), SRGB
        for material colour (DIFFUSE, EMIT), which a view transform would distort.

    Returns an AtlasResult. On failure nothing is left behind: no UV map, no image, no file, and
    UV maps rewritten with overwrite=True get their old UVs back.

    Cost: pixels are copied by the core; the UV remap is one Python expression per UV coordinate
    over whole arrays (foreach_get / foreach_set), about 0.2 s per million face corners; scale < 1
    averages texels in Python too (about 0.1 s per million bake texels).
    """
    scene = checks.scene(scene) or bpy.context.scene
    if bpy.context.mode != "OBJECT":
        raise ValueError(f"pack_atlas works in Object Mode; the editor is in {bpy.context.mode}")
    for value, what in ((power_of_two, "power_of_two"), (square, "square"), (overwrite, "overwrite")):
        checks.boolean(value, what)
    checks.path(path)
    colour = checks.choice(colour, "colour", display.MODES, optional=True)
    kind = _check_kind(kind)
    padding = _check_count(padding, "padding")
    extrude = padding // 2 if extrude is None else _check_count(extrude, "extrude")
    max_size = _check_size(max_size, "max_size")
    size = None if size is None else _check_size(size, "size")
    steps = _check_scale(scale)
    heuristic = checks.choice(heuristic, "heuristic", HEURISTICS)
    if not isinstance(uv_map, str) or not uv_map:
        raise ValueError(f"uv_map must be a non-empty name, got {uv_map!r}")
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty image name, got {name!r}")
    if path is not None:
        path = _check_path(files.in_folder(path, name), overwrite)

    from .view import _resolve_objects  # the same rules as render_view and sprite_sheet

    chosen = []
    for obj in _resolve_objects(objects, scene, kind, need_texture=True):
        if obj not in chosen:
            chosen.append(obj)
    if not chosen:
        raise ValueError("objects is empty")
    kind = _one_kind(chosen, kind)
    is_colour = KINDS[kind][3] if kind in KINDS else True
    if colour is None:
        colour = "SCENE" if kind in LIGHTING_COLOUR_KINDS else "SRGB"
    encoding = display.encoding(scene, colour) if path is not None and is_colour else None
    groups = _groups(chosen, kind, uv_map, overwrite)
    sources = []  # distinct bake images, in the order first met
    for group in groups:
        if group.image not in sources:
            sources.append(group.image)
    _check_sources(sources, steps, name, overwrite)

    # place the bakes
    sizes = [(image.size[0] >> steps, image.size[1] >> steps) for image in sources]
    placed, atlas_size = _place(sizes, size, max_size, padding, extrude, power_of_two, square,
                                heuristic, steps, sources)
    width, height = atlas_size
    page = bytearray(16 * width * height)
    rects = {}
    for image, (w, h), (x, y) in zip(sources, sizes, placed):
        data, (dw, dh) = _rgba(image), image.size
        for _ in range(steps):
            data, dw, dh = _halve(data, dw, dh), dw // 2, dh // 2
        _core.blit(page, width, height, data, w, h, (0, 0, w, h), x, y, extrude=extrude)
        rects[image.name] = (x, y, w, h)

    result = AtlasResult(size=(width, height), kind=kind, scale=1.0 / (1 << steps),
                         occupancy=sum(w * h for w, h in sizes) / float(width * height),
                         padding=padding, extrude=extrude, uv_map=uv_map,
                         encoding=colour if is_colour else "LINEAR")
    with preserved(scene, chosen) as keep:
        backups = []  # (mesh, uv map name, old UVs) of UV maps rewritten in place
        staged = files.Staged()
        try:
            for group in groups:
                rect = rects[group.image.name]
                _write_uv_map(group, uv_map, rect, atlas_size, keep, backups)
                for obj in group.objects:
                    result.rects[obj.name] = rect
                    result.uv_maps[obj.name] = uv_map
                    result.transforms[obj.name] = _transform(rect, atlas_size)
                    result.sources[obj.name] = group.image.name
                    result.meshes[obj.name] = group.mesh.name
            floats = memoryview(page).cast("f")
            image = images.store(name, width, height, floats, non_color=not is_colour)
            keep.image(image)
            image.pack()  # the pixels travel with the .blend, as the bakes' do
            if path is not None:
                result.files = stage_files(staged, path, result, floats, scene, encoding)
                staged.commit()
        except BaseException:
            staged.discard()
            for mesh, layer_name, old in backups:
                mesh.uv_layers[layer_name].data.foreach_set("uv", old)
            raise
        # the last step, which cannot fail half way: the atlas takes the place of an old image
        images.take_name(image, name)
        keep.image(image)
    result.image = image
    return result


# -- checks ----------------------------------------------------------------------------------------


def _check_kind(kind):
    return checks.choice(kind, "kind", tuple(KINDS), optional=True)


def _check_count(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be a whole number of texels >= 0, got {value!r}")
    return value


def _check_size(value, what):
    """(width, height) from an int or a pair, each 1 .. _core.MAX_IMAGE_SIZE."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    try:
        width, height = value
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be an int or (width, height), got {value!r}") from None
    for v in (width, height):
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= _core.MAX_IMAGE_SIZE:
            raise ValueError(
                f"{what} must be between 1 and {_core.MAX_IMAGE_SIZE} texels a side, got {value!r}")
    return width, height


def _check_scale(scale):
    """The number of halvings: scale must be 1, 1/2, 1/4, ..."""
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 1:
        raise ValueError(f"scale must be 1, 1/2, 1/4 ... (a power of two up to 1), got {scale!r}")
    steps = round(-math.log2(scale))
    if 2.0 ** -steps != scale:
        raise ValueError(f"scale must be 1, 1/2, 1/4 ... (a power of two up to 1), got {scale!r}")
    return steps


def png_path(path):
    """The atlas PNG's path from `path` (".png" added to a name without extension)."""
    path = os.path.abspath(os.fspath(path))
    root, extension = os.path.splitext(path)
    if extension == "":
        path += ".png"
    elif extension.lower() != ".png":
        raise ValueError(f"path must end in .png (or have no extension), got {path!r}")
    return path


def output_files(path):
    """The files pack_atlas writes for the PNG at `path`: the PNG and its JSON."""
    return [path, os.path.splitext(path)[0] + ".json"]


def _check_path(path, overwrite):
    path = png_path(path)
    files.check_folder(path)
    files.refuse_existing(output_files(path), overwrite)
    return path


def _one_kind(objects, kind):
    """The kind to pack: the one asked, or the objects' common latest kind."""
    if kind is not None:
        return kind
    latest = {obj.name: obj.get(records.LAST) for obj in objects}
    if len(set(latest.values())) > 1:
        listed = ", ".join(f"'{n}': {k}" for n, k in latest.items())
        raise ValueError(
            f"the objects' latest bakes are of different kinds ({listed}); one atlas holds one "
            "kind: pass kind=")
    return next(iter(latest.values()))


def _groups(objects, kind, uv_map, overwrite):
    """One _Group per mesh, checked: one bake per mesh, its UV map there, room for the new one."""
    groups = {}
    for obj in objects:
        mesh = obj.data
        image = records.baked_image(obj, kind)
        source_uv = records.uv_map(obj)
        if mesh.library is not None:
            raise ValueError(f"object '{obj.name}' uses mesh '{mesh.name}' linked from a library: "
                             "its UV maps cannot change (make it local first)")
        if not source_uv or mesh.uv_layers.get(source_uv) is None:
            raise ValueError(f"object '{obj.name}' has no UV map '{source_uv}', the one its bake "
                             "was made with: bake it again")
        group = groups.get(mesh.as_pointer())
        if group is None:
            groups[mesh.as_pointer()] = _Group(mesh, image, source_uv, [obj])
            continue
        if group.image != image or group.source_uv != source_uv:
            first = group.objects[0]
            raise ValueError(
                f"objects '{first.name}' and '{obj.name}' share the mesh '{mesh.name}' but have "
                f"different bakes ('{group.image.name}' with UV map '{group.source_uv}', "
                f"'{image.name}' with '{source_uv}'): one UV map cannot point at both; pack one of "
                "them, or give them their own meshes (Object > Relations > Make Single User)")
        group.objects.append(obj)
    for group in groups.values():
        mesh, names = group.mesh, ", ".join(f"'{o.name}'" for o in group.objects)
        if uv_map == group.source_uv:
            raise ValueError(f"uv_map '{uv_map}' is the UV map the bake of {names} was made with; "
                             "the atlas UV map needs a name of its own")
        if mesh.uv_layers.get(uv_map) is not None:
            if not overwrite:
                raise ValueError(f"mesh '{mesh.name}' (object {names}) already has a UV map "
                                 f"'{uv_map}'; pass overwrite=True to replace it, or another "
                                 "uv_map")
            group.existing = True
            continue
        if len(mesh.uv_layers) >= MAX_UV_MAPS:
            raise ValueError(f"mesh '{mesh.name}' (object {names}) has {len(mesh.uv_layers)} UV "
                             f"maps already, Blender's limit: remove one for '{uv_map}'")
        attributes = getattr(mesh, "attributes", None)
        if attributes is not None and attributes.get(uv_map) is not None:
            raise ValueError(f"mesh '{mesh.name}' (object {names}) has an attribute named "
                             f"'{uv_map}'; choose another uv_map")
    return list(groups.values())


def _check_sources(sources, steps, name, overwrite):
    for image in sources:
        w, h = image.size
        if w == 0 or h == 0:
            raise ValueError(f"bake image '{image.name}' has no pixels")
        if not image.is_float:
            raise ValueError(f"bake image '{image.name}' is 8-bit; pack_atlas packs float bakes "
                             "(bakeview.bake makes them)")
        if steps and (w % (1 << steps) or h % (1 << steps)):
            raise ValueError(f"scale 1/{1 << steps} does not divide the bake '{image.name}' "
                             f"({w} x {h}); choose a scale whose bakes' sizes divide")
        if image.name == name:
            raise ValueError(f"name '{name}' is the bake image '{image.name}': the atlas needs a "
                             "name of its own")
    if bpy.data.images.get(name) is not None and not overwrite:
        raise ValueError(
            f"an image named '{name}' already exists; pass overwrite=True to replace it")


# -- packing ---------------------------------------------------------------------------------------


def _pack(sizes, limit, padding, extrude, power_of_two, square, heuristic):
    """Top-left corners (y down) of the bakes themselves and the atlas size, or None if they do
    not fit one page of `limit`."""
    try:
        placed, pages = _core.pack(
            [(w + 2 * extrude, h + 2 * extrude) for w, h in sizes], heuristic=heuristic,
            max_size=limit, shape_padding=max(0, padding - 2 * extrude),
            border_padding=max(0, padding // 2 - extrude), power_of_two=power_of_two,
            square=square)
    except ValueError:  # the arguments are checked: a bake larger than the limit
        return None
    if len(pages) != 1:
        return None
    return [(x + extrude, y + extrude) for _, x, y, _ in placed], pages[0][:2]


def _place(sizes, size, max_size, padding, extrude, power_of_two, square, heuristic, steps,
           sources):
    if size is not None:  # the size asked, as it is
        packed = _pack(sizes, size, padding, extrude, False, False, heuristic)
        if packed is not None:
            return packed[0], size
        limit = size
    else:
        packed = _pack(sizes, max_size, padding, extrude, power_of_two, square, heuristic)
        if packed is not None:
            return packed
        limit = max_size
    # what would fit: the same bakes halved, while every bake's size divides
    hint = ""
    for more in range(1, 13):
        k = steps + more
        if any(image.size[0] % (1 << k) or image.size[1] % (1 << k) for image in sources):
            break
        smaller = [(image.size[0] >> k, image.size[1] >> k) for image in sources]
        if _pack(smaller, limit, padding, extrude, size is None and power_of_two,
                 size is None and square, heuristic) is not None:
            hint = f"; scale=1/{1 << k} fits"
            break
    need = sum((w + max(padding, 2 * extrude)) * (h + max(padding, 2 * extrude)) for w, h in sizes)
    largest = max(sizes, key=lambda s: s[0] * s[1])
    what = "size" if size is not None else "max_size"
    raise ValueError(
        f"the {len(sizes)} bakes do not fit one {limit[0]} x {limit[1]} atlas ({what}): they need "
        f"about {need} texels with padding {padding} (largest {largest[0]} x {largest[1]}), the "
        f"atlas holds {limit[0] * limit[1]}{hint}; raise {what}, pass a smaller scale, or pack "
        "fewer objects")


def _rgba(image):
    return images.as_float_array(images.rgba(image))


def _halve(data, width, height):
    """The 2 x 2 box average of float RGBA pixels (width and height even)."""
    row = 4 * width
    even, odd = array.array("f"), array.array("f")
    for y in range(0, height, 2):
        even.extend(data[y * row:(y + 1) * row])
        odd.extend(data[(y + 1) * row:(y + 2) * row])
    out = array.array("f", bytes(2 * len(even)))
    for c in range(4):
        out[c::4] = array.array("f", [
            (a + b + p + q) * 0.25
            for a, b, p, q in zip(even[c::8], even[4 + c::8], odd[c::8], odd[4 + c::8])])
    return out


# -- UV maps and files -----------------------------------------------------------------------------


def _transform(rect, atlas_size):
    x, y, w, h = rect
    width, height = atlas_size
    return (w / width, h / height, x / width, (height - y - h) / height)


def remap_uvs(uvs, rect, atlas_size):
    """UVs (flat float32 u, v pairs) of a bake moved into its atlas rect (x, y, w, h; y down) of
    an atlas of atlas_size: u' = (x + u w) / W, v' = (H - y - h + v h) / H, each computed in
    double precision and rounded once."""
    x, y, w, h = rect
    width, height = atlas_size
    bottom = height - y - h
    out = array.array("f", bytes(4 * len(uvs)))
    out[0::2] = array.array("f", [(x + u * w) / width for u in uvs[0::2]])
    out[1::2] = array.array("f", [(bottom + v * h) / height for v in uvs[1::2]])
    return out


def _set_uvs(layer, values):
    layer.data.foreach_set("uv", values)


def _write_uv_map(group, uv_map, rect, atlas_size, keep, backups):
    mesh = group.mesh
    source = mesh.uv_layers[group.source_uv]
    uvs = array.array("f", bytes(8 * len(mesh.loops)))
    source.data.foreach_get("uv", uvs)
    values = remap_uvs(uvs, rect, atlas_size)
    if group.existing:
        layer = mesh.uv_layers[uv_map]
        old = array.array("f", bytes(8 * len(mesh.loops)))
        layer.data.foreach_get("uv", old)
        backups.append((mesh, uv_map, old))
    else:
        layer = mesh.uv_layers.new(name=uv_map, do_init=False)
        if layer is None:
            raise ValueError(f"mesh '{mesh.name}' cannot take another UV map")
        keep.uv_map(mesh, layer.name)
        if layer.name != uv_map:
            raise ValueError(f"mesh '{mesh.name}' cannot take a UV map named '{uv_map}' (Blender "
                             f"named it '{layer.name}'); choose another uv_map")
    _set_uvs(layer, values)
    mesh.update()


def _write_png(path, pixels, width, height, arguments):
    """The atlas file (one place, so that tests can make it fail)."""
    _core.write_png(path, pixels, width, height, 4, **arguments)


def _write_json(path, data):
    """The atlas JSON (one place, so that tests can make it fail)."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, ensure_ascii=False)
        out.write("\n")


def json_data(result, image_file, extra=None):
    """The atlas JSON, which says where each object's bake lies in the atlas PNG:

    {"image": "atlas.png", "size": {"w": W, "h": H}, "kind": "DIFFUSE",
     "encoding": "SRGB" | "SCENE" | "LINEAR", "uv_map": "bakeview_atlas", "scale": 1.0,
     "padding": 4, "extrude": 2,
     "objects": {NAME: {"rect": {"x": X, "y": Y, "w": W, "h": H},
                        "uv": {"scale": [su, sv], "offset": [ou, ov]},
                        "bake": bake image name, "mesh": mesh name, ...extra[NAME]}},
     "meta": {"app": "bakeview", "version": ..., "format": "bakeview-atlas", "format_version": 1}}

    rect: the bake's texels in the atlas, in pixels, x right and y down from the PNG's top row
    (as TexturePacker's frames), padding and extrusion not included. uv: the map from the
    bake's UVs to the atlas's, in Blender's UV space (v up from the bottom row):
    u' = u * su + ou, v' = v * sv + ov (the new UV map holds exactly these). A glTF shader, whose
    v runs down, uses v' = v * sv + (1 - sv - ov). extra: more fields per object (the command
    line adds the .blend file each came from)."""
    objects = {}
    for name in result.rects:
        x, y, w, h = result.rects[name]
        su, sv, ou, ov = result.transforms[name]
        objects[name] = {"rect": {"x": x, "y": y, "w": w, "h": h},
                         "uv": {"scale": [su, sv], "offset": [ou, ov]},
                         "bake": result.sources[name], "mesh": result.meshes[name],
                         **((extra or {}).get(name, {}))}
    return {"image": image_file, "size": {"w": result.size[0], "h": result.size[1]},
            "kind": result.kind, "encoding": result.encoding, "uv_map": result.uv_map,
            "scale": result.scale, "padding": result.padding, "extrude": result.extrude,
            "objects": objects,
            "meta": {"app": "bakeview", "version": _core.version, "format": "bakeview-atlas",
                     "format_version": 1}}


def stage_files(staged, path, result, floats, scene, encoding, extra=None):
    """Writes the atlas PNG (the float RGBA `floats`, encoded as `encoding` says: a
    display.Encoding, or None for data) and its JSON under staged names; returns their final
    paths. extra: see json_data."""
    width, height = result.size
    arguments = {"encoding": "LINEAR"}
    if encoding is not None:
        arguments = display.png_arguments(encoding)
        if encoding.mode == "EXACT":
            floats = display.through_blender(scene, floats, width * height)
    png, json_file = output_files(path)
    _write_png(staged.path(png), floats, width, height, arguments)
    _write_json(staged.path(json_file), json_data(result, os.path.basename(png), extra))
    return [png, json_file]
