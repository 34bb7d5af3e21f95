"""bake(kind="MATERIAL") and the material channels: each channel against known values, mixes,
what cannot be expressed named, the file as it was, failures half way, a timing figure."""
import time
import warnings

import bpy
import pytest

import bakeview
from conftest import BLENDER_4, differences, forget, group_output, pattern_pixels, snapshot

SPECULAR = "Specular IOR Level" if BLENDER_4 else "Specular"
EMISSION = "Emission Color" if BLENDER_4 else "Emission"


def read(image):
    return list(bakeview.pixels(image))


def rgb(values, i):
    return values[4 * i: 4 * i + 3]


def scalar_texture(make, name, size, seed):
    """A float texture whose texels are grey: one value in R, G and B."""
    values = pattern_pixels(size, size, seed)
    for i in range(size * size):
        values[4 * i + 1] = values[4 * i + 2] = values[4 * i]
    return make.texture(name, size, size, pixels=values)


def link_texture(material, image, socket_name, x=-600):
    tree = material.node_tree
    bsdf = next(n for n in tree.nodes if n.type == "BSDF_PRINCIPLED")
    node = tree.nodes.new("ShaderNodeTexImage")
    node.image = image
    node.interpolation = "Closest"
    node.location = (x, 0)
    tree.links.new(node.outputs["Color"], bsdf.inputs[socket_name])
    return node


def principled(material):
    return next(n for n in material.node_tree.nodes if n.type == "BSDF_PRINCIPLED")


def test_material_bakes_every_channel_into_its_own_image_recorded_per_kind(make):
    plane = make.textured_plane("Plane", metallic=1.0, roughness=0.3, specular=0.7)

    made = bakeview.bake(plane, kind="material", size=8)

    assert list(made) == ["Plane"]
    assert set(made["Plane"]) == set(bakeview.MATERIAL_KINDS) == {
        "BASE_COLOR", "ALPHA", "METALLIC", "ROUGHNESS", "SPECULAR", "EMISSION", "NORMAL"}
    for kind, image in made["Plane"].items():
        assert image.name == f"Plane_{kind}"
        assert tuple(image.size) == (8, 8) and image.is_float
        assert bakeview.records.baked_image(plane, kind) == image
    assert bakeview.records.baked_image(plane) == made["Plane"]["BASE_COLOR"]  # the latest


def test_base_colour_of_a_metal_is_its_colour_not_black(make):
    plane = make.textured_plane("Plane", size=16, metallic=1.0)

    baked = read(bakeview.bake(plane, kind="BASE_COLOR", size=16)["Plane"])

    expected = pattern_pixels(16, 16, seed=1)
    worst = max(abs(a - b) for a, b in zip(baked, expected))
    assert worst < 0.01, f"BASE_COLOR differs from the metal's colour texture by {worst:.4f}"


@pytest.mark.parametrize("kind, socket", [("METALLIC", "Metallic"), ("ROUGHNESS", "Roughness"),
                                          ("SPECULAR", SPECULAR)])
def test_scalar_channels_are_their_textures_values_in_every_colour_channel(make, kind, socket):
    material = make.material("m", base=(0.2, 0.4, 0.6, 1.0), specular=0.5)
    link_texture(material, scalar_texture(make, "values", 8, seed=5), socket)
    plane = make.plane("Plane", materials=[material])

    baked = read(bakeview.bake(plane, kind=kind, size=8)["Plane"])

    expected = pattern_pixels(8, 8, seed=5)
    for i in range(64):
        assert rgb(baked, i) == pytest.approx([expected[4 * i]] * 3, abs=1e-3), f"texel {i}"
        assert baked[4 * i + 3] == 1.0


def test_scalar_channels_of_constant_inputs(make):
    material = make.material("m", base=(0.2, 0.4, 0.6, 1.0), metallic=0.25, roughness=0.65,
                             specular=0.35)
    plane = make.plane("Plane", materials=[material])

    made = bakeview.bake(plane, kind=("METALLIC", "ROUGHNESS", "SPECULAR"), size=4)["Plane"]

    for kind, value in (("METALLIC", 0.25), ("ROUGHNESS", 0.65), ("SPECULAR", 0.35)):
        assert read(made[kind]) == pytest.approx([value, value, value, 1.0] * 16, abs=1e-4), kind


def test_roughness_is_the_materials_even_without_a_specular_layer(make):
    # Cycles' own ROUGHNESS bake says 1 here (no glossy closure): the core needs the input
    plane = make.textured_plane("Plane", roughness=0.3, specular=0.0)

    baked = read(bakeview.bake(plane, kind="ROUGHNESS", size=4)["Plane"])

    assert baked == pytest.approx([0.3, 0.3, 0.3, 1.0] * 16, abs=1e-4)


