"""bakeview.bake: every kind, several objects, materials, modifiers, auto UV, records, overwrite."""
import math
import os

import bpy
import pytest

import bakeview
from conftest import (
    BLENDER_5,
    DETERMINISTIC_KINDS,
    LIGHTING_KINDS,
    close,
    pattern_pixels,
    texel,
)

ALL_KINDS = DETERMINISTIC_KINDS + LIGHTING_KINDS


def read(image):
    return list(bakeview.pixels(image))


def mean(values):
    values = list(values)
    return sum(values) / len(values)


def channel(pixels, c):
    return pixels[c::4]


# -- every kind ----------------------------------------------------------------------------------


def test_bake_kinds_are_the_documented_ones():
    assert set(bakeview.BAKE_KINDS) == set(ALL_KINDS)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_kind_makes_a_float_image_of_the_asked_size_readable_at_once(make, kind):
    make.world()
    make.sun()
    texture = make.texture("tex", 16, 16)
    material = make.material("m", base=texture, emission=texture, metallic=0.5, specular=0.5)
    plane = make.plane("Plane", materials=[material])
    samples = 4 if kind in LIGHTING_KINDS else None

    made = bakeview.bake([plane], kind=kind, size=(32, 16), samples=samples)

    assert list(made) == ["Plane"]
    image = made["Plane"]
    assert image.name == f"Plane_{kind}"
    assert bpy.data.images.get(image.name) == image
    assert tuple(image.size) == (32, 16)
    assert image.is_float
    values = read(image)
    assert len(values) == 32 * 16 * 4
    assert all(math.isfinite(v) for v in values)
    assert values == pytest.approx(list(image.pixels[:]))  # Blender itself sees the same pixels
    if kind == "INDIRECT":  # nothing for the sun's light to bounce off
        assert max(abs(v) for i, v in enumerate(values) if i % 4 != 3) < 1e-4
    else:
        assert max(values[:3] + values[4:7]) > 0.0, "the bake wrote nothing"


def test_diffuse_reproduces_the_base_colour_texture_at_texel_centres(make):
    plane = make.textured_plane("Plane", size=16)

    image = bakeview.bake([plane], kind="DIFFUSE", size=16)["Plane"]

    expected = pattern_pixels(16, 16, seed=1)
    baked = read(image)
    worst = max(abs(a - b) for a, b in zip(baked, expected))
    assert worst < 0.01, f"DIFFUSE differs from the base colour texture by up to {worst:.4f}"


def test_diffuse_of_a_default_principled_material_stays_near_its_base_colour(make):
    # Blender 4+'s Principled BSDF takes the energy of its specular layer (IOR 1.5) out of the
    # diffuse colour pass: a few percent, never more
    texture = make.texture("tex", 16, 16, seed=3)
    material = make.material("m", base=texture, specular=0.5)
    plane = make.plane("Plane", materials=[material])

    baked = read(bakeview.bake([plane], kind="DIFFUSE", size=16)["Plane"])

    expected = pattern_pixels(16, 16, seed=3)
    for b, e in zip(baked, expected):
        assert b == pytest.approx(e, rel=0.06, abs=0.01)


def test_emit_reproduces_the_emission_texture(make):
    texture = make.texture("glow", 16, 16, seed=7)
    material = make.material("m", base=(0.2, 0.2, 0.2, 1.0), emission=texture, emission_strength=1.0)
    plane = make.plane("Plane", materials=[material])

    baked = read(bakeview.bake([plane], kind="EMIT", size=16)["Plane"])

    expected = pattern_pixels(16, 16, seed=7)
    for i in range(16 * 16):
        assert close(baked[4 * i : 4 * i + 3], expected[4 * i : 4 * i + 3], 0.01), f"texel {i}"


def test_normal_of_a_flat_plane_is_tangent_space_up(make):
    plane = make.textured_plane("Plane")

    baked = read(bakeview.bake([plane], kind="NORMAL", size=16)["Plane"])

    for i in range(16 * 16):
        assert close(baked[4 * i : 4 * i + 3], (0.5, 0.5, 1.0), 0.01), f"texel {i}"


