"""The texture cache (bakeview.textures): a bake already seen is not made into a texture again,
and every kind of change to it is noticed: pixels edited by a script, a resize, a reload from
its file, a new alpha setting, an image deleted and another made in its place. Painting changes
pixels as a script does (the cache compares the pixels themselves); it needs a window, so it is
not tried here."""
import array

import bpy

import bakeview
from bakeview import records, textures


def _scene(make):
    plane = make.textured_plane("Plane", size=16)
    make.camera(location=(0.0, 0.0, 5.0), orthographic_scale=2.0, resolution=(16, 16))
    bake = bakeview.bake(plane, kind="BASE_COLOR", size=16)["Plane"]
    return plane, bake


def _centre(view):
    pixels = bakeview.pixels(view)
    i = 4 * (8 * 16 + 8)
    return tuple(round(pixels[i + k], 4) for k in range(3))


def _fill(image, rgba):
    width, height = image.size
    image.pixels.foreach_set(array.array("f", rgba * (width * height)))


def test_a_bake_seen_before_is_not_made_again(make):
    _, bake = _scene(make)
    first = bakeview.pixels(bakeview.render_view())
    made = textures.made
    second = bakeview.pixels(bakeview.render_view())  # replaces the first view's Image
    assert textures.made == made
    assert first == second
    bakeview.render_view(samples=4)  # a grid needs no mip chain: a texture of its own, once
    assert textures.made == made + 1
    bakeview.render_view(samples=4)
    assert textures.made == made + 1
    assert bake.name in bpy.data.images


def test_pixels_edited_by_a_script_are_noticed(make):
    _, bake = _scene(make)
    bakeview.render_view()
    made = textures.made
    _fill(bake, (1.0, 0.0, 0.0, 1.0))
    assert _centre(bakeview.render_view()) == (1.0, 0.0, 0.0)
    assert textures.made == made + 1
    bake.pixels[0] = 0.5  # one value of one texel
    bakeview.render_view()
    assert textures.made == made + 2


def test_a_resize_is_noticed(make):
    _, bake = _scene(make)
    bakeview.render_view()
    made = textures.made
    bake.scale(8, 8)
    bakeview.render_view()
    assert textures.made == made + 1


def test_a_reload_is_noticed(make):
    _, bake = _scene(make)  # bakes are packed: a reload reads the packed pixels back
    before = _centre(bakeview.render_view())
    _fill(bake, (0.0, 0.0, 1.0, 1.0))
    assert _centre(bakeview.render_view()) == (0.0, 0.0, 1.0)
    made = textures.made
    bake.reload()
    assert _centre(bakeview.render_view()) == before
    assert textures.made == made + 1


def test_a_new_alpha_setting_is_noticed(make):
    _, bake = _scene(make)
    bakeview.render_view()
    made = textures.made
    bake.alpha_mode = "CHANNEL_PACKED"
    bakeview.render_view()
    assert textures.made == made + 1


def test_an_image_made_where_a_deleted_one_was_is_not_mistaken_for_it(make):
    plane, _ = _scene(make)
    bakeview.render_view()
    bakeview.bake(plane, kind="BASE_COLOR", size=16, overwrite=True)  # the bake made again
    bake = records.baked_image(plane, "BASE_COLOR")
    _fill(bake, (0.0, 1.0, 0.0, 1.0))
    assert _centre(bakeview.render_view()) == (0.0, 1.0, 0.0)
