"""bakeview.lighting.scene_lighting: the scene's lights and world in the core's units
(core/include/bakeview/light.h), checked against Cycles of the running Blender.

Each render test lights a white Lambertian plane (a Diffuse BSDF, colour 1, roughness 0) by one
light alone under a black world, renders a small patch of it with Cycles, seen straight down by an
orthographic camera, and compares the patch's mean radiance with what the returned units predict:
L = 1 / pi x E, E = irradiance x cos (SUN), intensity x cos / d^2 (POINT), x the spot falloff
(SPOT), x cos to the area light's axis (AREA); the world: L = colour for an unoccluded upward
plane."""
import math

import bpy
import pytest

import bakeview
from bakeview.lighting import SceneLighting, scene_lighting
from conftest import BLENDER_4, BLENDER_5

PATCH = 0.1  # metres of the plane the camera sees
RESOLUTION = (8, 8)
TOLERANCE = 0.02  # relative; the measured noise is far below (see each test's printout)


def _lighting(objects_hidden=()):
    depsgraph = bpy.context.evaluated_depsgraph_get()
    return scene_lighting(bpy.context.scene, depsgraph, objects_hidden)


def _white_plane(make, target=(0.0, 0.0, 0.0), samples=16):
    """A 40 m white Lambertian plane at z=0, a black world, and an orthographic camera seeing a
    PATCH-wide square of the plane around `target`."""
    material = bpy.data.materials.new("White")
    if not BLENDER_5:
        material.use_nodes = True
    tree = material.node_tree
    tree.nodes.remove(next(n for n in tree.nodes if n.bl_idname == "ShaderNodeBsdfPrincipled"))
    diffuse = tree.nodes.new("ShaderNodeBsdfDiffuse")
    diffuse.inputs["Color"].default_value = (1.0, 1.0, 1.0, 1.0)
    diffuse.inputs["Roughness"].default_value = 0.0
    output = next(n for n in tree.nodes if n.bl_idname == "ShaderNodeOutputMaterial")
    tree.links.new(diffuse.outputs["BSDF"], output.inputs["Surface"])
    make.plane("Plane", size=40.0, materials=[material])
    make.world(color=(0.0, 0.0, 0.0), strength=1.0)
    make.camera(location=(target[0], target[1], 10.0), orthographic_scale=PATCH,
                resolution=RESOLUTION)
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.cycles.seed = 3
    scene.cycles.use_denoising = False
    if hasattr(scene.cycles, "use_adaptive_sampling"):
        scene.cycles.use_adaptive_sampling = False
    scene.render.film_transparent = False
    scene.view_settings.view_transform = "Standard"


def _render_mean():
    """The mean RGB and the relative spread (std / mean of the green channel) of the render."""
    result = bakeview.render_pixels(engine="CYCLES", images=False)
    values = result.pixels["COMBINED"]
    n = result.width * result.height
    mean = [sum(values[c::4]) / n for c in range(3)]
    green = values[1::4]
    spread = math.sqrt(sum((g - mean[1]) ** 2 for g in green) / n) / mean[1] if mean[1] else 0.0
    return mean, spread


def _add_light(kind, name="Lamp", location=(0.0, 0.0, 0.0), rotation=(0.0, 0.0, 0.0), **settings):
    data = bpy.data.lights.new(name, kind)
    for key, value in settings.items():
        setattr(data, key, value)
    obj = bpy.data.objects.new(name, data)
    obj.location = location
    obj.rotation_euler = rotation
    bpy.context.scene.collection.objects.link(obj)
    return obj


def _sub(a, b):
    return tuple(x - y for x, y in zip(a, b))


def _dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def _smoothstep(x):
    x = min(max(x, 0.0), 1.0)
    return x * x * (3.0 - 2.0 * x)


def _spot_falloff(light, to_point):
    """The core's spot falloff (light.h) for a unit vector from the light to the point."""
    cos_t = _dot(light["direction"], to_point)
    cos_half = math.cos(light["spot_size"] / 2.0)
    width = (1.0 - cos_half) * light["spot_blend"]
    if light["spot_falloff"] == "SMOOTHSTEP":
        return _smoothstep((cos_t - cos_half) / width)
    assert light["spot_falloff"] == "COSINE_SMOOTHSTEP"
    return cos_t * _smoothstep((cos_t - cos_half) / width) if cos_t > cos_half else 0.0