def test_roughness_bake_equals_the_material_roughness(make):
    # with no specular layer at all (specular 0) Cycles reports roughness 1: keep the default 0.5
    plane = make.textured_plane("Plane", roughness=0.3, specular=0.5)

    baked = read(bakeview.bake([plane], kind="ROUGHNESS", size=16)["Plane"])

    for value in channel(baked, 0):
        assert value == pytest.approx(0.3, abs=0.01)


def test_uv_bake_gives_the_uv_coordinates_of_texel_centres(make):
    plane = make.textured_plane("Plane")

    baked = read(bakeview.bake([plane], kind="UV", size=(16, 8))["Plane"])

    for y in range(8):
        for x in range(16):
            u, v = texel(baked, 16, x, y)[:2]
            assert (u, v) == pytest.approx(((x + 0.5) / 16, (y + 0.5) / 8), abs=1e-3)


def test_ao_is_bright_in_the_open_and_dark_under_a_low_roof(make):
    make.world()
    floor = make.textured_plane("Floor")
    make.plane("Roof", size=0.5, uv=False, z=0.1)

    baked = read(bakeview.bake([floor], kind="AO", size=16, samples=4)["Floor"])

    centre = mean(texel(baked, 16, x, y)[0] for x in (7, 8) for y in (7, 8))
    corner = mean(texel(baked, 16, x, y)[0] for x in (0, 15) for y in (0, 15))
    assert 0.0 <= centre < 0.5
    assert 0.75 < corner <= 1.0 + 1e-6


def test_combined_of_a_diffuse_plane_under_a_white_sky_is_its_albedo(make):
    make.world(color=(1.0, 1.0, 1.0), strength=1.0)
    material = make.material("grey", base=(0.5, 0.5, 0.5, 1.0), specular=0.0)
    plane = make.plane("Plane", materials=[material])

    baked = read(bakeview.bake([plane], kind="COMBINED", size=16, samples=4)["Plane"])

    for c in range(3):
        assert mean(channel(baked, c)) == pytest.approx(0.5, abs=0.05)


def test_glossy_of_a_metal_under_a_white_sky_reflects_its_colour(make):
    make.world(color=(1.0, 1.0, 1.0), strength=1.0)
    material = make.material("copper", base=(0.8, 0.4, 0.1, 1.0), metallic=1.0, roughness=0.2)
    plane = make.plane("Plane", materials=[material])

    baked = read(bakeview.bake([plane], kind="GLOSSY", size=16, samples=4)["Plane"])

    red, green, blue = (mean(channel(baked, c)) for c in range(3))
    assert red > green > blue
    assert red == pytest.approx(0.8, abs=0.2)


def test_shadow_is_dark_under_an_occluder_and_bright_beside_it(make):
    make.sun(strength=3.0)  # straight down
    floor = make.textured_plane("Floor")
    make.plane("Roof", size=0.5, uv=False, z=0.5)

    baked = read(bakeview.bake([floor], kind="SHADOW", size=16, samples=4)["Floor"])

    centre = mean(texel(baked, 16, x, y)[0] for x in (7, 8) for y in (7, 8))
    corner = mean(texel(baked, 16, x, y)[0] for x in (0, 15) for y in (0, 15))
    assert corner - centre > 0.5, (centre, corner)


# -- samples and scene state at bake time --------------------------------------------------------


@pytest.mark.parametrize("kind", DETERMINISTIC_KINDS)
def test_deterministic_kinds_bake_with_one_sample(make, bake_spy, kind):
    make.scene.cycles.samples = 7
    plane = make.textured_plane("Plane")

    bakeview.bake([plane], kind=kind, size=16)

    assert [call["samples"] for call in bake_spy.calls] == [1]
    # the material channels bake through emission, the film alpha in a DIFFUSE bake
    assert bake_spy.calls[0]["type"] == bakeview.bake_images.KINDS[kind][0]
    assert make.scene.cycles.samples == 7


