"""Which baked image belongs to which object, kept in the .blend as custom properties on the
object (an ID property pointing at the Image keeps it alive and saved)."""

BAKES = "bakeview_bakes"  # {kind: Image}
UV_MAP = "bakeview_uv_map"  # the UV map the bakes were made with
LAST = "bakeview_last_kind"  # the most recent kind baked


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


def remember(obj, kind, image, uv_name):
    bakes = obj.get(BAKES)
    if bakes is None:
        obj[BAKES] = {}
        bakes = obj[BAKES]
    bakes[kind] = image
    obj[UV_MAP] = uv_name
    obj[LAST] = kind
