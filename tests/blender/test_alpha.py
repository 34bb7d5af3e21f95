"""Alpha as Cycles renders it: bake images with alpha drawn by render_view, and materials with
holes baked and drawn with their holes, each compared with a Cycles render of the same scene
(test_fidelity's reference: Standard view, no dither, film transparent, EXR, premultiplied)."""
import array
import math

import bpy
import pytest

import bakeview
from bakeview import records
from conftest import BLENDER_4, BLENDER_5, forget, snapshot
from test_fidelity import cycles_reference, psnr

TEXEL = (0.6, 0.4, 0.2, 0.5)
ALPHA_MODES = ("STRAIGHT", "PREMUL", "CHANNEL_PACKED", "NONE")
COVERAGE_PROPERTY = "bakeview_alpha"  # what bakeview.bake marks a bake whose alpha is coverage


def new_material(name):
    material = bpy.data.materials.new(name)
    if not BLENDER_5:
        material.use_nodes = True
    tree = material.node_tree
    tree.nodes.clear()
    return material, tree, tree.nodes.new("ShaderNodeOutputMaterial")


def image_material(image, setup):
    """An Image Texture of `image` through an Emission shader: its Alpha output unlinked, or
    mixing a Transparent BSDF in by it."""
    material, tree, output = new_material(f"{image.name} {setup}")
    node = tree.nodes.new("ShaderNodeTexImage")
    node.image = image
    node.interpolation = "Closest"
    emission = tree.nodes.new("ShaderNodeEmission")
    tree.links.new(node.outputs["Color"], emission.inputs["Color"])
    if setup == "unlinked":
        tree.links.new(emission.outputs[0], output.inputs["Surface"])
    else:
        mix = tree.nodes.new("ShaderNodeMixShader")
        transparent = tree.nodes.new("ShaderNodeBsdfTransparent")
        tree.links.new(node.outputs["Alpha"], mix.inputs["Fac"])
        tree.links.new(transparent.outputs[0], mix.inputs[1])
        tree.links.new(emission.outputs[0], mix.inputs[2])
        tree.links.new(mix.outputs[0], output.inputs["Surface"])
    return material


def film_scene(make, material, size=4.0, resolution=(8, 8)):
    """A plane with `material` filling an orthographic view looking down."""
    plane = make.plane("Plane", size=size, materials=[material])
    make.camera(location=(0.0, 0.0, 5.0), orthographic_scale=2.0, resolution=resolution)
    return plane