@pytest.mark.parametrize("kind", LIGHTING_KINDS)
def test_lighting_kinds_bake_with_the_samples_asked(make, bake_spy, kind):
    make.world()
    plane = make.textured_plane("Plane")

    bakeview.bake([plane], kind=kind, size=16, samples=4)

    # INDIRECT: the DIFFUSE bake, then its direct light alone
    assert [call["samples"] for call in bake_spy.calls] == [4] * (2 if kind == "INDIRECT" else 1)


def test_lighting_kinds_default_to_many_samples(make, bake_spy):
    make.world()
    plane = make.textured_plane("Plane")

    bakeview.bake([plane], kind="AO", size=8)

    assert bake_spy.calls[0]["samples"] == bakeview.bake_images.LIGHTING_SAMPLES >= 16


def test_bakes_run_in_cycles_without_denoising_on_the_object_alone(make, bake_spy):
    make.scene.render.engine = "BLENDER_WORKBENCH"
    make.scene.cycles.use_denoising = True
    a = make.textured_plane("A")
    b = make.textured_plane("B", location=(3, 0, 0))
    b.select_set(True)

    bakeview.bake([a, b], size=16)

    assert [c["object"] for c in bake_spy.calls] == ["A", "B"]
    assert [c["selected"] for c in bake_spy.calls] == [["A"], ["B"]]
    assert {c["engine"] for c in bake_spy.calls} == {"CYCLES"}
    assert {c["denoising"] for c in bake_spy.calls} == {False}
    assert [c["targets"] for c in bake_spy.calls] == [["A_DIFFUSE"], ["B_DIFFUSE"]]


# -- several objects, materials, modifiers -------------------------------------------------------


def test_several_objects_bake_at_once_each_into_its_own_image(tiny_scene):
    planes, _ = tiny_scene

    made = bakeview.bake(planes, kind="DIFFUSE", size=16)

    assert {name: image.name for name, image in made.items()} == {
        "A": "A_DIFFUSE", "B": "B_DIFFUSE", "C": "C_DIFFUSE"}
    for seed, name in enumerate(("A", "B", "C"), start=1):
        baked = read(made[name])
        expected = pattern_pixels(16, 16, seed=seed)
        assert max(abs(a - b) for a, b in zip(baked, expected)) < 0.01, name


def test_objects_by_name_and_default_objects_bake_every_visible_mesh(tiny_scene, make):
    planes, _ = tiny_scene
    make.empty("Empty")

    by_name = bakeview.bake(["A", "B"], size=8, name="{object} by name")
    everything = bakeview.bake(size=8, name="{object} default")

    assert sorted(by_name) == ["A", "B"]
    assert sorted(everything) == ["A", "B", "C"]
    assert everything["C"].name == "C default"


def test_object_with_two_materials_bakes_both_into_one_image(make):
    red = make.material("red", base=(0.8, 0.1, 0.1, 1.0))
    blue = make.material("blue", base=(0.1, 0.1, 0.8, 1.0))
    plane = make.split_plane("Split", red, blue)

    baked = read(bakeview.bake([plane], size=16)["Split"])

    for y in range(16):
        for x in range(16):
            want = (0.8, 0.1, 0.1) if x < 8 else (0.1, 0.1, 0.8)
            assert close(texel(baked, 16, x, y)[:3], want, 0.01), (x, y)


