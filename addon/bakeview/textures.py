"""Core textures of images, kept between calls while an image is exactly as it was.

Making a core texture costs a pass over the pixels (they must be finite) and, for AUTO sampling,
a mip chain: 13 ms for a 1024 x 1024 bake in Blender 3.4, on every render_view call before this
cache. The rule for noticing a change: every use reads the image's pixels again (about a
millisecond a megapixel) and compares them, byte for byte, with the copy the texture was made
from, along with the size, the channels and the settings that decide how Cycles reads alpha
(alpha mode, Non-Color). Pixels edited by a script or by painting, a reload from the file, a
resize or a changed setting: any of them makes a new texture, and nothing else does. The key
(the image's ID pointer, the extension, the mip chain) only chooses what to compare with, so
an image deleted and another made at the same address cannot be mistaken for it.

The least recently used textures go first once their pixels pass CACHE_TEXELS texels (each
kept twice, 512 MiB of float RGBA at most, plus the mip chains); `clear()` drops them all."""
import collections

from . import _core, compat, images

CACHE_TEXELS = 16 * 1024 * 1024

_cache = collections.OrderedDict()  # key -> _Kept
made = 0  # textures made since the module was loaded (tests read it)


class _Kept:
    """A texture, the pixels it was made from (it borrows them), and a buffer of the same size
    that the next use reads the image into: no allocation while nothing changes."""
    __slots__ = ("pixels", "scratch", "settings", "texture")

    def __init__(self, pixels, settings, texture):
        self.pixels, self.settings, self.texture = pixels, settings, texture
        self.scratch = None


def _read(image, into):
    """The image's pixels as float32 RGBA: into `into` when it is a 4-channel image's buffer of
    the right size, else a new one."""
    width, height = image.size
    if into is not None and image.channels == 4 and len(into) == 4 * width * height:
        image.pixels.foreach_get(into)
        return into
    return images.rgba(image)


def texture(image, extension="REPEAT", mipmaps=False):
    """A core texture over the image's pixels (float images only: bakes are float), its alpha
    read as Cycles reads it: the one made before if the image is exactly as it was then."""
    global made
    if not image.is_float:
        raise ValueError(
            f"image '{image.name}' is 8-bit; bakeview renders from float images (its bakes are)"
        )
    width, height = image.size
    settings = (width, height, image.channels, images.texture_alpha(image))
    key = (image.as_pointer(), extension, bool(mipmaps))
    kept = _cache.get(key)
    if kept is not None and kept.settings == settings:
        if kept.scratch is None:
            kept.scratch = compat.float_array(len(kept.pixels))
        pixels = _read(image, kept.scratch)
        if _core.same_bytes(kept.pixels, pixels):
            _cache.move_to_end(key)
            return kept.texture
    else:
        pixels = images.rgba(image)
    # the texture borrows `pixels` for good: a later read goes to a buffer of its own
    made_texture = _core.Texture(pixels, width, height, extension=extension, mipmaps=mipmaps,
                                 alpha=settings[3])
    made += 1
    _cache[key] = _Kept(pixels, settings, made_texture)
    _cache.move_to_end(key)
    total = sum(k.settings[0] * k.settings[1] for k in _cache.values())
    while total > CACHE_TEXELS and len(_cache) > 1:
        _, dropped = _cache.popitem(last=False)
        total -= dropped.settings[0] * dropped.settings[1]
    return made_texture


def clear():
    """Drops every kept texture (their memory goes with the last renders holding them)."""
    _cache.clear()
