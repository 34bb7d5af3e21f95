"""Bakes taken from a bake cache (bakeview.bake_cache) and put into it, as the Images
bakeview.bake makes: the same names, float RGBA pixels, colour space, alpha marking (the
coverage property), packed into the .blend, recorded on the object per kind with the UV map
(records), and the same warnings. The command line's --bake-cache runs on this.

    memo = bake_keys.KeyMemo()
    found = lookup(cache, objects, "DIFFUSE", size=(1024, 1024), uv_map=None, memo=memo)
    restore(found.hits, overwrite=False)      # the hits become Images and records
    made = bakeview.bake(found.misses, ...)   # the misses are baked as usual
    store(cache, made, found.keys)            # and stored under their keys
"""
import array
import inspect
import warnings

import bpy

from . import bake_images, bake_keys, images, material_channels, records
from .bake_images import KINDS


class Found:
    """What lookup found: hits {object name: (object, {kind: Entry})}, misses (objects to bake,
    in their order) and keys {object name: {kind: key}} (objects without a key are baked and not
    stored: an object that needs a new UV map, or whose key could not be made)."""

    def __init__(self, kinds, asked):
        self.kinds, self.asked = kinds, asked
        self.hits, self.misses, self.keys = {}, [], {}


def bake_defaults():
    """(margin, samples) bakeview.bake uses when not given them."""
    from . import bake

    parameters = inspect.signature(bake).parameters
    return parameters["margin"].default, parameters["samples"].default


def lookup(cache, objects, kind, size, uv_map, auto_uv=False, margin=None, samples=None,
           memo=None):
    """Looks the bakes of `objects` up in `cache` as bakeview.bake(objects, kind, size, margin,
    samples, uv_map=uv_map, auto_uv=auto_uv) would make them. An object is a hit when every
    kind it bakes (several for MATERIAL) is in the cache. Arguments bake would refuse make every
    object a miss, so that bake gives its error."""
    default_margin, default_samples = bake_defaults()
    margin = default_margin if margin is None else margin
    samples = default_samples if samples is None else samples
    try:
        kinds, _ = bake_images._check_kinds(kind)
        width, height = bake_images._check_size(size)
        samples = bake_images._check_samples(samples, kinds)
        asked = bake_images._asked_order(kinds, kind)  # the order bake records them in
    except (TypeError, ValueError):
        found = Found((), ())
        found.misses = list(objects)
        return found
    found = Found(kinds, asked)
    memo = memo or bake_keys.KeyMemo()
    view_layer = bpy.context.view_layer
    for obj in objects:
        keys = None
        try:
            bake_images._resolve_objects([obj], view_layer)  # what bake refuses, it refuses
            uv_name = bake_images._check_uvs(obj, uv_map, auto_uv)
        except (TypeError, ValueError):
            uv_name = None
        if uv_name is not None:  # None: a new UV map, made by the bake (no key for it)
            try:
                keys = bake_keys.bake_keys(obj, kinds, (width, height), margin, samples,
                                           uv_name, memo)
            except Exception as error:  # a cache is an optimisation: the bake still runs
                warnings.warn(f"bake cache: no key for object '{obj.name}' ({error}); it is "
                              "baked without the cache")
        if keys is None:
            found.misses.append(obj)
            continue
        found.keys[obj.name] = keys
        entries = {}
        for one in kinds:
            entry = cache.get(keys[one])
            if entry is None or not _fits(entry, one, width, height):
                break
            entries[one] = entry
        if len(entries) == len(kinds):
            found.hits[obj.name] = (obj, uv_name, entries)
        else:
            found.misses.append(obj)
    return found


def _fits(entry, kind, width, height):
    meta = entry.meta
    return (meta.get("kind") == kind and meta.get("width") == width
            and meta.get("height") == height and len(entry.pixels) == width * height * 16)


def restore(found, overwrite=False, name="{object}_{kind}", pack=True):
    """Makes the Images of found's hits from their cached pixels and records them on their
    objects, as bakeview.bake would have (with its overwrite rule: an existing image of a bake's
    name is refused, before any is made, unless overwrite); returns {object name: {kind:
    Image}}. Warns as bake warns (materials the channels cannot hold, transparency a bake
    cannot hold, DIFFUSE bakes that come out black). pack: packed into the file, as bake's are,
    so that a saved file carries them; a caller that never saves the file (the command line's
    sheets) skips it: packing is most of a hit's time."""
    hits = list(found.hits.values())
    if not hits:
        return {}
    kinds = found.kinds
    objects = [obj for obj, _, _ in hits]
    names = {k: bake_images._image_names(name, objects, k) for k in kinds}
    for kind in kinds:
        for image_name in names[kind].values():
            if bpy.data.images.get(image_name) is not None and not overwrite:
                raise ValueError(f"an image named '{image_name}' already exists; pass "
                                 "overwrite=True to replace it")
    made = {}
    warned = set()
    with images.all_or_none():
        for obj, _, entries in hits:
            if any(k in material_channels.ROUTED for k in kinds):
                bake_images._warn_unexpressed(obj, warned)
            if any(KINDS[k][3] or k in material_channels.ROUTED for k in kinds):
                bake_images._has_holes(obj)  # for its warning
            surfaces = bake_images._surfaces(obj) if "DIFFUSE" in kinds else {}
            made[obj.name] = {}
            for kind in kinds:
                entry = entries[kind]
                image = bake_images._new_image(names[kind][obj.name], entry.meta["width"],
                                               entry.meta["height"], KINDS[kind][3])
                pixels = array.array("f")
                pixels.frombytes(entry.pixels)
                image.pixels.foreach_set(pixels)
                image.update()
                if entry.meta.get("coverage"):
                    image[images.COVERAGE] = entry.meta["coverage"]
                if pack:
                    image.pack()  # the pixels travel with the .blend, as bake's
                made[obj.name][kind] = image
                if kind == "DIFFUSE":
                    bake_images._warn_if_black(obj, image, surfaces)
    # as bake: recorded once all are made (the first kind asked last: the latest), then named
    for obj, uv_name, _ in hits:
        for kind in reversed(found.asked):
            records.remember(obj, kind, made[obj.name][kind], uv_name, names[kind][obj.name])
    for obj, _, _ in hits:
        for kind in kinds:
            images.take_name(made[obj.name][kind], names[kind][obj.name])
    return made


def store(cache, made, found):
    """Puts the bakes bakeview.bake made ({object name: Image}, or {object name: {kind: Image}})
    into `cache` under found's keys. Returns how many puts failed (the cache is an optimisation:
    a failed put loses nothing)."""
    failed = 0
    for object_name, result in made.items():
        keys = found.keys.get(object_name)
        if keys is None:
            continue
        by_kind = result if isinstance(result, dict) else {found.kinds[0]: result}
        for kind, image in by_kind.items():
            width, height = image.size[:]
            meta = {"kind": kind, "width": width, "height": height,
                    "coverage": image.get(images.COVERAGE),
                    "colorspace": image.colorspace_settings.name,
                    "object": object_name, "blend": bake_keys.blend_name(),
                    "blender": bpy.app.version_string}
            if not cache.put(keys[kind], meta, images.pixels(image)):
                failed += 1
    return failed
