"""What bakeview changes to do its work is put back: after a bake, after render_view, and after a
bake that fails half way, from the default state and from an unusual one."""
import os
import warnings

import bpy
import pytest

import bakeview
import bakeview.bake_images
from conftest import differences, forget, snapshot

ENGINES = ("BLENDER_EEVEE", "BLENDER_WORKBENCH")


def three_planes(make, auto_uv=False):
    """A, B, C textured planes in a row (C without UV map when auto_uv), and a camera."""
    planes = [make.textured_plane(name, location=(3.0 * i, 0.0, 0.0), seed=i + 1)
              for i, name in enumerate(("A", "B", "C"))]
    if auto_uv:
        planes[2].data.uv_layers.remove(planes[2].data.uv_layers["UVMap"])
    make.camera(location=(3.0, 0.0, 10.0), orthographic_scale=10.0, resolution=(32, 16))
    return planes


def unusual_state(make, planes, engine):
    """Settings nobody would bake with: bakeview must change them, then put them back."""
    scene = make.scene
    scene.render.engine = engine
    scene.cycles.samples = 7
    scene.cycles.use_denoising = True
    scene.cycles.use_adaptive_sampling = False
    bake = scene.render.bake
    bake.margin = 3
    bake.use_clear = False
    bake.normal_space = "OBJECT"
    bake.target = "VERTEX_COLORS"
    bake.use_selected_to_active = True
    bake.cage_extrusion = 0.25
    bake.max_ray_distance = 0.5
    bake.save_mode = "EXTERNAL"
    bake.filepath = "//bakes/out.png"
    bake.use_pass_direct = False
    scene.render.filepath = "//frames/f_"
    a, b, c = planes
    tree = a.material_slots[0].material.node_tree  # two nodes selected, the texture active
    for node in tree.nodes:
        node.select = node.bl_idname in {"ShaderNodeTexImage", "ShaderNodeBsdfPrincipled"}
    tree.nodes.active = tree.nodes["Base Color texture"]
    tree = b.material_slots[0].material.node_tree  # nothing selected, the BSDF active
    for node in tree.nodes:
        node.select = False
    tree.nodes.active = next(n for n in tree.nodes if n.bl_idname == "ShaderNodeBsdfPrincipled")
    b.hide_set(True)
    c.hide_select = True
    c.hide_viewport = True
    for obj in bpy.context.view_layer.objects:
        obj.select_set(obj.name == "Camera")
    bpy.context.view_layer.objects.active = bpy.data.objects["Camera"]


def baked_names(kind="DIFFUSE", names=("A", "B", "C")):
    return [f"{n}_{kind}" for n in names]


# -- successful calls ----------------------------------------------------------------------------


def test_successful_bake_changes_nothing_but_new_images_and_records(make):
    planes = three_planes(make)
    before = snapshot()

    made = bakeview.bake(planes, size=16)

    after = snapshot()
    assert sorted(set(after["images"]) - set(before["images"])) == baked_names()
    assert forget(after, images=baked_names(), props=True) == before
    for obj in planes:
        assert obj["bakeview_bakes"]["DIFFUSE"] == made[obj.name]
        assert obj["bakeview_last_kind"] == "DIFFUSE"
        assert obj["bakeview_uv_map"] == "UVMap"


@pytest.mark.parametrize("engine", ENGINES)
def test_successful_bake_from_an_unusual_state_puts_every_setting_back(make, engine):
    planes = three_planes(make)
    unusual_state(make, planes, engine)
    before = snapshot()

    bakeview.bake(planes, kind="NORMAL", size=16)

    after = snapshot()
    assert after["engine"] == engine and after["cycles"]["samples"] == 7
    assert forget(after, images=baked_names("NORMAL"), props=True) == before


def test_successful_bake_with_auto_uv_keeps_only_the_new_uv_map(make):
    planes = three_planes(make, auto_uv=True)
    before = snapshot()

    bakeview.bake(planes, size=16, auto_uv=True)

    after = snapshot()
    assert after["uv_maps"]["C"][0] == ["bakeview_uv"]
    assert forget(after, images=baked_names(), props=True, uv_maps=[("C", "bakeview_uv")]) == before