def _predicted_radiance(light, point=(0.0, 0.0, 0.0), normal=(0.0, 0.0, 1.0)):
    """Radiance of a white Lambertian surface at `point` lit by `light` (core units)."""
    if light["type"] == "SUN":
        cos_s = max(0.0, -_dot(light["direction"], normal))
        return [c * cos_s / math.pi for c in light["color"]]
    offset = _sub(point, light["position"])
    d = math.sqrt(_dot(offset, offset))
    to_point = tuple(x / d for x in offset)
    cos_s = max(0.0, -_dot(to_point, normal))
    factor = cos_s / (d * d)
    if light["type"] == "SPOT":
        factor *= _spot_falloff(light, to_point)
    elif light["type"] == "AREA":
        factor *= max(0.0, _dot(light["direction"], to_point))
    return [c * factor / math.pi for c in light["color"]]


def _check(measured, predicted, spread, label):
    print(f"\n{label} Blender {bpy.app.version_string}: measured {[round(v, 5) for v in measured]}"
          f" predicted {[round(v, 5) for v in predicted]} ratio "
          f"{[round(m / p, 4) for m, p in zip(measured, predicted)]} pixel spread {spread:.4f}")
    for m, p in zip(measured, predicted):
        assert m == pytest.approx(p, rel=TOLERANCE), (label, measured, predicted)


# -- each light type against Cycles --------------------------------------------------------------


def test_sun_color_is_irradiance_as_cycles_renders_it(make):
    _white_plane(make)
    _add_light("SUN", rotation=(math.radians(35.0), 0.0, 0.0), energy=3.0, angle=0.0,
               color=(1.0, 0.6, 0.3))
    lighting = _lighting()
    (sun,) = lighting.lights
    assert sun["type"] == "SUN" and sun["color"] == pytest.approx((3.0, 1.8, 0.9))
    measured, spread = _render_mean()
    _check(measured, _predicted_radiance(sun), spread, "SUN")


def test_point_color_is_intensity_as_cycles_renders_it(make):
    _white_plane(make)
    _add_light("POINT", location=(0.8, 0.5, 3.0), energy=1000.0, shadow_soft_size=0.0,
               color=(1.0, 0.6, 0.3))
    (point,) = _lighting().lights
    assert point["type"] == "POINT" and point["position"] == pytest.approx((0.8, 0.5, 3.0))
    measured, spread = _render_mean()
    _check(measured, _predicted_radiance(point), spread, "POINT")


def test_spot_color_and_falloff_in_the_blend_as_cycles_renders_them(make):
    # the patch is 25 deg off the axis of a 60 deg cone blended over half its edge: in the blend
    _white_plane(make, target=(3.0 * math.tan(math.radians(25.0)), 0.0, 0.0))
    _add_light("SPOT", location=(0.0, 0.0, 3.0), energy=1000.0, shadow_soft_size=0.0,
               spot_size=math.radians(60.0), spot_blend=0.5, color=(1.0, 0.6, 0.3))
    (spot,) = _lighting().lights
    assert spot["spot_falloff"] == ("SMOOTHSTEP" if BLENDER_4 else "COSINE_SMOOTHSTEP")
    assert spot["direction"] == pytest.approx((0.0, 0.0, -1.0), abs=1e-6)
    target = (3.0 * math.tan(math.radians(25.0)), 0.0, 0.0)
    measured, spread = _render_mean()
    _check(measured, _predicted_radiance(spot, target), spread, "SPOT")


def _area_scene(make, samples=32, **settings):
    _white_plane(make, samples=samples)
    # a small square 4 m away, tilted 20 deg about Y: the patch is off its axis
    return _add_light("AREA", location=(1.2, 0.0, 4.0), rotation=(0.0, math.radians(20.0), 0.0),
                      **{"energy": 500.0, "shape": "SQUARE", "size": 0.2,
                         "color": (1.0, 0.6, 0.3), **settings})


def test_area_color_is_intensity_along_its_axis_as_cycles_renders_it(make):
    _area_scene(make)
    (area,) = _lighting().lights
    assert area["shape"] == "RECTANGLE" and area["size"] == pytest.approx((0.2, 0.2))
    measured, spread = _render_mean()
    _check(measured, _predicted_radiance(area), spread, "AREA")