@pytest.mark.parametrize("setup", ["unlinked", "mix_transparent"])
@pytest.mark.parametrize("alpha_mode", ALPHA_MODES)
def test_bake_image_with_alpha_renders_as_cycles_shows_it(make, tmp_path, alpha_mode, setup):
    """A float bake image holding (0.6, 0.4, 0.2, 0.5): Cycles shows it through an Emission
    shader as (0.6, 0.4, 0.2) opaque with its Alpha output unlinked, whatever alpha_mode; mixed
    with a Transparent BSDF by Alpha it is (0.6, 0.4, 0.2) premultiplied over alpha 0.5, or
    (0.3, 0.2, 0.1) for CHANNEL_PACKED, or opaque for NONE. render_view draws the image as its
    bake: alpha ignored, or as coverage when the bake is marked so."""
    image = bpy.data.images.new("bake", 2, 2, alpha=True, float_buffer=True)
    image.alpha_mode = alpha_mode
    image.pixels.foreach_set(array.array("f", TEXEL * 4))
    image.update()
    plane = film_scene(make, image_material(image, setup))
    scene = bpy.context.scene
    reference, size = cycles_reference(scene, 1, tmp_path / "cycles.exr", samples=4)

    records.remember(plane, "EMIT", image, "UVMap")
    if setup == "mix_transparent":
        image[COVERAGE_PROPERTY] = "COVERAGE"
    view = bakeview.render_view(premultiplied=True)
    ours = bakeview.pixels(view)
    centre = 4 * (size[0] * (size[1] // 2) + size[0] // 2)
    cycles_rgba = tuple(reference[centre:centre + 4])
    print(f"{alpha_mode} {setup}: Cycles {tuple(round(c, 4) for c in cycles_rgba)}, "
          f"render_view {tuple(round(c, 4) for c in ours[centre:centre + 4])}")
    assert tuple(ours[centre:centre + 4]) == pytest.approx(cycles_rgba, abs=2e-3)


def wire_material(style):
    """Emission in a colour pattern with holes: a Brick texture's mortar (Fac 1) kept, the
    bricks (two thirds of the surface) cut out, through a Mix Shader with a Transparent BSDF or
    a Principled BSDF's Alpha."""
    material, tree, output = new_material(f"wire {style}")
    coordinates = tree.nodes.new("ShaderNodeTexCoord")
    bricks = tree.nodes.new("ShaderNodeTexBrick")
    bricks.inputs["Scale"].default_value = 1.0
    bricks.inputs["Mortar Size"].default_value = 0.06
    tree.links.new(coordinates.outputs["UV"], bricks.inputs["Vector"])
    wave = tree.nodes.new("ShaderNodeTexWave")
    wave.inputs["Scale"].default_value = 1.5
    tree.links.new(coordinates.outputs["UV"], wave.inputs["Vector"])
    if style == "mix":
        emission = tree.nodes.new("ShaderNodeEmission")
        tree.links.new(wave.outputs["Color"], emission.inputs["Color"])
        mix = tree.nodes.new("ShaderNodeMixShader")
        transparent = tree.nodes.new("ShaderNodeBsdfTransparent")
        tree.links.new(bricks.outputs["Fac"], mix.inputs["Fac"])
        tree.links.new(transparent.outputs[0], mix.inputs[1])
        tree.links.new(emission.outputs[0], mix.inputs[2])
        tree.links.new(mix.outputs[0], output.inputs["Surface"])
    else:
        principled = tree.nodes.new("ShaderNodeBsdfPrincipled")
        principled.inputs["Base Color"].default_value = (0.0, 0.0, 0.0, 1.0)
        (principled.inputs["Specular IOR Level"] if BLENDER_4 else principled.inputs["Specular"]).default_value = 0.0
        emission_input = principled.inputs["Emission Color"] if BLENDER_4 else principled.inputs["Emission"]
        tree.links.new(wave.outputs["Color"], emission_input)
        principled.inputs["Emission Strength"].default_value = 1.0
        tree.links.new(bricks.outputs["Fac"], principled.inputs["Alpha"])
        tree.links.new(principled.outputs[0], output.inputs["Surface"])
    return material


def iou(a, b, threshold=0.5):
    """Intersection over union of the pixels whose alpha is >= threshold."""
    inside_a = [x >= threshold for x in a]
    inside_b = [x >= threshold for x in b]
    union = sum(p or q for p, q in zip(inside_a, inside_b))
    return sum(p and q for p, q in zip(inside_a, inside_b)) / union if union else 1.0


@pytest.mark.parametrize("shape", ["plane", "cube"])
@pytest.mark.parametrize("style", ["mix", "principled"])
def test_material_with_holes_bakes_and_draws_its_holes_as_cycles_renders_them(make, tmp_path, style,
                                                                              shape):
    """A wire material baked (EMIT) and drawn by render_view: the same silhouettes as Cycles,
    and through a cube's holes its far side."""
    if shape == "plane":
        plane = make.plane("Wire", size=2.0, materials=[wire_material(style)])
        plane.rotation_euler = (math.radians(35.0), 0.0, math.radians(20.0))
    else:
        plane = make.cube("Wire", size=1.4, materials=[wire_material(style)])
        plane.rotation_euler = (0.3, 0.2, 0.4)
    make.camera(location=(0.0, -2.4, 1.9), rotation=(math.radians(50.0), 0.0, 0.0),
                resolution=(64, 64))
    scene = bpy.context.scene
    before = snapshot()
    bakeview.bake(plane, kind="EMIT", size=256, margin=4)
    image = records.baked_image(plane, "EMIT")
    after = snapshot()
    assert forget(after, images=[image.name], props=True) == forget(before), \
        "the bake changed something besides its image and records"
    alphas = bakeview.pixels(image)[3::4]
    assert 0.4 < 1.0 - sum(alphas) / len(alphas) < 0.8, "the bricks should be holes"

    reference, size = cycles_reference(scene, 1, tmp_path / "cycles.exr", samples=32)
    view = bakeview.render_view(premultiplied=True)
    ours = bakeview.pixels(view)
    overlap = iou(ours[3::4], reference[3::4])
    opaque = [i for i in range(size[0] * size[1]) if ours[4 * i + 3] >= 0.99 and reference[4 * i + 3] >= 0.99]
    colour_db = psnr([ours[4 * i + k] for i in opaque for k in range(3)],
                     [reference[4 * i + k] for i in opaque for k in range(3)])
    print(f"{shape} {style}: IoU {overlap:.4f} over alpha >= 0.5, colour {colour_db:.1f} dB on "
          f"{len(opaque)} opaque pixels")
    assert overlap >= 0.98
    assert colour_db >= 35.0


def test_opaque_materials_bake_once_and_draw_opaque(make, bake_spy):
    plane = make.textured_plane("Plane", size=8)
    image = bakeview.bake(plane, kind="EMIT", size=16, margin=2)[plane.name]
    assert [call["type"] for call in bake_spy.calls] == ["EMIT"]
    assert COVERAGE_PROPERTY not in image.keys()


def test_emit_bake_of_a_material_with_holes_adds_one_alpha_bake(make, bake_spy):
    plane = make.plane("Wire", materials=[wire_material("mix")])
    image = bakeview.bake(plane, kind="EMIT", size=32, margin=2)[plane.name]
    assert [call["type"] for call in bake_spy.calls] == ["EMIT", "DIFFUSE"]
    assert bake_spy.calls[1]["samples"] == 1
    assert bpy.context.scene.cycles.samples != 1 or bake_spy.calls[0]["samples"] == 1
    assert image[COVERAGE_PROPERTY] == "COVERAGE"
    alphas = bakeview.pixels(image)[3::4]
    assert min(alphas) == 0.0 and max(alphas) == 1.0, "holes and wire both in the bake's alpha"
    assert [i.name for i in bpy.data.images] == [image.name], "no temporary image left"


def test_diffuse_bake_of_a_material_with_holes_needs_no_second_bake(make, bake_spy):
    plane = make.plane("Wire", materials=[wire_material("principled")])
    # the wire material emits over a black base: its DIFFUSE bake is black and says so
    with pytest.warns(UserWarning, match="bakes black in the DIFFUSE bake of 'Wire'"):
        image = bakeview.bake(plane, kind="DIFFUSE", size=32, margin=2)[plane.name]
    assert [call["type"] for call in bake_spy.calls] == ["DIFFUSE"]
    assert image[COVERAGE_PROPERTY] == "COVERAGE"
    assert min(bakeview.pixels(image)[3::4]) == 0.0


def test_a_failing_alpha_bake_leaves_everything_as_it_was(make, bake_spy):
    plane = make.plane("Wire", materials=[wire_material("mix")])
    before = snapshot()
    bake_spy.fail_on = 2
    with pytest.raises(RuntimeError, match="forced failure"):
        bakeview.bake(plane, kind="EMIT", size=16, margin=2)
    assert snapshot() == before


def test_view_dependent_transparency_is_named_in_a_warning(make):
    material, tree, output = new_material("fresnel glass")
    weight = tree.nodes.new("ShaderNodeLayerWeight")
    weight.name = "Facing"
    mix = tree.nodes.new("ShaderNodeMixShader")
    transparent = tree.nodes.new("ShaderNodeBsdfTransparent")
    emission = tree.nodes.new("ShaderNodeEmission")
    tree.links.new(weight.outputs["Facing"], mix.inputs["Fac"])
    tree.links.new(transparent.outputs[0], mix.inputs[1])
    tree.links.new(emission.outputs[0], mix.inputs[2])
    tree.links.new(mix.outputs[0], output.inputs["Surface"])
    plane = make.plane("Glass", materials=[material])
    with pytest.warns(UserWarning, match="material 'fresnel glass'.*'Facing'"):
        bakeview.bake(plane, kind="EMIT", size=8, margin=1)
