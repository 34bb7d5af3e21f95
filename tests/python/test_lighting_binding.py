"""bakeview._core's lit views outside Blender: Material, render's lighting argument, shadow_bytes,
and the errors of each, as a pipeline script meets them."""
import array
import math
import os
import sys

import pytest

BUILD = os.environ.get("BAKEVIEW_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
sys.path.insert(0, os.path.join(os.path.abspath(BUILD), "python"))

from bakeview import _core  # noqa: E402

VIEW = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, -5], [0, 0, 0, 1]]  # camera at z = 5 looking down -z
ORTHO = [[0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, -2 / 99.9, -100.1 / 99.9], [0, 0, 0, 1]]


def solid(rgba):
    return _core.Texture(array.array("f", list(rgba)), 1, 1)


def plane(material=None, base=(0.5, 0.5, 0.5, 1.0)):
    positions = array.array("f", [-2, -2, 0, 2, -2, 0, 2, 2, 0, -2, 2, 0])
    triangles = array.array("I", [0, 1, 2, 0, 2, 3])
    uvs = array.array("f", [0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1])
    return _core.Mesh(positions, triangles, uvs, texture=solid(base), material=material)


def centre(color, width=8):
    i = 4 * (width * (width // 2) + width // 2)
    return tuple(color[i:i + 4])


def channels(metallic, roughness, specular, occlusion=1.0):
    return _core.Texture(array.array("f", [metallic, roughness, specular, occlusion]), 1, 1,
                         alpha="CHANNEL_PACKED")


def matte():
    return _core.Material(channels=channels(0.0, 1.0, 0.0))


def render(lighting, mesh=None, **options):
    return _core.render([mesh or plane(matte())], VIEW, ORTHO, 8, 8, lighting=lighting,
                        samples=1, filter="BOX", filter_width=1.0, **options)["COLOR"]


def test_sun_straight_down_lights_a_matte_plane_as_lambert():
    sun = {"type": "SUN", "color": (3.0, 3.0, 3.0), "direction": (0, 0, -1)}
    r, g, b, a = centre(render({"lights": [sun]}))
    assert r == pytest.approx(0.5 * 3.0 / math.pi, rel=1e-5)
    assert a == 1.0


def test_world_colour_and_an_environment_texture_light_the_plane():
    lit = centre(render({"world": {"color": (0.2, 0.4, 0.6)}}))
    assert lit[:3] == pytest.approx((0.1, 0.2, 0.3), rel=1e-3)
    env = _core.Texture(array.array("f", [1.0, 1.0, 1.0, 1.0] * 8), 4, 2)
    lit = centre(render({"world": {"color": (0.5, 0.5, 0.5), "environment": env}}))
    assert lit[:3] == pytest.approx((0.25, 0.25, 0.25), rel=1e-2)


def test_without_lighting_the_texture_is_drawn_unlit_as_before():
    unlit = _core.render([plane(matte())], VIEW, ORTHO, 8, 8, samples=1)["COLOR"]
    assert centre(unlit) == pytest.approx((0.5, 0.5, 0.5, 1.0))
    dark = centre(render({"lights": []}))
    assert dark == (0.0, 0.0, 0.0, 1.0)  # lit by nothing


def test_material_holds_its_textures_after_the_callers_references_go():
    mesh = plane(_core.Material(channels=channels(0.0, 1.0, 0.0),
                                emission=solid((0.25, 0.5, 1.0, 1.0))))
    import gc
    gc.collect()
    assert centre(render({"lights": []}, mesh))[:3] == pytest.approx((0.25, 0.5, 1.0))


def test_shadow_bytes_is_zero_without_shadowing_lights():
    assert _core.shadow_bytes({"lights": []}, 512, 512) == 0
    sun = {"type": "SUN", "color": (1, 1, 1), "direction": (0, 0, -1), "shadow": False}
    assert _core.shadow_bytes({"lights": [sun]}, 512, 512) == 0


def test_shadow_maps_follow_the_view_unless_sized():
    sun = {"type": "SUN", "color": (1, 1, 1), "direction": (0, 0, -1), "shadow": True}
    lamp = {"type": "POINT", "color": (1, 1, 1), "position": (0, 0, 3), "shadow": True}
    # automatic: the larger side as a power of two for suns alone (at least 512 texels), twice
    # that beside a point, spot or area light (six cube faces; at least 1024), up to 2048; 4
    # bytes a texel
    for (width, height), side in [((96, 96), 512), ((256, 200), 512), ((512, 300), 512),
                                  ((513, 64), 1024), ((1025, 8), 2048), ((4000, 4000), 2048)]:
        assert _core.shadow_bytes({"lights": [sun]}, width, height) == side * side * 4
    for (width, height), side in [((96, 96), 1024), ((512, 300), 1024), ((1024, 8), 2048)]:
        assert _core.shadow_bytes({"lights": [sun, lamp]}, width, height) == 7 * side * side * 4
    assert _core.shadow_bytes({"lights": [sun], "shadow_map_size": 300}, 96, 96) == 300 * 300 * 4


@pytest.mark.parametrize("lighting, error, words", [
    ("SCENE", TypeError, "lighting must be a dict"),
    ({"lights": [{"type": "MOON"}]}, ValueError, "lights[0]['type'] must be one of 'SUN', 'POINT'"),
    ({"lights": [{"color": (1, 1, 1)}]}, ValueError, "lights[0] has no 'type'"),
    ({"lights": [{"type": "SUN", "colour": (1, 1, 1)}]}, ValueError, "unknown key 'colour'"),
    ({"lights": [{"type": "SUN", "color": (1, 1)}]}, ValueError, "lights[0]['color'] must be 3"),
    ({"lights": [{"type": "SUN", "color": (1, math.nan, 1)}]}, ValueError,
     "lighting: light 0: color"),
    ({"lights": [3]}, TypeError, "lights[0] must be a dict"),
    ({"lights": [{"type": "SUN"}] * 65}, ValueError, "at most 64"),
    ({"world": {"color": (-1, 0, 0)}}, ValueError, "lighting: world.color"),
    ({"world": {"environment": "sky.hdr"}}, TypeError, "environment"),
    ({"shading_rate": "VERTEX"}, ValueError, "shading_rate"),
    ({"shadow_map_size": -2}, ValueError, "shadow_map_size"),
    ({"shadow_memory_limit": "lots"}, ValueError, "shadow_memory_limit"),
    ({"sun": 1}, ValueError, "unknown key 'sun'"),
])
def test_bad_lighting_names_what_is_wrong(lighting, error, words):
    with pytest.raises(error, match=None) as caught:
        render(lighting)
    assert words in str(caught.value)


def test_bad_material_arguments_name_what_is_wrong():
    with pytest.raises(TypeError, match="channels must be a bakeview._core.Texture or None"):
        _core.Material(channels=0.5)
    with pytest.raises(ValueError, match="bsdf must be one of 'PRINCIPLED_V2', 'PRINCIPLED_V1'"):
        _core.Material(bsdf="DISNEY")
    with pytest.raises(TypeError, match="material must be a bakeview._core.Material or None"):
        plane(material="rubber")
    with pytest.raises(ValueError, match="normal map, which needs tangents"):
        render({"lights": []}, plane(_core.Material(normal=solid((0.5, 0.5, 1, 1)))))
    with pytest.raises(ValueError, match="ior -2 is not a finite value"):
        render({"lights": []}, plane(_core.Material(ior=-2.0)))


def test_tangents_must_match_the_loops():
    positions = array.array("f", [-2, -2, 0, 2, -2, 0, 2, 2, 0])
    triangles = array.array("I", [0, 1, 2])
    uvs = array.array("f", [0, 0, 1, 0, 1, 1])
    normal_map = _core.Material(normal=solid((0.5, 0.5, 1, 1)))
    mesh = _core.Mesh(positions, triangles, uvs, texture=solid((1, 1, 1, 1)), material=normal_map,
                      tangents=array.array("f", [1, 0, 0] * 3),
                      bitangent_signs=array.array("f", [1, 1]))
    with pytest.raises(ValueError, match="2 bitangent_signs for 3 tangents"):
        render({"lights": []}, mesh)


def test_occlusion_in_the_channels_darkens_the_world_light_only():
    sun = {"type": "SUN", "color": (3.0, 3.0, 3.0), "direction": (0, 0, -1)}
    world = {"color": (0.2, 0.2, 0.2)}
    for occlusion, expected in ((1.0, 0.5 * 0.2), (0.25, 0.5 * 0.2 * 0.25)):
        mesh = plane(_core.Material(channels=channels(0.0, 1.0, 0.0, occlusion)))
        assert centre(render({"world": world}, mesh))[0] == pytest.approx(expected, rel=1e-3)
        lit = centre(render({"lights": [sun], "world": world}, mesh))[0]
        assert lit == pytest.approx(expected + 0.5 * 3.0 / math.pi, rel=1e-3)


def test_pack_channels_interleaves_the_red_of_each_source_or_a_constant():
    a = array.array("f", [0.1, 9, 9, 9, 0.2, 9, 9, 9])
    b = array.array("f", [0.3, 9, 9, 9, 0.4, 9, 9, 9])
    packed = _core.pack_channels((a, b, 0.5, 1), 2)
    assert list(packed) == pytest.approx([0.1, 0.3, 0.5, 1.0, 0.2, 0.4, 0.5, 1.0])
    with pytest.raises(ValueError, match=r"sources\[1\] holds 4 floats, 2 RGBA pixels need 8"):
        _core.pack_channels((a, array.array("f", [0] * 4), 0, 1), 2)
    with pytest.raises(ValueError, match="sources must be 4 buffers or numbers"):
        _core.pack_channels((a, b), 2)


def test_add_rgb_adds_weighted_colour_and_keeps_the_first_alpha():
    a = array.array("f", [0.1, 0.2, 0.3, 0.5, 1.0, 1.0, 1.0, 1.0])
    b = array.array("f", [0.4, 0.4, 0.4, 0.0, 0.25, 0.5, 2.0, 0.0])
    assert list(_core.add_rgb(a, b, 2)) == pytest.approx([0.5, 0.6, 0.7, 0.5, 1.25, 1.5, 3.0, 1.0])
    assert list(_core.add_rgb(a, b, 2, -1.0)) == pytest.approx(
        [-0.3, -0.2, -0.1, 0.5, 0.75, 0.5, -1.0, 1.0])
    with pytest.raises(ValueError, match="b holds 4 floats, 2 RGBA pixels need 8"):
        _core.add_rgb(a, array.array("f", [0] * 4), 2)
    with pytest.raises(ValueError, match="count must be a number of pixels >= 0"):
        _core.add_rgb(a, b, -1)