def test_scaled_disk_area_size_and_intensity_as_cycles_renders_them(make):
    obj = _area_scene(make, shape="DISK", size=0.1)
    obj.scale = (2.0, 1.0, 1.0)  # an ellipse 0.2 x 0.1
    (area,) = _lighting().lights
    assert area["shape"] == "ELLIPSE" and area["size"] == pytest.approx((0.2, 0.1))
    assert area["axis_x"] == pytest.approx((math.cos(math.radians(20.0)), 0.0,
                                            -math.sin(math.radians(20.0))), abs=1e-6)
    measured, spread = _render_mean()
    _check(measured, _predicted_radiance(area), spread, "AREA ellipse scaled")


@pytest.mark.skipif(not BLENDER_5, reason="exposure, normalize and temperature are 4.x/5.x")
def test_exposure_temperature_and_unnormalized_area_as_cycles_5_renders_them(make):
    _area_scene(make, exposure=1.0, normalize=False, use_temperature=True, temperature=3500.0,
                color=(1.0, 1.0, 1.0))
    (area,) = _lighting().lights
    warm = tuple(bpy.data.lights["Lamp"].temperature_color)
    assert warm[0] > warm[2]  # 3500 K is reddish: the temperature is taken
    measured, spread = _render_mean()
    _check(measured, _predicted_radiance(area), spread, "AREA exposure 1, 3500 K, normalize off")


@pytest.mark.skipif(not BLENDER_5, reason="exposure and normalize are 4.x/5.x")
def test_exposure_and_unnormalized_sphere_point_as_cycles_5_renders_them(make):
    _white_plane(make)
    _add_light("POINT", location=(0.8, 0.5, 3.0), energy=30.0, shadow_soft_size=0.1,
               exposure=-0.5, normalize=False)
    (point,) = _lighting().lights
    measured, spread = _render_mean()
    _check(measured, _predicted_radiance(point), spread, "POINT radius 0.1, normalize off")


def test_wide_sun_irradiance_as_cycles_renders_it(make):
    """5.x without normalize: radiance = strength over the cap, E = strength x pi sin^2 h, seen
    35 deg off the normal; 3.4 (no normalize): a 60 deg sun straight above,
    E = strength x 2 cos h / (1 + cos h)."""
    _white_plane(make, samples=32)
    if BLENDER_5:
        _add_light("SUN", rotation=(math.radians(35.0), 0.0, 0.0), energy=100.0,
                   angle=math.radians(20.0), normalize=False)
        expected = 100.0 * math.pi * math.sin(math.radians(10.0)) ** 2
    else:
        _add_light("SUN", energy=100.0, angle=math.radians(60.0))
        expected = 100.0 * 2.0 * math.cos(math.radians(30.0)) / (1.0 + math.cos(math.radians(30.0)))
    (sun,) = _lighting().lights
    assert sun["color"][0] == pytest.approx(expected, rel=1e-5)
    measured, spread = _render_mean()
    _check(measured, _predicted_radiance(sun), spread, "SUN wide")


def test_uniform_world_lights_an_open_plane_with_its_radiance(make):
    _white_plane(make, samples=64)
    world = bpy.context.scene.world
    background = world.node_tree.nodes["Background"]
    background.inputs["Color"].default_value = (0.3, 0.5, 0.8, 1.0)
    background.inputs["Strength"].default_value = 2.0
    lighting = _lighting()
    assert lighting.lights == [] and lighting.unsupported == []
    assert lighting.world["color"] == pytest.approx((0.6, 1.0, 1.6))
    assert lighting.world["environment"] is None
    measured, spread = _render_mean()
    _check(measured, list(lighting.world["color"]), spread, "WORLD uniform")


