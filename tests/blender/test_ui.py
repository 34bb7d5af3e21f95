"""The add-on's registration, operators and panel; the operators call the same public API."""
import bpy
import pytest

import bakeview
from conftest import snapshot

CLASSES = ("BAKEVIEW_OT_bake", "BAKEVIEW_OT_render_view", "BAKEVIEW_PT_panel")


def is_registered():
    return hasattr(bpy.types, "BAKEVIEW_OT_bake")


@pytest.fixture
def registered():
    bakeview.register()
    yield
    if is_registered():
        bakeview.unregister()


@pytest.fixture
def selected_planes(make, registered):
    """A and B selected (and a selected camera, which the operator must skip); C not selected."""
    planes = [make.textured_plane(name, location=(3.0 * i, 0, 0), seed=i + 1)
              for i, name in enumerate(("A", "B", "C"))]
    camera = make.camera(location=(3.0, 0.0, 10.0), orthographic_scale=10.0, resolution=(24, 12))
    for obj in (planes[0], planes[1], camera):
        obj.select_set(True)
    bpy.context.view_layer.objects.active = planes[0]
    bpy.context.scene.bakeview.size = 16
    return planes


def test_register_adds_operators_panel_and_settings_and_unregister_removes_them():
    bakeview.register()
    try:
        for name in CLASSES:
            assert hasattr(bpy.types, name), name
        assert bpy.ops.bakeview.bake.idname() == "BAKEVIEW_OT_bake"
        assert bpy.ops.bakeview.render_view.idname() == "BAKEVIEW_OT_render_view"
        settings = bpy.context.scene.bakeview
        assert settings.kind == "DIFFUSE" and settings.size == 1024 and settings.samples == 0
    finally:
        bakeview.unregister()
    for name in CLASSES:
        assert not hasattr(bpy.types, name), name
    assert not hasattr(bpy.types.Scene, "bakeview")


def test_register_after_unregister_works_again():
    bakeview.register()
    bakeview.unregister()
    bakeview.register()
    try:
        assert is_registered()
    finally:
        bakeview.unregister()


def test_panel_is_in_the_3d_viewport_sidebar(registered):
    panel = bpy.types.BAKEVIEW_PT_panel
    assert (panel.bl_space_type, panel.bl_region_type, panel.bl_category) == ("VIEW_3D", "UI", "bakeview")


@pytest.mark.parametrize("name", ["BAKEVIEW_OT_bake", "BAKEVIEW_OT_render_view"])
def test_operators_are_undoable(registered, name):
    assert {"REGISTER", "UNDO"} <= set(getattr(bpy.types, name).bl_options)


def test_operator_kinds_are_the_api_kinds(registered):
    items = bpy.context.scene.bakeview.bl_rna.properties["kind"].enum_items
    assert {item.identifier for item in items} == set(bakeview.BAKE_KINDS)


def test_bake_operator_bakes_the_selected_meshes_and_reports(selected_planes, capfd):
    result = bpy.ops.bakeview.bake()

    assert result == {"FINISHED"}
    assert tuple(bpy.data.images["A_DIFFUSE"].size) == (16, 16)
    assert tuple(bpy.data.images["B_DIFFUSE"].size) == (16, 16)
    assert "C_DIFFUSE" not in bpy.data.images
    assert "bakeview: baked 2 object(s) into A_DIFFUSE, B_DIFFUSE" in capfd.readouterr().out
    assert sorted(o.name for o in bpy.context.selected_objects) == ["A", "B", "Camera"]
    assert bpy.context.view_layer.objects.active.name == "A"


def test_bake_operator_uses_the_scene_settings(selected_planes):
    settings = bpy.context.scene.bakeview
    settings.kind = "NORMAL"
    settings.size = 8

    assert bpy.ops.bakeview.bake() == {"FINISHED"}

    image = bpy.data.images["A_NORMAL"]
    assert tuple(image.size) == (8, 8)
    assert list(bakeview.pixels(image)[:3]) == pytest.approx([0.5, 0.5, 1.0], abs=0.01)


def test_bake_operator_replaces_images_only_with_the_overwrite_setting(selected_planes):
    assert bpy.ops.bakeview.bake() == {"FINISHED"}
    before = snapshot()

    with pytest.raises(RuntimeError, match="overwrite"):
        bpy.ops.bakeview.bake()
    assert snapshot() == before

    bpy.context.scene.bakeview.overwrite = True
    assert bpy.ops.bakeview.bake() == {"FINISHED"}


def test_bake_operator_turns_errors_into_reports_and_changes_nothing(make, registered):
    material = make.material("plain", base=(0.5, 0.5, 0.5, 1.0))
    plane = make.plane("NoUV", uv=False, materials=[material])
    plane.select_set(True)
    bpy.context.scene.bakeview.size = 8
    before = snapshot()

    with pytest.raises(RuntimeError, match="auto_uv"):  # bpy.ops raises on an ERROR report
        bpy.ops.bakeview.bake()

    assert snapshot() == before


def test_bake_operator_needs_a_selected_mesh(make, registered):
    make.textured_plane("A")
    make.camera().select_set(True)

    assert not bpy.ops.bakeview.bake.poll()


def test_render_view_operator_renders_the_scene_camera(selected_planes, capfd):
    assert bpy.ops.bakeview.bake() == {"FINISHED"}
    bpy.context.scene.bakeview.passes = {"COLOR", "DEPTH"}

    assert bpy.ops.bakeview.render_view() == {"FINISHED"}

    color, depth = bpy.data.images["Camera view"], bpy.data.images["Camera view depth"]
    assert tuple(color.size) == (24, 12) and tuple(depth.size) == (24, 12)
    assert max(bakeview.pixels(color)[3::4]) == pytest.approx(1.0)
    assert "bakeview: made Camera view, Camera view depth" in capfd.readouterr().out


def test_render_view_operator_needs_a_scene_camera(make, registered):
    make.textured_plane("A")

    assert not bpy.ops.bakeview.render_view.poll()