def test_material_shared_by_two_objects_bakes_each_objects_own_uv_layout(make):
    shared = make.material("shared", base=(0.8, 0.8, 0.8, 1.0))
    left = make.plane("Left", uv_rect=(0.0, 0.0, 0.5, 1.0), materials=[shared])
    right = make.plane("Right", uv_rect=(0.5, 0.0, 1.0, 1.0), materials=[shared], location=(3, 0, 0))

    made = bakeview.bake([left, right], size=16, margin=0)

    for name, covered in (("Left", range(0, 8)), ("Right", range(8, 16))):
        baked = read(made[name])
        for y in range(16):
            for x in range(16):
                value = texel(baked, 16, x, y)[0]
                if x in covered:
                    assert value == pytest.approx(0.8, abs=0.01), (name, x, y)
                else:
                    assert value == pytest.approx(0.0, abs=1e-6), (name, x, y, "other object's UVs")
    assert [n.name for n in shared.node_tree.nodes if n.bl_idname == "ShaderNodeTexImage"] == []


def test_object_with_subdivision_and_array_modifiers_bakes_its_evaluated_surface(make):
    plane = make.textured_plane("Plane")
    subdivision = plane.modifiers.new("Subdivision", "SUBSURF")
    subdivision.subdivision_type = "SIMPLE"
    subdivision.levels = subdivision.render_levels = 1
    array_modifier = plane.modifiers.new("Array", "ARRAY")
    array_modifier.count = 2

    baked = read(bakeview.bake([plane], size=16)["Plane"])

    expected = pattern_pixels(16, 16, seed=1)
    assert max(abs(a - b) for a, b in zip(baked, expected)) < 0.01
    assert [m.name for m in plane.modifiers] == ["Subdivision", "Array"]


def test_object_without_any_material_bakes_and_keeps_no_material(make):
    plane = make.plane("Bare")

    made = bakeview.bake([plane], size=8)

    assert tuple(made["Bare"].size) == (8, 8)
    assert len(plane.material_slots) == 0
    assert len(plane.data.materials) == 0
    assert len(bpy.data.materials) == 0


@pytest.mark.skipif(BLENDER_5, reason="materials always have nodes from Blender 5 on")
def test_material_without_nodes_bakes_and_keeps_its_node_setting(make):
    material = bpy.data.materials.new("old style")
    material.use_nodes = False
    plane = make.plane("Plane", materials=[material])
    had_tree = material.node_tree is not None

    bakeview.bake([plane], size=8)

    assert material.use_nodes is False
    assert (material.node_tree is not None) == had_tree


def test_empty_material_slot_bakes_and_stays_empty(make):
    plane = make.plane("Plane")
    plane.data.materials.append(None)

    made = bakeview.bake([plane], size=8)

    assert tuple(made["Plane"].size) == (8, 8)
    assert [slot.material for slot in plane.material_slots] == [None]
    assert len(bpy.data.materials) == 0


def test_object_linked_material_slot_bakes_the_objects_material(make):
    mesh_material = make.material("on the mesh", base=(1.0, 0.0, 0.0, 1.0))
    object_material = make.material("on the object", base=(0.3, 0.6, 0.9, 1.0))
    plane = make.plane("Plane", materials=[mesh_material])
    plane.material_slots[0].link = "OBJECT"
    plane.material_slots[0].material = object_material

    baked = read(bakeview.bake([plane], size=8)["Plane"])

    assert close(baked[:3], (0.3, 0.6, 0.9), 0.01)
    assert plane.material_slots[0].link == "OBJECT"
    assert plane.material_slots[0].material == object_material
    assert plane.data.materials[0] == mesh_material


def test_linked_duplicates_bake_into_one_image_each(make):
    a = make.textured_plane("A")
    b = bpy.data.objects.new("B", a.data)
    make.scene.collection.objects.link(b)
    b.location.x = 3.0

    made = bakeview.bake([a, b], size=16)

    assert made["A"] != made["B"]
    assert read(made["A"]) == pytest.approx(read(made["B"]), abs=1e-4)


def test_object_in_a_collection_hidden_in_viewports_bakes_or_is_refused_by_name(make):
    collection = bpy.data.collections.new("Hidden")
    make.scene.collection.children.link(collection)
    plane = make.textured_plane("Plane")
    make.scene.collection.objects.unlink(plane)
    collection.objects.link(plane)
    collection.hide_viewport = True

    try:
        made = bakeview.bake([plane], size=8)
    except ValueError as error:
        assert "'Plane'" in str(error)
    else:
        assert tuple(made["Plane"].size) == (8, 8)
    assert collection.hide_viewport