def test_environment_world_lights_an_open_plane_with_strength_times_the_image(make):
    _white_plane(make, samples=64)
    world = bpy.context.scene.world
    tree = world.node_tree
    tree.nodes["Background"].inputs["Strength"].default_value = 1.5
    environment = tree.nodes.new("ShaderNodeTexEnvironment")
    environment.image = make.texture("Sky", 8, 4, pixels=[0.2, 0.4, 0.6, 1.0] * 32)
    tree.links.new(environment.outputs["Color"], tree.nodes["Background"].inputs["Color"])
    lighting = _lighting()
    assert lighting.unsupported == [] and lighting.world["environment"] == environment.image
    texel = tuple(environment.image.pixels[:3])
    measured, spread = _render_mean()
    _check(measured, [c * t for c, t in zip(lighting.world["color"], texel)], spread,
           "WORLD environment")


# -- reading without rendering -------------------------------------------------------------------


def test_scene_without_lights_and_black_world_is_valid_and_empty(make):
    make.world(color=(0.0, 0.0, 0.0))
    lighting = _lighting()
    assert isinstance(lighting, SceneLighting)
    assert lighting.lights == [] and lighting.unsupported == []
    assert lighting.world == dict(color=(0.0, 0.0, 0.0), environment=None)
    assert lighting.bsdf == ("PRINCIPLED_V2" if BLENDER_4 else "PRINCIPLED_V1")


def test_scene_without_world_has_a_black_world():
    lighting = _lighting()
    assert lighting.lights == [] and lighting.world["color"] == (0.0, 0.0, 0.0)


def test_light_dicts_have_exactly_the_bv_light_fields(make):
    _add_light("POINT", energy=10.0)
    (light,) = _lighting().lights
    assert set(light) == {"type", "color", "position", "direction", "axis_x", "angle", "radius",
                          "spot_size", "spot_blend", "spot_falloff", "shape", "size", "shadow"}


def test_hidden_lights_are_skipped_not_reported(make):
    _add_light("POINT", name="Kept", energy=10.0)
    _add_light("POINT", name="Off", energy=10.0).hide_render = True
    _add_light("POINT", name="Asked", energy=10.0)
    excluded = _add_light("POINT", name="Excluded", energy=10.0)
    collection = bpy.data.collections.new("Excluded")
    bpy.context.scene.collection.children.link(collection)
    bpy.context.scene.collection.objects.unlink(excluded)
    collection.objects.link(excluded)
    bpy.context.view_layer.layer_collection.children["Excluded"].exclude = True
    lighting = _lighting(objects_hidden=["Asked"])
    assert [light["position"] for light in lighting.lights] == [(0.0, 0.0, 0.0)]
    assert len(lighting.lights) == 1 and lighting.unsupported == []
    assert len(_lighting(objects_hidden=[bpy.data.objects["Kept"]]).lights) == 1  # Asked back


def test_shadow_flag_follows_the_setting_cycles_reads(make):
    obj = _add_light("SUN", energy=1.0)
    assert _lighting().lights[0]["shadow"] is True
    if BLENDER_4:
        obj.data.use_shadow = False
    else:
        obj.data.cycles.cast_shadow = False
    obj.data.update_tag()  # as the UI does: Python properties alone do not tag the depsgraph
    assert _lighting().lights[0]["shadow"] is False


def test_animated_light_follows_the_frame(make):
    obj = _add_light("SUN", energy=1.0)
    obj.data.keyframe_insert("energy", frame=1)
    obj.data.energy = 5.0
    obj.data.keyframe_insert("energy", frame=10)
    bpy.context.scene.frame_set(10)
    assert _lighting().lights[0]["color"] == pytest.approx((5.0, 5.0, 5.0), rel=1e-4)
    bpy.context.scene.frame_set(1)
    assert _lighting().lights[0]["color"] == pytest.approx((1.0, 1.0, 1.0), rel=1e-4)


def test_unsupported_light_features_are_reported_by_light_and_feature(make):
    _add_light("AREA", name="Narrow", energy=10.0, spread=math.radians(90.0))
    _add_light("SPOT", name="Squashed", energy=10.0).scale = (1.0, 2.0, 1.0)
    _add_light("POINT", name="Negative", energy=-10.0)
    unseen = _add_light("POINT", name="Unseen", energy=10.0)
    unseen.visible_diffuse = False
    unseen.visible_glossy = False
    noded = _add_light("POINT", name="Noded", energy=10.0)
    noded.data.use_nodes = True
    emission = next(n for n in noded.data.node_tree.nodes if n.bl_idname == "ShaderNodeEmission")
    emission.inputs["Strength"].default_value = 3.0
    plain = _add_light("POINT", name="Plain", energy=10.0)
    plain.data.use_nodes = True  # the default tree: nothing to report
    lighting = _lighting()
    report = "\n".join(lighting.unsupported)
    print("\n" + report)
    assert len(lighting.lights) == 6
    assert "light 'Narrow': spread 90.0 deg" in report
    assert "light 'Squashed': non-uniform scale" in report
    assert "light 'Negative': negative strength" in report
    assert "light 'Unseen': visible_diffuse is off" in report
    assert "light 'Unseen': visible_glossy is off" in report
    assert "light 'Noded': light nodes" in report
    assert "'Plain'" not in report
    assert len(lighting.unsupported) == 6


