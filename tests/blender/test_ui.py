"""The add-on's registration, operators and panel; the operators call the same public API."""
import json
import os
import time

import bpy
import pytest

import bakeview
import bakeview.sheet
from bakeview import ui
from conftest import snapshot

CLASSES = ("BAKEVIEW_OT_bake", "BAKEVIEW_OT_render_view", "BAKEVIEW_OT_sprite_sheet",
           "BAKEVIEW_OT_pack_atlas", "BAKEVIEW_PT_bake", "BAKEVIEW_PT_render_view",
           "BAKEVIEW_PT_sprite_sheet", "BAKEVIEW_PT_sprite_sheet_framing", "BAKEVIEW_PT_pack_atlas")
PANELS = [name for name in CLASSES if "_PT_" in name]


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


@pytest.mark.parametrize("name", PANELS)
def test_panels_are_in_the_3d_viewport_sidebar(registered, name):
    panel = getattr(bpy.types, name)
    assert (panel.bl_space_type, panel.bl_region_type, panel.bl_category) == ("VIEW_3D", "UI", "bakeview")


@pytest.mark.parametrize("name", [n for n in CLASSES if "_OT_" in n])
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
    bpy.context.scene.bakeview.view_passes = {"COLOR", "DEPTH"}

    assert bpy.ops.bakeview.render_view() == {"FINISHED"}

    color, depth = bpy.data.images["Camera view"], bpy.data.images["Camera view depth"]
    assert tuple(color.size) == (24, 12) and tuple(depth.size) == (24, 12)
    assert max(bakeview.pixels(color)[3::4]) == pytest.approx(1.0)
    assert "bakeview: made Camera view, Camera view depth" in capfd.readouterr().out


def test_render_view_operator_needs_a_scene_camera(make, registered):
    make.textured_plane("A")

    assert not bpy.ops.bakeview.render_view.poll()


# -- poll messages: a greyed-out button says why ----------------------------------------------------

def _edit_mode(make):
    plane = make.textured_plane("A")
    bpy.context.view_layer.objects.active = plane
    plane.select_set(True)
    bpy.ops.object.mode_set(mode="EDIT")


def _nothing_baked(make):
    make.textured_plane("A").select_set(True)
    make.camera()


def _no_camera(make):
    make.textured_plane("A")


def _no_mesh_for_cycles(make):
    make.camera()
    bpy.context.scene.bakeview.sheet_renderer = "CYCLES"


@pytest.mark.parametrize("operator, setup, reason", [
    ("bake", lambda make: make.camera().select_set(True), "Select the mesh objects to bake"),
    ("bake", _edit_mode, "Object Mode"),
    ("render_view", _no_camera, "no camera"),
    ("render_view", _nothing_baked, "bake first"),
    ("sprite_sheet", _nothing_baked, "bake first"),
    ("sprite_sheet", _edit_mode, "Object Mode"),
    ("sprite_sheet", _no_mesh_for_cycles, "No mesh in view"),
    ("pack_atlas", _nothing_baked, "bake first"),
    ("pack_atlas", _edit_mode, "Object Mode"),
])
def test_an_operator_that_cannot_run_says_why(make, registered, operator, setup, reason):
    setup(make)
    with pytest.raises(RuntimeError, match=reason):  # the poll message, as the tooltip shows it
        getattr(bpy.ops.bakeview, operator)()


# -- the sprite sheet and atlas operators ------------------------------------------------------------