def test_uv_map_option_bakes_with_that_uv_map_and_records_it(make):
    plane = make.textured_plane("Plane")
    second = plane.data.uv_layers.new(name="Second")
    second.data.foreach_set("uv", [0.0, 0.0, 0.5, 0.0, 0.5, 0.5, 0.0, 0.5])  # lower-left quarter
    plane.data.uv_layers.active = plane.data.uv_layers["UVMap"]

    baked = read(bakeview.bake([plane], size=16, uv_map="Second", margin=0)["Plane"])

    assert max(texel(baked, 16, 3, 3)[:3]) > 0.0
    assert texel(baked, 16, 12, 12)[:3] == (0.0, 0.0, 0.0)
    assert plane["bakeview_uv_map"] == "Second"
    assert plane.data.uv_layers.active.name == "UVMap"


def test_progress_reports_each_object_then_the_end(make):
    a = make.textured_plane("A")
    b = make.textured_plane("B", location=(3.0, 0.0, 0.0))
    calls = []

    bakeview.bake([a, b], size=8, progress=lambda *args: calls.append(args))

    assert calls == [(0, 2, "A"), (1, 2, "B"), (2, 2, None)]


def test_render_view_draws_the_latest_kind_unless_asked(make):
    plane = make.textured_plane("Plane")
    make.camera(location=(0.0, 0.0, 5.0), orthographic_scale=2.0, resolution=(8, 8))
    bakeview.bake([plane], size=8)
    bakeview.bake([plane], kind="NORMAL", size=8)

    latest = read(bakeview.render_view(name="latest"))
    diffuse = read(bakeview.render_view(name="diffuse", kind="DIFFUSE"))

    assert close(texel(latest, 8, 4, 4)[:3], (0.5, 0.5, 1.0), 0.02)
    assert not close(texel(diffuse, 8, 4, 4)[:3], (0.5, 0.5, 1.0), 0.1)


# -- auto UV -------------------------------------------------------------------------------------


def test_auto_uv_adds_a_bakeview_uv_map_only_to_the_object_without_one(make):
    with_uvs = make.textured_plane("WithUV")
    material = make.material("m", base=(0.6, 0.6, 0.6, 1.0))
    without = make.cube("NoUV", uv=False, materials=[material], location=(3, 0, 0))
    before = [tuple(uv.uv) for uv in with_uvs.data.uv_layers["UVMap"].data]

    made = bakeview.bake([with_uvs, without], size=16, auto_uv=True)

    assert [uv.name for uv in without.data.uv_layers] == ["bakeview_uv"]
    assert [uv.name for uv in with_uvs.data.uv_layers] == ["UVMap"]
    assert [tuple(uv.uv) for uv in with_uvs.data.uv_layers["UVMap"].data] == before
    assert with_uvs["bakeview_uv_map"] == "UVMap"
    assert without["bakeview_uv_map"] == "bakeview_uv"
    covered = [v for v in channel(read(made["NoUV"]), 0) if abs(v - 0.6) < 0.01]
    assert len(covered) > 16 * 16 // 4, "the auto UV map covers part of the image"


def test_render_view_draws_an_auto_uv_bake_with_its_uv_map(make):
    material = make.material("m", base=(0.5, 0.5, 0.5, 1.0))
    cube = make.cube("Cube", uv=False, materials=[material])
    make.camera(location=(0.0, -5.0, 0.0), rotation=(math.pi / 2, 0.0, 0.0), orthographic_scale=2.0,
                resolution=(16, 16))
    bakeview.bake([cube], size=16, auto_uv=True)

    view = read(bakeview.render_view())

    centre = texel(view, 16, 8, 8)
    assert close(centre, (0.5, 0.5, 0.5, 1.0), 0.02)