@pytest.mark.skipif(not BLENDER_5, reason="light linking is Blender 4.0+")
def test_light_linking_is_reported(make):
    obj = _add_light("POINT", name="Linked", energy=10.0)
    obj.light_linking.receiver_collection = bpy.data.collections.new("Receivers")
    assert "light 'Linked': light linking" in "\n".join(_lighting().unsupported)


def test_sky_world_is_reported_and_the_background_default_used(make):
    world = make.world(color=(0.2, 0.4, 0.6), strength=0.5)
    sky = world.node_tree.nodes.new("ShaderNodeTexSky")
    world.node_tree.links.new(sky.outputs["Color"], world.node_tree.nodes["Background"].inputs["Color"])
    lighting = _lighting()
    assert lighting.world == dict(color=pytest.approx((0.1, 0.2, 0.3)), environment=None)
    (reason,) = lighting.unsupported
    assert reason.startswith("world 'World': ShaderNodeTexSky") and "default colour" in reason


def test_environment_texture_world_and_a_rotated_one(make):
    world = make.world(strength=1.5)
    image = make.texture("Sky", 8, 4)
    tree = world.node_tree
    environment = tree.nodes.new("ShaderNodeTexEnvironment")
    environment.image = image
    tree.links.new(environment.outputs["Color"], tree.nodes["Background"].inputs["Color"])
    lighting = _lighting()
    assert lighting.unsupported == []
    assert lighting.world["color"] == (1.5, 1.5, 1.5) and lighting.world["environment"] == image
    mapping = tree.nodes.new("ShaderNodeMapping")
    tree.links.new(mapping.outputs["Vector"], environment.inputs["Vector"])
    lighting = _lighting()
    assert lighting.world["environment"] is None
    assert "has its Vector linked (mapping/rotation)" in lighting.unsupported[0]


def test_world_of_a_mix_shader_is_reported_and_black(make):
    world = make.world()
    tree = world.node_tree
    mix = tree.nodes.new("ShaderNodeMixShader")
    output = next(n for n in tree.nodes if n.bl_idname == "ShaderNodeOutputWorld")
    tree.links.new(mix.outputs["Shader"], output.inputs["Surface"])
    lighting = _lighting()
    assert lighting.world["color"] == (0.0, 0.0, 0.0)
    assert "ShaderNodeMixShader" in lighting.unsupported[0]


@pytest.mark.skipif(BLENDER_5, reason="Blender 5 worlds always use nodes")
def test_world_without_nodes_is_reported_and_its_colour_used(make):
    world = make.world()
    world.use_nodes = False
    world.color = (0.1, 0.2, 0.3)
    lighting = _lighting()
    assert lighting.world["color"] == pytest.approx((0.1, 0.2, 0.3))
    assert "use_nodes is off" in lighting.unsupported[0]


def test_bad_arguments_are_refused_by_name(make):
    depsgraph = bpy.context.evaluated_depsgraph_get()
    with pytest.raises(TypeError, match="scene must be a bpy Scene"):
        scene_lighting("Scene", depsgraph)
    with pytest.raises(TypeError, match="depsgraph must be a bpy Depsgraph"):
        scene_lighting(bpy.context.scene, None)
    other = bpy.data.scenes.new("Other")
    with pytest.raises(ValueError, match="not of scene 'Other'"):
        scene_lighting(other, depsgraph)
    with pytest.raises(TypeError, match="objects_hidden must hold objects or names"):
        scene_lighting(bpy.context.scene, depsgraph, objects_hidden=[3])
