"""A failure at any stage of bake, render_view, sprite_sheet and pack_atlas, and Esc in the Sprite
Sheet operator, leave the file exactly as it was: every setting bakeview touches, every datablock
(images and their pixels, materials and nodes, UV maps and their coordinates, actions, custom
properties), the frame, the selection, and every file of the output folder byte for byte.

Each stage is reached by making the function it calls raise on its n-th call, before or after
doing its work; the scenes start from an unusual state with earlier results to be replaced
(overwrite=True), so that a restore which forgets anything shows. Not a stage: the last step of
bake and pack_atlas, images.take_name, where a new image takes the place of the one it replaces
(which hands over its users and goes); it cannot be undone, and it calls nothing that fails."""
import os
import types

import bpy
import pytest

import bakeview
import bakeview.atlas
import bakeview.bake_images
import bakeview.framing
import bakeview.images
import bakeview.records
import bakeview.sheet
import bakeview.view
from conftest import _Proxy, files_in, snapshot


class InjectedFailure(RuntimeError):
    """The failure a test injects; nothing in bakeview raises it."""


def fail_on_call(monkeypatch, owner, name, on_call=1, after=False):
    """Makes owner.name raise InjectedFailure on its on_call-th call, before it does its work or,
    with after=True, once it has done it. Returns the list of calls made."""
    real = getattr(owner, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(name)
        now = len(calls) == on_call
        if now and not after:
            raise InjectedFailure(f"{name}, call {on_call}")
        result = real(*args, **kwargs)
        if now:
            raise InjectedFailure(f"after {name}, call {on_call}")
        return result

    monkeypatch.setattr(owner, name, failing)
    return calls


def fail_operator(monkeypatch, module, category, name, on_call=1):
    """Makes bpy.ops.<category>.<name>, as `module` calls it, raise on its on_call-th call."""
    calls = []

    def failing(*args, **kwargs):
        calls.append(name)
        if len(calls) == on_call:
            raise InjectedFailure(f"bpy.ops.{category}.{name}, call {on_call}")
        return getattr(getattr(bpy.ops, category), name)(*args, **kwargs)

    class LiveOps:  # bpy.ops categories are rebuilt on every access: delegate lazily
        def __getattr__(self, wanted):
            found = getattr(bpy.ops, wanted)
            return _Proxy(found, **{name: failing}) if wanted == category else found

    monkeypatch.setattr(module, "bpy", _Proxy(bpy, ops=LiveOps()))
    return calls


def inject(monkeypatch, target, on_call, after):
    """target: "module.function" in bakeview, or "module._core.function" for a core function as
    that module calls it (the module gets a stand-in _core)."""
    module_name, _, rest = target.partition(".")
    module = getattr(bakeview, module_name)
    if rest.startswith("_core."):
        owner = _Proxy(module._core)
        monkeypatch.setattr(module, "_core", owner)
        rest = rest[len("_core."):]
    elif rest.startswith("ops."):
        category, name = rest[len("ops."):].split(".")
        return fail_operator(monkeypatch, module, category, name, on_call)
    else:
        owner = module
    return fail_on_call(monkeypatch, owner, rest, on_call, after)


def stages(table):
    return [pytest.param(target, on_call, after, id=name)
            for name, (target, on_call, after) in table.items()]


def unusual_settings(scene):
    """Settings nobody renders with, so that anything left changed shows."""
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.cycles.samples = 7
    scene.cycles.use_denoising = True
    scene.render.bake.margin = 3
    scene.render.bake.target = "VERTEX_COLORS"
    scene.render.filepath = "//frames/f_"
    scene.frame_set(7)
    camera = bpy.data.objects["Camera"]
    for obj in bpy.context.view_layer.objects:
        obj.select_set(obj == camera)
    bpy.context.view_layer.objects.active = camera


def assert_unchanged(before, folder=None, files=None):
    assert snapshot() == before
    if folder is not None:
        assert files_in(folder) == files, "the output folder changed"


# -- bake ------------------------------------------------------------------------------------------


@pytest.fixture
def bake_scene(make):
    """A (textured, baked before: overwrite=True must keep the old bake and its users), Bare (no
    material: gets a temporary one), NoUV (no UV map: gets one with auto_uv), in that order."""
    a = make.textured_plane("A")
    bare = make.plane("Bare", location=(3, 0, 0))
    plain = make.material("plain", base=(0.4, 0.5, 0.6, 1.0))
    no_uv = make.plane("NoUV", uv=False, materials=[plain], location=(6, 0, 0))
    make.camera(location=(3, 0, 10), orthographic_scale=10.0)
    bakeview.bake(a, size=8)
    make.material("viewer", base=bpy.data.images["A_DIFFUSE"])
    unusual_settings(make.scene)
    bare.hide_set(True)
    return [a, bare, no_uv]


BAKE_STAGES = {
    "choose objects": ("bake_images._resolve_objects", 1, False),
    "check UV maps": ("bake_images._check_uvs", 3, False),
    "add the auto UV map": ("bake_images._add_auto_uv", 1, True),
    "unwrap in Edit Mode": ("bake_images.ops.uv.smart_project", 1, False),
    "create the first image": ("bake_images._new_image", 1, True),
    "create the second image": ("bake_images._new_image", 2, True),
    "temporary material": ("bake_images._ensure_materials", 2, True),
    "target nodes": ("bake_images._set_target", 3, True),
    "select the object": ("bake_images._select_only", 2, True),
    "record the first bake": ("records.remember", 1, False),
    "record the last bake": ("records.remember", 3, True),
}


@pytest.mark.parametrize("target, on_call, after", stages(BAKE_STAGES))
def test_bake_failing_at_any_stage_leaves_the_file_as_it_was(bake_scene, monkeypatch, target,
                                                             on_call, after):
    before = snapshot()
    calls = inject(monkeypatch, target, on_call, after)

    with pytest.raises(InjectedFailure):
        bakeview.bake(bake_scene, size=16, overwrite=True, auto_uv=True)

    assert len(calls) == on_call
    assert bpy.context.mode == "OBJECT"
    assert_unchanged(before)


@pytest.mark.parametrize("after", [False, True], ids=["before it", "after it"])
@pytest.mark.parametrize("on_call", [1, 2, 3], ids=["first bake", "second bake", "last bake"])
def test_bake_failing_around_each_objects_bake_leaves_the_file_as_it_was(bake_scene, bake_spy,
                                                                         on_call, after):
    before = snapshot()
    bake_spy.fail_on, bake_spy.fail_after = on_call, after
    bake_spy.exception = InjectedFailure("bake")

    with pytest.raises(InjectedFailure):
        bakeview.bake(bake_scene, size=16, overwrite=True, auto_uv=True)

    assert len(bake_spy.calls) == on_call
    assert_unchanged(before)


# -- render_view -----------------------------------------------------------------------------------


@pytest.fixture
def view_scene(make, tiny_scene):
    """Three baked planes; images 'shot' (the size render_view makes) and 'shot depth' (another
    size) to replace with overwrite=True, each used by a material."""
    planes, _ = tiny_scene
    bakeview.bake(planes, size=16)
    shot = make.texture("shot", 32, 16, seed=7)
    depth = make.texture("shot depth", 8, 8, seed=8)
    make.material("uses shots", base=shot, emission=depth)
    unusual_settings(make.scene)
    return planes


VIEW_STAGES = {
    "resolve the camera": ("view._resolve_camera", 1, True),
    "choose objects": ("view._resolve_objects", 1, True),
    "read the first texture": ("textures.texture", 1, True),
    "read the last texture": ("textures.texture", 3, True),
    "extract the second mesh": ("view.core_mesh", 2, True),
    "camera matrices": ("view.camera_matrices", 1, True),
    "render": ("view._core.render", 1, True),
    "convert a data pass": ("view._core.to_rgba", 2, True),
    "store the first image": ("images.store", 1, True),
    "store the second image": ("images.store", 2, True),
    "store the last image": ("images.store", 3, True),
}


@pytest.mark.parametrize("target, on_call, after", stages(VIEW_STAGES))
def test_render_view_failing_at_any_stage_leaves_the_file_as_it_was(view_scene, monkeypatch,
                                                                    target, on_call, after):
    before = snapshot()
    calls = inject(monkeypatch, target, on_call, after)

    with pytest.raises(InjectedFailure):
        bakeview.render_view(objects=view_scene, passes=("COLOR", "DEPTH", "OBJECT_ID"),
                             name="shot", overwrite=True)

    assert len(calls) == on_call
    assert_unchanged(before)


# -- sprite_sheet ----------------------------------------------------------------------------------


def keyed_action(obj, name, keys):
    """An action scaling obj: keys are (frame, scale)."""
    if obj.animation_data is None:
        obj.animation_data_create()
    action = bpy.data.actions.new(name)
    obj.animation_data.action = action
    for frame, scale in keys:
        obj.scale = (scale,) * 3
        obj.keyframe_insert("scale", frame=frame)
    return action


@pytest.fixture
def sheet_scene(make, tmp_path):
    """A baked cube that plays two actions (its own action is a third), a camera among the views,
    and an output folder holding an earlier sheet (to be replaced) and a file of the user's."""
    cube = make.cube("Cube", materials=[make.material("Cube m", base=make.texture("t", 12, 8))])
    cube.rotation_euler = (0.3, 0.2, 0.4)
    make.camera(location=(0.0, -6.0, 0.0), rotation=(1.5707963, 0.0, 0.0), resolution=(20, 16))
    bakeview.bake(cube, size=32)
    keyed_action(cube, "grow", [(1, 0.5), (2, 1.0)])
    keyed_action(cube, "shrink", [(10, 1.0), (11, 0.5)])
    keyed_action(cube, "idle", [(1, 0.8)])
    folder = tmp_path / "out"
    folder.mkdir()
    for name, data in (("sheet.png", b"an older sheet"), ("sheet-1.json", b"{}"),
                       ("sheet-normal-0.png", b"older normals"), ("notes.txt", b"the user's")):
        (folder / name).write_bytes(data)
    make.texture("sheet", 4, 4)  # an image named like the pages: they get other names
    unusual_settings(make.scene)
    return types.SimpleNamespace(cube=cube, folder=str(folder), path=str(folder / "sheet.png"))


def make_sheet(sheet_scene, **options):
    return bakeview.sprite_sheet(
        sheet_scene.cube, views=[bpy.data.objects["Camera"], (0.0, 30.0), (90.0, 0.0)],
        frame_size=(24, 24), actions=["grow", "shrink"], passes=("COLOR", "NORMAL"),
        max_size=(32, 32), dedupe=True, path=sheet_scene.path, overwrite=True, **options)


SHEET_STAGES = {
    "choose objects": ("view._resolve_objects", 1, True),
    "read textures": ("textures.texture", 1, True),
    "actions": ("sheet._clips", 1, True),
    "play the second action for framing": ("sheet._play", 2, True),
    "framing over the frames": ("sheet._bounds", 3, True),
    "fit the views": ("framing.camera", 2, True),
    "extract the meshes of a frame": ("sheet.core_mesh", 3, True),
    "a camera view": ("sheet.camera_matrices", 2, True),
    "play the second action for rendering": ("sheet._play", 4, True),
    "render the first view": ("sheet._core.render", 1, True),
    "render a later view": ("sheet._core.render", 7, True),
    "trim": ("sheet._core.trim_bounds", 5, True),
    "find identical frames": ("sheet._core.rect_hash", 5, True),
    "pack": ("sheet._core.pack", 1, True),
    "copy a frame into its page": ("sheet._core.blit", 6, True),
    "encode a normal page": ("sheet._core.encode_normal_sheet", 2, True),
    "write the first PNG": ("sheet._core.write_png", 1, True),
    "write a later PNG": ("sheet._core.write_png", 3, True),
    "write the first JSON": ("sheet._core.write_json", 1, True),
    "write the last JSON": ("sheet._core.write_json", 2, True),
    "write the multi-pack JSON": ("sheet._core.write_multipack_json", 1, True),
    "store the first page image": ("images.store", 1, True),
    "store a later page image": ("images.store", 3, True),
}


def test_the_sheet_scene_makes_several_pages_of_both_passes(sheet_scene):
    """The stages below exist: several pages, so several PNG, JSON and Image writes, and the
    multi-pack sheet.json."""
    result = make_sheet(sheet_scene)
    pages = len(result.pages["COLOR"])
    assert pages >= 2 and len(result.pages["NORMAL"]) == pages
    assert len(result.frames) == 3 * 4
    made = [f"sheet{tag}-{i}.{ext}" for i in range(pages)
            for tag, ext in (("", "png"), ("", "json"), ("-normal", "png"))]
    assert sorted(os.listdir(sheet_scene.folder)) == sorted(
        made + ["notes.txt", "sheet.png", "sheet.json"])


@pytest.mark.parametrize("target, on_call, after", stages(SHEET_STAGES))
def test_sprite_sheet_failing_at_any_stage_leaves_the_file_and_folder_as_they_were(
        sheet_scene, monkeypatch, target, on_call, after):
    before, files = snapshot(), files_in(sheet_scene.folder)
    calls = inject(monkeypatch, target, on_call, after)

    with pytest.raises(InjectedFailure):
        make_sheet(sheet_scene)

    if target == "sheet._core.render":  # views render a core's worth ahead, on worker threads
        assert on_call <= len(calls) < on_call + (os.cpu_count() or 1)
    else:
        assert len(calls) == on_call
    assert bpy.context.scene.frame_current == 7
    assert sheet_scene.cube.animation_data.action.name == "idle"
    assert_unchanged(before, sheet_scene.folder, files)


def test_sprite_sheet_failing_leaves_a_target_without_animation_data_without_it(
        sheet_scene, monkeypatch):
    sheet_scene.cube.animation_data_clear()
    before, files = snapshot(), files_in(sheet_scene.folder)
    inject(monkeypatch, "sheet._core.render", 3, True)

    with pytest.raises(InjectedFailure):
        make_sheet(sheet_scene)

    assert sheet_scene.cube.animation_data is None
    assert_unchanged(before, sheet_scene.folder, files)


# -- Esc in the Sprite Sheet operator --------------------------------------------------------------


class _Event:
    def __init__(self, kind):
        self.type, self.value = kind, "PRESS"


def drive_sheet_operator(context, ticks):
    """Runs the Sprite Sheet operator as the UI does: invoke, then `ticks` timer events, then Esc,
    until it stops running; returns what each call returned and the operator's reports. Time
    slices of no length: invoke and each tick run one step (one view) each. A stand-in takes the
    place of the operator instance (background mode delivers no events), with the operator
    class's own methods."""
    from bakeview import ui

    operator = ui.BAKEVIEW_OT_sprite_sheet
    handlers = []
    window_manager = _Proxy(context.window_manager, modal_handler_add=handlers.append)
    context = _Proxy(context, window_manager=window_manager)
    slices = (ui.MIN_SLICE, ui.MAX_SLICE, ui.FIRST_SLICE)
    ui.MIN_SLICE = ui.MAX_SLICE = ui.FIRST_SLICE = 0.0

    class StandIn:
        invoke, modal, _show, _stop = operator.invoke, operator.modal, operator._show, operator._stop
        _start, _status, _done = operator._start, operator._status, operator._done
        bl_label, blocking, cancelled = operator.bl_label, operator.blocking, operator.cancelled
        _slices = _timer = None

        def __init__(self):
            self.reports = []

        def report(self, kind, message):
            self.reports.append((set(kind), message))

    try:
        running = StandIn()
        returned = [running.invoke(context, _Event("INVOKE"))]
        assert handlers == [running]
        for kind in ["TIMER"] * ticks + ["ESC"]:
            returned.append(running.modal(context, _Event(kind)))
            if returned[-1] != {"RUNNING_MODAL"}:
                break
    finally:
        ui.MIN_SLICE, ui.MAX_SLICE, ui.FIRST_SLICE = slices
    return returned, running.reports


@pytest.fixture
def registered():
    from bakeview import ui

    ui.register()
    yield
    ui.unregister()


def sheet_settings(sheet_scene):
    """The operator's settings: 4 views x frames 1, 3, 5 into the scene's output folder."""
    settings = bpy.context.scene.bakeview
    settings.sheet_views, settings.sheet_count = "TURNTABLE", 4
    settings.sheet_frame_size = (24, 24)
    settings.sheet_animation, settings.sheet_frame_step = True, 2
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 5
    settings.sheet_path = sheet_scene.path
    sheet_scene.cube.select_set(True)


@pytest.mark.parametrize("ticks", [0, 1, 5, 11])
def test_esc_in_the_sprite_sheet_operator_leaves_the_file_and_folder_as_they_were(
        sheet_scene, registered, ticks):
    sheet_settings(sheet_scene)
    before, files = snapshot(), files_in(sheet_scene.folder)

    returned, reports = drive_sheet_operator(bpy.context, ticks)

    assert returned == [{"RUNNING_MODAL"}] * (ticks + 1) + [{"CANCELLED"}]
    assert reports[-1] == ({"WARNING"}, "bakeview: sprite sheet cancelled, nothing written")
    assert bpy.context.scene.frame_current == 7
    assert_unchanged(before, sheet_scene.folder, files)


def test_a_failure_in_the_sprite_sheet_operator_is_reported_and_leaves_everything(
        sheet_scene, registered, monkeypatch):
    sheet_settings(sheet_scene)
    before, files = snapshot(), files_in(sheet_scene.folder)
    inject(monkeypatch, "sheet._core.render", 4, True)

    returned, reports = drive_sheet_operator(bpy.context, 12)

    # invoke checks the arguments and stops before view 0; tick k renders view k - 1
    assert returned == [{"RUNNING_MODAL"}] * 4 + [{"CANCELLED"}]
    assert reports == [({"ERROR"}, "after render, call 4")]
    assert_unchanged(before, sheet_scene.folder, files)


def test_the_sprite_sheet_operator_driven_to_the_end_writes_the_sheet(sheet_scene, registered):
    """The driver reaches the end when not cancelled: 12 views, one a tick, then the sheet is
    made (in the 12th tick, after its view)."""
    sheet_settings(sheet_scene)

    returned, _ = drive_sheet_operator(bpy.context, 13)

    assert returned == [{"RUNNING_MODAL"}] * 12 + [{"FINISHED"}]
    assert os.path.exists(os.path.join(sheet_scene.folder, "sheet.json"))


# -- pack_atlas ------------------------------------------------------------------------------------


@pytest.fixture
def atlas_scene(make, tmp_path):
    """A, B, C baked at three sizes; an earlier atlas of A and B: the image 'atlas' (used by a
    material), their UV maps 'bakeview_atlas' (rewritten in place with overwrite=True), and
    atlas.png and atlas.json in the output folder."""
    sizes = {"A": (32, 16), "B": (16, 32), "C": (8, 8)}
    planes = []
    for i, (name, size) in enumerate(sizes.items()):
        plane = make.textured_plane(name, location=(3.0 * i, 0, 0), seed=i + 1)
        bakeview.bake(plane, size=size)
        planes.append(plane)
    make.camera(location=(3, 0, 10), orthographic_scale=10.0)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_bytes(b"the user's")
    earlier = bakeview.pack_atlas(planes[:2], path=str(folder / "atlas.png"))
    make.material("uses the atlas", base=earlier.image)
    unusual_settings(make.scene)
    return types.SimpleNamespace(planes=planes, folder=str(folder),
                                 path=str(folder / "atlas.png"))


ATLAS_STAGES = {
    "choose objects": ("view._resolve_objects", 1, True),
    "group meshes": ("atlas._groups", 1, True),
    "check the bakes": ("atlas._check_sources", 1, True),
    "place the bakes": ("atlas._core.pack", 1, True),
    "read the second bake": ("atlas._rgba", 2, True),
    "scale a bake down": ("atlas._halve", 2, True),
    "copy the second bake": ("atlas._core.blit", 2, True),
    "rewrite an existing UV map": ("atlas._write_uv_map", 1, True),
    "add a new UV map": ("atlas._write_uv_map", 3, True),
    "set UVs": ("atlas._set_uvs", 3, True),
    "store the atlas image": ("images.store", 1, True),
    "write the PNG": ("atlas._write_png", 1, True),
    "write the JSON": ("atlas._write_json", 1, True),
}


@pytest.mark.parametrize("target, on_call, after", stages(ATLAS_STAGES))
def test_pack_atlas_failing_at_any_stage_leaves_the_file_and_folder_as_they_were(
        atlas_scene, monkeypatch, target, on_call, after):
    before, files = snapshot(), files_in(atlas_scene.folder)
    calls = inject(monkeypatch, target, on_call, after)

    with pytest.raises(InjectedFailure):
        bakeview.pack_atlas(atlas_scene.planes, scale=0.5, overwrite=True, path=atlas_scene.path)

    assert len(calls) == on_call
    assert_unchanged(before, atlas_scene.folder, files)


def test_sprite_sheet_whose_progress_callback_fails_leaves_the_file_and_folder_as_they_were(
        sheet_scene):
    before, files = snapshot(), files_in(sheet_scene.folder)
    calls = []

    def progress(done, total, view):
        calls.append(view)
        if len(calls) == 3:
            raise InjectedFailure("progress, call 3")

    try:  # the error is kept, and with it the call's frames, as a caller's handler may keep it
        make_sheet(sheet_scene, progress=progress)
    except InjectedFailure as error:
        failure = error
    assert failure.__traceback__ is not None

    assert_unchanged(before, sheet_scene.folder, files)