def test_sheet_operator_makes_what_sprite_sheet_makes_with_the_same_options(
        baked_cube, registered, tmp_path):
    settings = bpy.context.scene.bakeview
    settings.sheet_views, settings.sheet_elevation = "COMPASS8", 20.0
    settings.sheet_frame_size = (40, 32)
    settings.sheet_kind = "DIFFUSE"
    settings.sheet_projection = "PERSPECTIVE"
    settings.sheet_margin = 0.1
    settings.sheet_pivot = "FEET"
    settings.sheet_extrude = 1
    settings.sheet_shape_padding = 3
    settings.sheet_json_form = "ARRAY"
    settings.sheet_colour, settings.sheet_premultiplied = "SRGB", True
    settings.sheet_passes = {"COLOR", "DEPTH", "NORMAL"}
    settings.sheet_normal_y = "DOWN"
    settings.sheet_path = str(tmp_path / "ui" / "sheet.png")
    (tmp_path / "ui").mkdir()
    (tmp_path / "api").mkdir()

    assert bpy.ops.bakeview.sprite_sheet() == {"FINISHED"}
    bakeview.sprite_sheet(baked_cube, views="COMPASS8:20", frame_size=(40, 32), kind="DIFFUSE",
                          passes=("COLOR", "DEPTH", "NORMAL"), projection="PERSPECTIVE",
                          margin=settings.sheet_margin,  # 0.1 as a float32, as the UI holds it
                          pivot="FEET", extrude=1, shape_padding=3, json_form="ARRAY",
                          colour="SRGB", premultiplied=True, normal_y="DOWN",
                          path=str(tmp_path / "api" / "sheet.png"), overwrite=True)

    made = sorted(os.listdir(tmp_path / "ui"))
    assert made == sorted(os.listdir(tmp_path / "api")) and "sheet-normal.png" in made
    for name in made:
        assert (tmp_path / "ui" / name).read_bytes() == (tmp_path / "api" / name).read_bytes(), name
    frames = json.loads((tmp_path / "ui" / "sheet.json").read_text())["frames"]
    assert isinstance(frames, list) and len(frames) == 8  # ARRAY


