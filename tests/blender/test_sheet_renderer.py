"""sprite_sheet(renderer=...): frames from Blender's own renderer, with the sheet's views, framing,
trimming, packing and files; each frame against the standalone render of its view, and the scene
as it was afterwards, also when a render fails half way."""
import array
import math

import bpy
import pytest

import bakeview
import bakeview.render
from conftest import crop, differences, snapshot
from test_render_pixels import _everything

FRAME = (40, 32)


def _cycles(samples=8):
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples = samples
    scene.cycles.seed = 3
    scene.cycles.use_denoising = False
    scene.cycles.device = "CPU"
    return scene


@pytest.fixture
def lit_cube(make):
    """A textured cube (not baked), a sun and a world, and Cycles at 8 samples."""
    cube = make.cube("Cube", size=1.0, materials=[
        make.material("Cube", base=make.texture("t", 8, 8, seed=5), roughness=0.4)])
    cube.rotation_euler = (0.3, 0.2, 0.4)
    make.sun(rotation=(0.5, 0.3, 0.2))
    make.world(color=(0.3, 0.3, 0.35), strength=1.0)
    _cycles()
    return cube


def _frame_pixels(result, name, width, height):
    """A frame's pixels from its page Image, as the standalone frame (width x height, row 0 at
    the bottom): rows outside the trimmed rect are transparent black."""
    frame = next(f for f in result.frames if f["name"] == name)
    page = result.pages["COLOR"][frame["page"]]
    pw, ph = page.size
    values = array.array("f", bytes(16 * pw * ph))
    page.pixels.foreach_get(values)
    rows = crop(values, pw, ph, frame["frame"])
    out = array.array("f", bytes(16 * width * height))
    sx, sy, sw, sh = frame["source"]
    for r, row in enumerate(rows):
        y = height - 1 - (sy + r)
        out[4 * (y * width + sx):4 * (y * width + sx + sw)] = array.array("f", row)
    return out


def _standalone(camera, width, height):
    """The view rendered alone by render_pixels at the frame size, film transparent, straight."""
    scene = bpy.context.scene
    scene.render.resolution_x, scene.render.resolution_y = width, height
    scene.render.resolution_percentage = 100
    scene.render.film_transparent = True
    got = bakeview.render.render_pixels(camera=camera, engine="CYCLES", images=False)
    return array.array("f", bakeview._core.straight_alpha(got.pixels["COMBINED"]))


def test_every_cycles_frame_equals_the_standalone_render_of_its_view(lit_cube, make):
    cameras = [make.camera("Front", location=(0.0, -5.0, 0.4), rotation=(1.49, 0.0, 0.0)),
               make.camera("Side", location=(5.0, 0.0, 1.5), rotation=(1.27, 0.0, 1.5708))]
    cameras[1].data.type = "ORTHO"
    cameras[1].data.ortho_scale = 2.5
    result = bakeview.sprite_sheet(lit_cube, views=cameras, frame_size=FRAME, renderer="CYCLES")
    assert [f["name"] for f in result.frames] == ["Front", "Side"]
    assert all(f["trimmed"] for f in result.frames)  # trimming follows Blender's alpha
    for camera in cameras:
        expected = _standalone(camera, *FRAME)
        assert _frame_pixels(result, camera.name, *FRAME) == expected  # exactly
        assert max(expected[3::4]) == 1.0


def test_a_fitted_views_frame_equals_a_render_through_the_camera_its_json_describes(lit_cube,
                                                                                    tmp_path):
    """The JSON gives each frame's view and projection matrices: a camera built from them, as a
    consumer would, renders the frame (to the JSON's float32 digits: within 1e-4)."""
    import json

    import mathutils

    result = bakeview.sprite_sheet(lit_cube, views="COMPASS8:20", frame_size=FRAME,
                                   renderer="CYCLES", path=tmp_path / "hero.png")
    frames = json.loads((tmp_path / "hero.json").read_text())["frames"]
    for name in ("N", "SW"):
        described = frames[name]["bakeview"]  # 16 floats each, row-major
        p = [described["projection"][4 * r:4 * r + 4] for r in range(4)]  # orthographic, w >= h
        a, b = p[2][2], p[2][3]
        data = bpy.data.cameras.new(name)
        data.type, data.sensor_fit, data.ortho_scale = "ORTHO", "AUTO", 2.0 / p[0][0]
        data.clip_start, data.clip_end = (b + 1.0) / a, (b - 1.0) / a
        camera = bpy.data.objects.new(name, data)
        bpy.context.scene.collection.objects.link(camera)
        view = [described["view"][4 * r:4 * r + 4] for r in range(4)]
        camera.matrix_world = mathutils.Matrix(view).inverted()
        got, expected = _frame_pixels(result, name, *FRAME), _standalone(camera, *FRAME)
        assert max(abs(x - y) for x, y in zip(got, expected)) < 1e-4
        assert max(expected[3::4]) == 1.0