# -- node trees, exactly ----------------------------------------------------------------------------


def unusual_nodes(material):
    """Node flags a user leaves behind: the texture shown in the viewport (show_texture) while
    the BSDF is the active node, options hidden, a preview shown, a node collapsed and muted, a
    socket hidden, a label, a custom colour, a width."""
    tree = material.node_tree
    texture = tree.nodes["Base Color texture"]
    bsdf = next(n for n in tree.nodes if n.bl_idname == "ShaderNodeBsdfPrincipled")
    tree.nodes.active = texture  # Blender marks it the viewport's texture (show_texture)
    tree.nodes.active = bsdf  # a BSDF becoming active leaves that mark where it was
    assert texture.show_texture and tree.nodes.active == bsdf
    texture.show_options = False
    texture.show_preview = True
    texture.label = "wood"
    texture.use_custom_color = True
    texture.color = (0.2, 0.4, 0.6)
    texture.width = 321.0
    texture.outputs["Alpha"].hide = True
    bsdf.select = False
    frame = tree.nodes.new("NodeFrame")
    texture.parent = frame
    extra = tree.nodes.new("ShaderNodeRGB")
    extra.hide = True
    extra.mute = True
    extra.outputs[0].default_value = (0.1, 0.2, 0.3, 1.0)


@pytest.mark.parametrize("how", ["succeeds", "fails half way"])
def test_bake_puts_back_every_flag_of_a_users_nodes(make, bake_spy, how):
    planes = three_planes(make)
    for plane in planes:
        unusual_nodes(plane.material_slots[0].material)
    before = snapshot()
    bake_spy.fail_on = 2 if how == "fails half way" else None

    if bake_spy.fail_on:
        with pytest.raises(RuntimeError, match="forced failure"):
            bakeview.bake(planes, size=8)
        after = snapshot()
    else:
        bakeview.bake(planes, size=8)
        after = forget(snapshot(), images=baked_names(), props=True)

    assert differences(before, after) == []


def library_file():
    """The material library Blender 3.4 ships with its add-ons (materials_library_vx), found
    through Blender's own script paths; None where this Blender has none (bpy 5.0)."""
    folders = [bpy.utils.system_resource("SCRIPTS"), *bpy.utils.script_paths()]
    for folder in folders:
        for addons in ("addons", "addons_core", "addons_contrib"):
            path = os.path.join(folder or "", addons, "materials_library_vx", "sample_materials.blend")
            if os.path.isfile(path):
                return path
    return None


def library_materials():
    path = library_file()
    if path is None:
        return [pytest.param(None, marks=pytest.mark.skip(
            reason="this Blender ships no materials_library_vx/sample_materials.blend"))]
    with bpy.data.libraries.load(path) as (source, _):
        return sorted(source.materials)


@pytest.mark.parametrize("name", library_materials())
def test_bake_leaves_each_library_materials_node_tree_exactly_as_it_was(make, name):
    """Every material of Blender's bundled library (procedural textures, node groups, frames,
    glass, emission...), baked (DIFFUSE) on a plane: afterwards every node tree compares equal,
    every property of every node and socket."""
    with bpy.data.libraries.load(library_file()) as (_, loaded):
        loaded.materials = [name]
    plane = make.plane("Plane", materials=[loaded.materials[0]])
    before = snapshot()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what the bake of glass or emission cannot hold
        bakeview.bake(plane, size=8, margin=1)

    after = forget(snapshot(), images=["Plane_DIFFUSE"], props=True)
    assert differences(before, after) == []


def test_render_view_changes_nothing_but_its_output_images(make):
    planes = three_planes(make)
    bakeview.bake(planes, size=16)
    before = snapshot()

    made = bakeview.render_view(passes=("COLOR", "DEPTH", "OBJECT_ID"), name="shot")

    after = snapshot()
    names = sorted(image.name for image in made.values())
    assert sorted(set(after["images"]) - set(before["images"])) == names
    assert forget(after, images=names) == before