def test_emission_is_its_colour_times_its_strength(make):
    texture = make.texture("glow", 8, 8, seed=9)
    plane = make.plane("Plane", materials=[make.material("m", base=(0.5, 0.5, 0.5, 1.0),
                                                         emission=texture,
                                                         emission_strength=2.5)])

    baked = read(bakeview.bake(plane, kind="EMISSION", size=8)["Plane"])

    expected = pattern_pixels(8, 8, seed=9)
    for i in range(64):
        assert rgb(baked, i) == pytest.approx([2.5 * v for v in rgb(expected, i)], abs=0.01)


def test_a_material_without_emission_emits_nothing(make):
    plane = make.textured_plane("Plane")

    baked = read(bakeview.bake(plane, kind="EMISSION", size=4)["Plane"])

    assert max(baked[0::4] + baked[1::4] + baked[2::4]) == 0.0


def test_a_mix_of_two_principled_bsdfs_bakes_the_mix_of_their_channels(make):
    material = make.material("mix", base=(0.8, 0.2, 0.1, 1.0), metallic=1.0, roughness=0.2,
                             specular=0.5)
    tree = material.node_tree
    first = principled(material)
    second = tree.nodes.new("ShaderNodeBsdfPrincipled")
    second.inputs["Base Color"].default_value = (0.0, 0.4, 1.0, 1.0)
    second.inputs["Metallic"].default_value = 0.0
    second.inputs["Roughness"].default_value = 0.8
    second.inputs[SPECULAR].default_value = 0.1
    second.inputs[EMISSION].default_value = (1.0, 1.0, 1.0, 1.0)
    second.inputs["Emission Strength"].default_value = 4.0
    mix = tree.nodes.new("ShaderNodeMixShader")
    mix.inputs["Fac"].default_value = 0.25
    output = next(n for n in tree.nodes if n.type == "OUTPUT_MATERIAL")
    tree.links.new(first.outputs[0], mix.inputs[1])
    tree.links.new(second.outputs[0], mix.inputs[2])
    tree.links.new(mix.outputs[0], output.inputs["Surface"])
    plane = make.plane("Plane", materials=[material])

    made = bakeview.bake(plane, kind="MATERIAL", size=4)["Plane"]

    def mixed(a, b):
        return 0.75 * a + 0.25 * b

    expected = {
        "BASE_COLOR": [mixed(0.8, 0.0), mixed(0.2, 0.4), mixed(0.1, 1.0)],
        "METALLIC": [mixed(1.0, 0.0)] * 3,
        "ROUGHNESS": [mixed(0.2, 0.8)] * 3,
        "SPECULAR": [mixed(0.5, 0.1)] * 3,
        "EMISSION": [0.25 * 4.0] * 3,
        "ALPHA": [1.0] * 3,
    }
    for kind, values in expected.items():
        baked = read(made[kind])
        for i in range(16):
            assert rgb(baked, i) == pytest.approx(values, abs=1e-3), (kind, i)


def test_other_shaders_bake_their_colour_metallic_and_roughness(make):
    material = make.material("shaders")
    tree = material.node_tree
    tree.nodes.remove(principled(material))
    glossy = tree.nodes.new("ShaderNodeBsdfGlossy")
    glossy.inputs["Color"].default_value = (0.9, 0.6, 0.3, 1.0)
    glossy.inputs["Roughness"].default_value = 0.15
    diffuse = tree.nodes.new("ShaderNodeBsdfDiffuse")
    diffuse.inputs["Color"].default_value = (0.1, 0.3, 0.5, 1.0)
    mix = tree.nodes.new("ShaderNodeMixShader")
    mix.inputs["Fac"].default_value = 0.5
    output = next(n for n in tree.nodes if n.type == "OUTPUT_MATERIAL")
    tree.links.new(glossy.outputs[0], mix.inputs[1])
    tree.links.new(diffuse.outputs[0], mix.inputs[2])
    tree.links.new(mix.outputs[0], output.inputs["Surface"])
    plane = make.plane("Plane", materials=[material])

    made = bakeview.bake(plane, kind=("BASE_COLOR", "METALLIC", "ROUGHNESS"), size=4)["Plane"]

    assert rgb(read(made["BASE_COLOR"]), 5) == pytest.approx([0.5, 0.45, 0.4], abs=1e-3)
    assert rgb(read(made["METALLIC"]), 5) == pytest.approx([0.5] * 3, abs=1e-3)
    assert rgb(read(made["ROUGHNESS"]), 5) == pytest.approx([(0.15 + 1.0) / 2] * 3, abs=1e-3)