def _alpha_iou(a, b):
    inside_a = [x >= 0.5 for x in a[3::4]]
    inside_b = [x >= 0.5 for x in b[3::4]]
    both = sum(x and y for x, y in zip(inside_a, inside_b))
    either = sum(x or y for x, y in zip(inside_a, inside_b))
    return both / either


def test_fitted_views_frame_the_objects_as_bakeviews_frames_do(baked_cube):
    """Mixed: two of the eight views by Cycles, the rest by the core. Each Cycles frame covers
    what the core's frame of the same view covers (the camera placed and framed alike)."""
    _cycles(samples=4)
    mixed = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=FRAME,
                                  renderer={"N": "CYCLES", "SE": "cycles"})
    core = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=FRAME)
    for name in ("N", "SE"):
        ours, theirs = _frame_pixels(mixed, name, *FRAME), _frame_pixels(core, name, *FRAME)
        assert ours != theirs  # Cycles lit it; the core drew the bake
        assert _alpha_iou(ours, theirs) > 0.95
    for name in ("E", "S", "W"):
        assert _frame_pixels(mixed, name, *FRAME) == _frame_pixels(core, name, *FRAME)


ALTERNATING = {name: ("CYCLES", "WORKBENCH")[i % 2]
               for i, name in enumerate(("S", "SE", "E", "NE", "N", "NW", "W", "SW"))}