def test_sheet_operator_renders_with_cycles_without_a_bake_as_sprite_sheet_does(
        make, registered, tmp_path):
    cube = make.cube("Cube", materials=[make.material("m", base=make.texture("t", 8, 8))])
    make.sun()
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples, scene.cycles.use_denoising = 2, False
    settings = scene.bakeview
    settings.sheet_views, settings.sheet_elevation = "COMPASS8", 20.0
    settings.sheet_frame_size = (24, 24)
    settings.sheet_renderer = "CYCLES"
    settings.sheet_path = str(tmp_path / "ui" / "sheet.png")
    (tmp_path / "ui").mkdir()
    (tmp_path / "api").mkdir()
    assert bpy.ops.bakeview.sprite_sheet() == {"FINISHED"}  # no bake needed
    bakeview.sprite_sheet(cube, views="COMPASS8:20", frame_size=(24, 24), renderer="CYCLES",
                          path=str(tmp_path / "api" / "sheet.png"), overwrite=True)
    for name in ("sheet.png", "sheet.json"):
        assert (tmp_path / "ui" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()


def test_sheet_operator_lit_by_the_scene_makes_the_files_sprite_sheet_makes(
        make, registered, tmp_path):
    cube = make.cube("Cube", materials=[make.material("m", base=make.texture("t", 8, 8),
                                                      roughness=0.3)])
    make.sun(rotation=(0.5, 0.2, 0.0))
    make.world(color=(0.1, 0.1, 0.1))
    cube.select_set(True)
    bakeview.bake(cube, kind="MATERIAL", size=16)
    settings = bpy.context.scene.bakeview
    settings.sheet_views, settings.sheet_elevation = "COMPASS8", 20.0
    settings.sheet_frame_size = (24, 24)
    settings.sheet_lighting = "SCENE"
    settings.sheet_kind = "DIFFUSE"  # not what lit frames draw: the operator leaves it out
    settings.sheet_path = str(tmp_path / "ui" / "sheet.png")
    (tmp_path / "ui").mkdir()
    (tmp_path / "api").mkdir()
    assert bpy.ops.bakeview.sprite_sheet() == {"FINISHED"}
    bakeview.sprite_sheet(cube, views="COMPASS8:20", frame_size=(24, 24), lighting="SCENE",
                          path=str(tmp_path / "api" / "sheet.png"), overwrite=True)
    for name in ("sheet.png", "sheet.json"):
        assert (tmp_path / "ui" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()


def test_views_spec_of_the_settings_is_the_api_spec(registered):
    settings = bpy.context.scene.bakeview
    cases = {("COMPASS16", 8, 15.0): "COMPASS16:15", ("TURNTABLE", 12, -10.0): "TURNTABLE:12:-10",
             ("OCTAHEDRAL", 6, 0.0): "OCTAHEDRAL:6", ("DIMETRIC8", 8, 0.0): "DIMETRIC8",
             ("ISOMETRIC8", 8, 0.0): "ISOMETRIC8"}
    for (views, count, elevation), spec in cases.items():
        settings.sheet_views, settings.sheet_count, settings.sheet_elevation = views, count, elevation
        assert ui.views_spec(settings) == spec
    settings.sheet_views, settings.sheet_views_spec = "SPEC", "turntable:4:0,45"
    assert len(bakeview.sheet.parse_views(ui.views_spec(settings))) == 8


def test_atlas_operator_packs_the_selected_bakes_with_a_new_uv_map(selected_planes, capfd):
    assert bpy.ops.bakeview.bake() == {"FINISHED"}
    settings = bpy.context.scene.bakeview
    settings.atlas_padding, settings.atlas_uv_map = 2, "atlas uv"

    assert bpy.ops.bakeview.pack_atlas() == {"FINISHED"}

    atlas = bpy.data.images["atlas"]
    assert atlas.size[0] >= 32 and atlas.size[1] >= 16
    assert "atlas uv" in selected_planes[0].data.uv_layers
    assert "atlas uv" in selected_planes[1].data.uv_layers
    assert "atlas uv" not in selected_planes[2].data.uv_layers  # not selected
    assert "packed 2 object(s) into 'atlas'" in capfd.readouterr().out


# -- time slices -------------------------------------------------------------------------------------

def test_a_slice_runs_steps_for_50_ms_and_three_times_the_wait_before_it():
    def steps():
        for i in range(100000):
            time.sleep(0.001)
            yield i, 100000, "step"

    slices = ui._Slices(steps())
    start = time.perf_counter()
    slices.run()  # the first one, in invoke: FIRST_SLICE
    assert ui.FIRST_SLICE <= time.perf_counter() - start < ui.FIRST_SLICE + 0.05
    start = time.perf_counter()
    slices.run()  # straight after: the UI took no time, MIN_SLICE of work
    assert ui.MIN_SLICE <= time.perf_counter() - start < ui.MIN_SLICE + 0.04
    time.sleep(0.1)  # the UI took 100 ms to draw: 300 ms of work
    start = time.perf_counter()
    slices.run()
    assert 0.3 <= time.perf_counter() - start < 0.35
    time.sleep(0.5)  # drawing took 500 ms: MAX_SLICE of work, not 1.5 s
    start = time.perf_counter()
    slices.run()
    assert ui.MAX_SLICE <= time.perf_counter() - start < ui.MAX_SLICE + 0.05


def test_a_slice_ends_when_the_work_does():
    def steps():
        yield 0, 2, "a"
        yield 1, 2, "b"
        return "result"

    with pytest.raises(StopIteration) as finished:
        ui._Slices(steps()).run()
    assert finished.value.value == "result"


def test_bake_steps_closed_early_leave_the_file_as_it_was(selected_planes):
    from bakeview.bake_images import bake_steps

    before = snapshot()
    steps = bake_steps(selected_planes[:2], size=8)
    assert next(steps) == (0, 2, "A")
    assert next(steps) == (1, 2, "B")  # A is baked
    steps.close()  # Esc
    after = snapshot()
    for state in (before, after):  # Cycles' own settings on a baked object: not bakeview's
        for props in state["props"].values():
            props.pop("cycles", None)
    assert after == before