def test_object_without_uv_map_is_not_changed_when_auto_uv_is_off(make):
    plane = make.plane("NoUV", uv=False)

    with pytest.raises(ValueError, match="auto_uv"):
        bakeview.bake([plane], size=8)

    assert len(plane.data.uv_layers) == 0


# -- records and files ---------------------------------------------------------------------------


def test_record_survives_save_and_reload_and_render_view_needs_no_new_bake(make, bake_spy, tmp_path):
    plane = make.textured_plane("Plane")
    make.camera(location=(0.0, 0.0, 5.0), orthographic_scale=2.5, resolution=(24, 24))
    bakeview.bake([plane], kind="DIFFUSE", size=16)
    before = list(bakeview.pixels(bakeview.render_view(name="before")))
    path = os.path.join(str(tmp_path), "baked.blend")

    assert bpy.ops.wm.save_as_mainfile(filepath=path) == {"FINISHED"}
    assert bpy.ops.wm.open_mainfile(filepath=path) == {"FINISHED"}

    plane = bpy.data.objects["Plane"]
    assert plane["bakeview_bakes"]["DIFFUSE"] == bpy.data.images["Plane_DIFFUSE"]
    assert plane["bakeview_last_kind"] == "DIFFUSE"
    assert bpy.data.images["Plane_DIFFUSE"].is_float
    after = list(bakeview.pixels(bakeview.render_view(name="after")))
    assert len(bake_spy.calls) == 1, "render_view baked again"
    assert after == before
    centre = texel(after, 24, 12, 12)
    assert centre[3] == pytest.approx(1.0) and max(centre[:3]) > 0.0


# -- overwriting ---------------------------------------------------------------------------------


def test_existing_image_name_is_refused_with_an_error_naming_it(make):
    plane = make.textured_plane("Plane")
    make.texture("Plane_DIFFUSE", 4, 4)

    with pytest.raises(ValueError, match="'Plane_DIFFUSE'.*overwrite=True"):
        bakeview.bake([plane], size=16)

    assert tuple(bpy.data.images["Plane_DIFFUSE"].size) == (4, 4)
    assert "bakeview_bakes" not in plane


def test_baking_the_same_object_twice_needs_overwrite(make):
    plane = make.textured_plane("Plane")
    bakeview.bake([plane], size=8)

    with pytest.raises(ValueError, match="Plane_DIFFUSE"):
        bakeview.bake([plane], size=8)


def test_overwrite_replaces_the_image_and_its_users_follow(make):
    plane = make.textured_plane("Plane")
    old = make.texture("Plane_DIFFUSE", 4, 4, pixels=[1.0, 0.0, 1.0, 1.0] * 16)
    viewer = make.material("viewer", base=old)
    node = viewer.node_tree.nodes["Base Color texture"]

    made = bakeview.bake([plane], size=16, overwrite=True)

    image = made["Plane"]
    assert image.name == "Plane_DIFFUSE"
    assert [i.name for i in bpy.data.images if i.name.startswith("Plane_DIFFUSE")] == ["Plane_DIFFUSE"]
    assert node.image == image, "the old image's users point to the new one"
    assert tuple(image.size) == (16, 16)
    expected = pattern_pixels(16, 16, seed=1)
    assert max(abs(a - b) for a, b in zip(read(image), expected)) < 0.01
    assert plane["bakeview_bakes"]["DIFFUSE"] == image


def test_overwrite_of_a_previous_bake_updates_the_record(make):
    plane = make.textured_plane("Plane")
    first = bakeview.bake([plane], size=8)["Plane"]
    first_name = first.name

    second = bakeview.bake([plane], size=16, overwrite=True)["Plane"]

    assert second.name == first_name
    assert tuple(second.size) == (16, 16)
    assert plane["bakeview_bakes"]["DIFFUSE"] == second
    assert len([i for i in bpy.data.images if i.name.startswith("Plane_DIFFUSE")]) == 1