def test_channels_of_a_material_with_holes_are_those_of_its_opaque_part(make):
    material = make.material("holes", base=(0.8, 0.4, 0.2, 1.0), metallic=0.6, roughness=0.4)
    alpha = [0.0 if (i % 4) < 2 else 0.5 for i in range(64)]
    link_texture(material, make.texture(
        "alpha", 8, 8, pixels=[v for a in alpha for v in (a, a, a, 1.0)]), "Alpha")
    plane = make.plane("Plane", materials=[material])

    made = bakeview.bake(plane, kind="MATERIAL", size=8)["Plane"]

    baked_alpha = read(made["ALPHA"])
    for i in range(64):
        assert rgb(baked_alpha, i) == pytest.approx([alpha[i]] * 3, abs=1e-3), i
    colour, metallic = read(made["BASE_COLOR"]), read(made["METALLIC"])
    for i in (i for i in range(64) if alpha[i] > 0):
        assert rgb(colour, i) == pytest.approx([0.8, 0.4, 0.2], abs=1e-3), i
        assert colour[4 * i + 3] == pytest.approx(alpha[i], abs=1e-3)
        assert rgb(metallic, i) == pytest.approx([0.6] * 3, abs=1e-3), i
        assert metallic[4 * i + 3] == 1.0
    assert made["BASE_COLOR"].get(bakeview.images.COVERAGE) == "COVERAGE"


def test_normal_is_tangent_space_whatever_the_scene_bake_settings_say(make):
    make.scene.render.bake.normal_space = "OBJECT"
    make.scene.render.bake.normal_g = "NEG_Y"
    plane = make.textured_plane("Plane")
    plane.rotation_euler = (0.0, 1.2, 0.0)  # object space would not be up

    baked = read(bakeview.bake(plane, kind="MATERIAL", size=4)["Plane"]["NORMAL"])

    assert baked == pytest.approx([0.5, 0.5, 1.0, 1.0] * 16, abs=1e-3)
    assert make.scene.render.bake.normal_space == "OBJECT"


def _unsupported(make):
    material = make.material("fancy")
    bsdf = principled(material)
    bsdf.inputs["Transmission Weight" if BLENDER_4 else "Transmission"].default_value = 0.5
    bsdf.inputs["Coat Weight" if BLENDER_4 else "Clearcoat"].default_value = 0.3
    bsdf.inputs["Sheen Weight" if BLENDER_4 else "Sheen"].default_value = 0.2
    bsdf.inputs["Subsurface Weight" if BLENDER_4 else "Subsurface"].default_value = 0.1
    bsdf.inputs["Anisotropic"].default_value = 0.4
    return material


def test_what_the_channels_cannot_hold_is_named_in_a_warning(make):
    plane = make.plane("Plane", materials=[_unsupported(make)])

    with pytest.warns(UserWarning) as caught:
        bakeview.bake(plane, kind="MATERIAL", size=4)

    messages = [str(w.message) for w in caught if "fancy" in str(w.message)]
    assert len(messages) == 1, messages
    for feature in ("transmission", "coat", "sheen", "subsurface", "anisotropy"):
        assert feature in messages[0], (feature, messages[0])


def test_a_glass_shader_is_named_in_a_warning(make):
    material = make.material("glassy")
    tree = material.node_tree
    glass = tree.nodes.new("ShaderNodeBsdfGlass")
    glass.name = "Window"
    output = next(n for n in tree.nodes if n.type == "OUTPUT_MATERIAL")
    tree.links.new(glass.outputs[0], output.inputs["Surface"])
    plane = make.plane("Plane", materials=[material])

    with pytest.warns(UserWarning, match=r"glassy.*glass \('Window'\)"):
        bakeview.bake(plane, kind="BASE_COLOR", size=4)


def test_a_plain_principled_material_bakes_without_warnings(make):
    plane = make.textured_plane("Plane", metallic=0.5)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bakeview.bake(plane, kind="MATERIAL", size=4)


def _grouped(make):
    """A material whose Principled BSDF sits inside a node group, mixed with a Diffuse BSDF."""
    group = bpy.data.node_groups.new("Shader group", "ShaderNodeTree")
    group_output(group, "Shader", "NodeSocketShader")
    inner = group.nodes.new("ShaderNodeBsdfPrincipled")
    inner.inputs["Base Color"].default_value = (1.0, 0.0, 0.0, 1.0)
    inner.inputs["Metallic"].default_value = 1.0
    out = group.nodes.new("NodeGroupOutput")
    group.links.new(inner.outputs[0], out.inputs[0])
    material = make.material("grouped")
    tree = material.node_tree
    node = tree.nodes.new("ShaderNodeGroup")
    node.node_tree = group
    diffuse = tree.nodes.new("ShaderNodeBsdfDiffuse")
    diffuse.inputs["Color"].default_value = (0.0, 0.0, 1.0, 1.0)
    mix = tree.nodes.new("ShaderNodeMixShader")
    mix.inputs["Fac"].default_value = 0.5
    output = next(n for n in tree.nodes if n.type == "OUTPUT_MATERIAL")
    tree.links.new(node.outputs[0], mix.inputs[1])
    tree.links.new(diffuse.outputs[0], mix.inputs[2])
    tree.links.new(mix.outputs[0], output.inputs["Surface"])
    return material


