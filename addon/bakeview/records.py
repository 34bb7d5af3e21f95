"""Which baked image belongs to which object, kept in the .blend as custom properties on the
object (an ID property pointing at the Image keeps it alive and saved)."""
import bpy

BAKES = "bakeview_bakes"  # {kind: Image}
UV_MAP = "bakeview_uv_map"  # the UV map the bakes were made with
LAST = "bakeview_last_kind"  # the most recent kind baked
NAMES = "bakeview_bake_names"  # {kind: the image's name}, to say which image went if deleted
_KEYS = (BAKES, UV_MAP, LAST, NAMES)


def baked_image(obj, kind=None):
    """The object's baked image for `kind` (default: the latest bake), or None."""
    bakes = obj.get(BAKES)
    if not bakes:
        return None
    kind = kind or obj.get(LAST)
    image = bakes.get(kind) if kind else None
    return image


def baked_kinds(obj):
    bakes = obj.get(BAKES)
    return sorted(k for k, v in bakes.items() if v is not None) if bakes else []


def uv_map(obj):
    return obj.get(UV_MAP)


def deleted_bake(obj, kind=None):
    """The name of the object's bake image of `kind` (default: the latest) if that image has been
    deleted since it was baked, else None."""
    bakes = obj.get(BAKES)
    kind = kind or obj.get(LAST)
    if not bakes or not kind or kind not in bakes or bakes[kind] is not None:
        return None
    names = obj.get(NAMES)
    return names.get(kind, f"{kind} bake") if names else f"{kind} bake"


def remember(obj, kind, image, uv_name, name=None):
    """Records `image` as the object's bake of `kind`; `name`: the name it will have (default
    its name now)."""
    for key in (BAKES, NAMES):
        if obj.get(key) is None:
            obj[key] = {}
    obj[BAKES][kind] = image
    obj[NAMES][kind] = name or image.name
    obj[UV_MAP] = uv_name
    obj[LAST] = kind


def saved(obj):
    """The object's records as plain values (images by name), for restore()."""
    out = {}
    for key in _KEYS:
        value = obj.get(key)
        if key == BAKES and value is not None:
            value = {kind: image.name if image else None for kind, image in value.items()}
        elif hasattr(value, "to_dict"):
            value = value.to_dict()
        if value is not None:
            out[key] = value
    return out


def restore(obj, values):
    """Puts back records saved with saved(); an image deleted since then is recorded as None."""
    for key in _KEYS:
        value = values.get(key)
        if key == BAKES and value is not None:
            value = {kind: bpy.data.images.get(name) if name else None
                     for kind, name in value.items()}
        if value is not None:
            obj[key] = value
        elif key in obj:
            del obj[key]