@pytest.mark.parametrize("renderer", ["CYCLES", ALTERNATING], ids=["cycles", "cycles_workbench"])
def test_objects_outside_the_sheet_are_hidden_and_the_scene_is_put_back(lit_cube, make, tmp_path,
                                                                         renderer):
    """Cycles hides them from the camera, Workbench from the render; one sheet may switch."""
    ground = make.plane("Ground", size=20.0, location=(0.0, 0.0, -1.0))
    scene = bpy.context.scene
    scene.render.resolution_x, scene.render.resolution_y = 1920, 1080
    scene.render.film_transparent = False
    before = _everything(scene)
    # Blender 3.4's Workbench leaves alpha 0.00053 on its empty film: half a code keeps the
    # trim to what the 8-bit file shows
    result = bakeview.sprite_sheet(lit_cube, views="COMPASS8:60", frame_size=FRAME,
                                   renderer=renderer, path=tmp_path / "hero.png",
                                   alpha_threshold=0.5 / 255)
    after = _everything(scene)
    for image in (i for pages in result.pages.values() for i in pages):
        after["images"].pop(image.name)
        after["data"]["images"].remove(image.name)
    assert differences(before, after) == []
    assert ground.visible_camera is True and ground.hide_render is False
    for frame in result.frames:  # the cube alone: the ground would fill the whole frame
        assert frame["trimmed"] and frame["source"][2] < FRAME[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hero.json", "hero.png"]


@pytest.mark.parametrize("projection", ["ORTHOGRAPHIC", "PERSPECTIVE"])
def test_normal_and_depth_sheets_from_cycles_match_the_cores(baked_sphere, projection):
    """Blender's normal pass (world space) turned to camera space, and its Z pass, against the
    core's passes of the same views: the decoded normals agree in direction, the depths within
    a small fraction of the range."""
    _cycles(samples=4)
    options = dict(views="COMPASS8:30", frame_size=(48, 48), passes=("COLOR", "NORMAL", "DEPTH"),
                   projection=projection)
    theirs = bakeview.sprite_sheet(baked_sphere, renderer="CYCLES", **options)
    ours = bakeview.sprite_sheet(baked_sphere, **options)
    assert theirs.depth_range == ours.depth_range
    for name in ("N", "NE"):
        a = _pass_pixels(theirs, "NORMAL", name)
        b = _pass_pixels(ours, "NORMAL", name)
        colour = _pass_pixels(theirs, "COLOR", name)
        core_colour = _pass_pixels(ours, "COLOR", name)  # inside on both: alpha 1 (to 1e-7)
        angles = []
        for i in range(len(colour) // 4):
            if colour[4 * i + 3] > 0.999 and core_colour[4 * i + 3] > 0.999:
                n = [2.0 * a[4 * i + k] - 1.0 for k in range(3)]
                m = [2.0 * b[4 * i + k] - 1.0 for k in range(3)]
                dot = sum(x * y for x, y in zip(n, m)) / math.sqrt(
                    sum(x * x for x in n) * sum(y * y for y in m))
                angles.append(math.degrees(math.acos(max(-1.0, min(1.0, dot)))))
        assert angles and sorted(angles)[len(angles) // 2] < 2.0  # the sphere's facets
        da, db = _pass_pixels(theirs, "DEPTH", name), _pass_pixels(ours, "DEPTH", name)
        errors = [abs(da[4 * i] - db[4 * i]) for i in range(len(colour) // 4)
                  if colour[4 * i + 3] > 0.999 and core_colour[4 * i + 3] > 0.999]
        assert sorted(errors)[len(errors) * 95 // 100] < 0.01  # along the view axis, as ours


def _pass_pixels(result, p, name):
    frame = next(f for f in result.frames if f["name"] == name)
    page = result.pages[p][frame["page"]]
    pw, ph = page.size
    values = array.array("f", bytes(16 * pw * ph))
    page.pixels.foreach_get(values)
    x, y, w, h = frame["frame"]
    sx, sy, sw, sh = frame["source"]
    out = array.array("f", bytes(16 * 48 * 48))
    for r, row in enumerate(crop(values, pw, ph, (x, y, w, h))):
        yy = 47 - (sy + r)
        out[4 * (yy * 48 + sx):4 * (yy * 48 + sx + sw)] = array.array("f", row)
    return out


def test_a_render_failing_half_way_leaves_nothing_behind(lit_cube, monkeypatch, tmp_path):
    scene = bpy.context.scene
    before = _everything(scene)
    calls = []
    real = bakeview.render.render_pixels

    def fail_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("injected: Blender did not render")
        return real(*args, **kwargs)

    monkeypatch.setattr(bakeview.render, "render_pixels", fail_on_the_third)
    with pytest.raises(RuntimeError, match="injected"):
        bakeview.sprite_sheet(lit_cube, views="COMPASS8", frame_size=FRAME, renderer="CYCLES",
                              path=tmp_path / "hero.png")
    assert differences(before, _everything(scene)) == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("arguments, error, words", [
    ({"renderer": "POVRAY"}, ValueError, "renderer must be one of BAKEVIEW, CYCLES, EEVEE"),
    ({"renderer": 7}, TypeError, "renderer must be one of"),
    ({"renderer": {"NNE": "CYCLES"}}, ValueError, "renderer names view 'NNE', which the sheet"),
    ({"renderer": {"N": "NOPE"}}, ValueError, "renderer of view 'N'"),
    ({"renderer": "CYCLES", "passes": ("COLOR", "UV")}, ValueError,
     "passes UV come from bakeview's renderer only"),
])
def test_bad_renderers_are_refused_before_any_work(lit_cube, arguments, error, words):
    before = snapshot()
    with pytest.raises(error, match=words):
        bakeview.sprite_sheet(lit_cube, views="COMPASS8", frame_size=FRAME, **arguments)
    assert differences(before, snapshot()) == []


def test_blender_frames_need_no_bake_but_core_frames_do(lit_cube):
    result = bakeview.sprite_sheet(views="COMPASS8", frame_size=FRAME, renderer="WORKBENCH")
    assert len(result.frames) == 8
    with pytest.raises(ValueError, match="no baked objects in view"):
        bakeview.sprite_sheet(views="COMPASS8", frame_size=FRAME, renderer={"N": "WORKBENCH"})


def test_the_command_line_renders_frames_with_cycles_without_baking(make, tmp_path, capsys):
    """`sheet --renderer CYCLES` on a file with no bake: nothing is baked, every frame is
    Blender's; `--renderer N=CYCLES` bakes for the other views."""
    from bakeview import cli, records

    make.cube("Cube", materials=[make.material("m", base=make.texture("t", 8, 8))])
    make.sun()
    _cycles(samples=2)
    blend = tmp_path / "scene.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    out = tmp_path / "out"
    common = ["sheet", str(blend), "--out", str(out), "--frame-size", "24", "--bake-size", "8"]
    assert cli.run(common + ["--renderer", "cycles"]) == 0
    printed = capsys.readouterr().out
    assert "baking" not in printed
    assert records.baked_image(bpy.data.objects["Cube"], None) is None
    assert sorted(p.name for p in out.iterdir()) == ["scene.json", "scene.png"]
    assert cli.run(common + ["--renderer", "N=CYCLES,S=WORKBENCH", "--overwrite"]) == 0
    assert "baking 1 object(s)" in capsys.readouterr().out
    assert cli.run(common + ["--renderer", "NNE=CYCLES", "--overwrite"]) == 1
    assert "--renderer names view 'NNE'" in capsys.readouterr().err