def test_shaders_inside_groups_bake_their_channels(make):
    plane = make.plane("Plane", materials=[_grouped(make)])

    made = bakeview.bake(plane, kind=("BASE_COLOR", "METALLIC"), size=4)["Plane"]

    assert rgb(read(made["BASE_COLOR"]), 5) == pytest.approx([0.5, 0.0, 0.5], abs=1e-3)
    assert rgb(read(made["METALLIC"]), 5) == pytest.approx([0.5] * 3, abs=1e-3)


# -- the file as it was ---------------------------------------------------------------------------


def _scene(make):
    """Two objects sharing a textured metal material, one with a grouped material too, and a
    material with holes: what routing copies and restores."""
    metal = make.material("metal", base=make.texture("metal colour", 8, 8), metallic=1.0)
    link_texture(metal, scalar_texture(make, "rough", 8, seed=3), "Roughness")
    grouped = _grouped(make)
    holes = make.material("holes", base=(0.3, 0.3, 0.3, 1.0))
    principled(holes).inputs["Alpha"].default_value = 0.5
    a = make.split_plane("A", metal, grouped)
    b = make.plane("B", materials=[metal, holes], location=(3.0, 0.0, 0.0))
    b.data.polygons[0].material_index = 1
    return a, b


def test_the_file_is_exactly_as_it_was_but_for_the_images_and_records(make):
    a, b = _scene(make)
    make.scene.cycles.samples = 9
    before = snapshot()

    made = bakeview.bake([a, b], kind="MATERIAL", size=8)

    names = [image.name for kinds in made.values() for image in kinds.values()]
    assert len(names) == 14
    after = forget(snapshot(), images=names, props=True)
    assert after == before, "\n".join(differences(before, after))


@pytest.mark.parametrize("on_call", [1, 3, 6, 9])
def test_a_failure_half_way_leaves_everything_as_it_was(make, bake_spy, on_call):
    a, b = _scene(make)
    before = snapshot()
    bake_spy.fail_on = on_call

    with pytest.raises(RuntimeError, match="forced failure"):
        bakeview.bake([a, b], kind="MATERIAL", size=8)

    after = snapshot()
    assert len(bake_spy.calls) == on_call
    assert after == before, "\n".join(differences(before, after))


def test_material_channels_bake_with_one_sample_through_emission(make, bake_spy):
    make.scene.cycles.samples = 7
    plane = make.textured_plane("Plane")

    bakeview.bake(plane, kind="MATERIAL", size=4)

    assert [c["samples"] for c in bake_spy.calls] == [1] * 7
    assert [c["type"] for c in bake_spy.calls] == ["DIFFUSE"] + ["EMIT"] * 5 + ["NORMAL"]


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, error, message", [
    ((), ValueError, "non-empty tuple of them"),
    (("BASE_COLOR", "SHINY"), ValueError, "SHINY"),
    (3, TypeError, "kind must be"),
    ("SHINY", ValueError, "SHINY"),
])
def test_bad_kinds_are_refused_before_any_work(make, kind, error, message):
    plane = make.textured_plane("Plane")
    before = snapshot()

    with pytest.raises(error, match=message):
        bakeview.bake(plane, kind=kind, size=4)

    assert snapshot() == before


def test_several_kinds_need_kind_in_the_name_pattern(make):
    plane = make.textured_plane("Plane")

    with pytest.raises(ValueError, match=r"add \{kind\}"):
        bakeview.bake(plane, kind="MATERIAL", size=4, name="{object}_bake")


def test_render_view_draws_a_material_channel(make):
    plane = make.textured_plane("Plane", metallic=1.0)
    camera = make.camera(location=(0.0, 0.0, 5.0), orthographic_scale=2.0, resolution=(8, 8))
    bakeview.bake(plane, kind="MATERIAL", size=16)

    view = read(bakeview.render_view(camera, plane, kind="BASE_COLOR"))
    metallic = read(bakeview.render_view(camera, plane, kind="METALLIC", name="m"))

    assert max(view[0::4]) > 0.3, "a metal's base colour drawn black"
    assert min(metallic[0::4]) == pytest.approx(1.0, abs=1e-3)


# -- a figure -------------------------------------------------------------------------------------


def test_time_to_bake_every_channel_of_a_1024_pixel_object(make, capsys):
    sphere = make.sphere()

    start = time.perf_counter()
    bakeview.bake(sphere, kind="MATERIAL", size=1024)
    seconds = time.perf_counter() - start

    with capsys.disabled():
        print(f"\nMATERIAL bake (7 channels) of a 1024 x 1024 sphere: {seconds:.2f} s")