@pytest.mark.parametrize("engine", ENGINES)
def test_render_view_from_an_unusual_state_changes_nothing_but_its_output_image(make, engine):
    planes = three_planes(make)
    bakeview.bake(planes, size=16)
    unusual_state(make, planes, engine)
    before = snapshot()

    image = bakeview.render_view(objects=planes)

    after = snapshot()
    assert forget(after, images=[image.name]) == before


# -- failures half way ---------------------------------------------------------------------------


def fail_in_set_target(monkeypatch, on_call=2):
    """Makes bake_images._set_target add its nodes, then raise, on the n-th object."""
    real = bakeview.bake_images._set_target
    calls = []

    def failing(obj, image):
        added = real(obj, image)
        calls.append(obj.name)
        if len(calls) == on_call:
            raise RuntimeError("forced failure")
        return added

    monkeypatch.setattr(bakeview.bake_images, "_set_target", failing)


FAILURES = ("before the second bake", "after the second bake", "interrupted", "in set_target")


def force_failure(how, bake_spy, monkeypatch):
    if how == "in set_target":
        fail_in_set_target(monkeypatch)
        return RuntimeError
    bake_spy.fail_on = 2
    bake_spy.fail_after = how == "after the second bake"
    if how == "interrupted":
        bake_spy.exception = KeyboardInterrupt()
        return KeyboardInterrupt
    return RuntimeError


@pytest.mark.parametrize("how", FAILURES)
def test_failure_half_way_leaves_the_file_exactly_as_it_was(make, bake_spy, monkeypatch, how):
    planes = three_planes(make)
    before = snapshot()
    expected = force_failure(how, bake_spy, monkeypatch)

    with pytest.raises(expected):
        bakeview.bake(planes, size=16)

    assert snapshot() == before
    assert [i.name for i in bpy.data.images if "DIFFUSE" in i.name] == []


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("how", FAILURES)
def test_failure_half_way_from_an_unusual_state_puts_every_setting_back(
        make, bake_spy, monkeypatch, how, engine):
    planes = three_planes(make)
    unusual_state(make, planes, engine)
    before = snapshot()
    expected = force_failure(how, bake_spy, monkeypatch)

    with pytest.raises(expected):
        bakeview.bake(planes, kind="ROUGHNESS", size=16)

    after = snapshot()
    assert after["engine"] == engine
    assert after["cycles"]["samples"] == 7
    assert after["active"] == "Camera" and after["selected"] == ["Camera"]
    assert after == before


def test_failure_half_way_leaves_no_auto_uv_map_behind(make, bake_spy):
    planes = three_planes(make, auto_uv=True)
    planes = [planes[2], planes[0], planes[1]]  # the one given a UV map is baked first
    before = snapshot()
    bake_spy.fail_on = 2

    with pytest.raises(RuntimeError, match="forced failure"):
        bakeview.bake(planes, size=16, auto_uv=True)

    assert snapshot() == before
    assert len(planes[0].data.uv_layers) == 0


def test_failure_half_way_with_overwrite_keeps_the_old_images_and_their_users(make, bake_spy):
    planes = three_planes(make)
    bakeview.bake(planes, size=8)
    viewer = make.material("viewer", base=bpy.data.images["A_DIFFUSE"])
    before = snapshot()
    bake_spy.calls.clear()
    bake_spy.fail_on = 2

    with pytest.raises(RuntimeError, match="forced failure"):
        bakeview.bake(planes, size=16, overwrite=True)

    assert snapshot() == before
    assert viewer.node_tree.nodes["Base Color texture"].image == bpy.data.images["A_DIFFUSE"]
    assert tuple(bpy.data.images["A_DIFFUSE"].size) == (8, 8)


def test_failure_of_a_material_less_object_removes_the_temporary_material(make, bake_spy):
    planes = three_planes(make)
    bare = make.plane("Bare", location=(0, 3, 0))
    before = snapshot()
    bake_spy.fail_on = 2

    with pytest.raises(RuntimeError, match="forced failure"):
        bakeview.bake([planes[0], bare, planes[1]], size=16)

    assert snapshot() == before
