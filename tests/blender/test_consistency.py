"""One API: enumerations in any case, render_view's own images replaced rather than piled up,
the sheet's pivot, compass elevations and the dimetric and isometric presets."""
import inspect
import json
import math

import bpy
import pytest

import bakeview
from bakeview import sheet, viewsets
from conftest import BLENDER_5, snapshot


def page(result, kind="COLOR"):
    image = result.pages[kind][0]
    return list(bakeview.pixels(image)), tuple(image.size)


# -- enumerations in any case --------------------------------------------------------------------------

def test_sprite_sheet_takes_every_enumeration_in_any_case(baked_cube, tmp_path):
    upper = dict(views="TURNTABLE:4:0,30", projection="PERSPECTIVE", kind="DIFFUSE",
                 passes=("COLOR", "DEPTH"), filter="BOX", layout="GRID", heuristic="BSSF",
                 json_form="ARRAY", colour="SRGB", normal_y="DOWN", pivot="FEET")
    lower = {k: (tuple(p.lower() for p in v) if isinstance(v, tuple) else v.lower())
             for k, v in upper.items()}
    lower["views"] = "Turntable:4:0,30"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = bakeview.sprite_sheet(baked_cube, frame_size=(24, 24), path=str(tmp_path / "a" / "s.png"),
                              name="upper", **upper)
    b = bakeview.sprite_sheet(baked_cube, frame_size=(24, 24), path=str(tmp_path / "b" / "s.png"),
                              name="lower", **lower)
    assert b.frames == a.frames and len(a.frames) == 8
    assert page(b, "DEPTH") == page(a, "DEPTH")
    assert (tmp_path / "b" / "s.json").read_text() == (tmp_path / "a" / "s.json").read_text()
    assert (tmp_path / "b" / "s.png").read_bytes() == (tmp_path / "a" / "s.png").read_bytes()


def test_render_view_bake_and_pack_atlas_take_enumerations_in_any_case(make, baked_cube):
    make.camera(location=(0.0, -4.0, 0.0), rotation=(math.pi / 2, 0.0, 0.0),
                orthographic_scale=3.0, resolution=(16, 16))
    lower = bakeview.render_view(passes=("color", "depth"), filter="gaussian", kind="diffuse",
                                 normal_space="camera", name="lower")
    upper = bakeview.render_view(passes=("COLOR", "DEPTH"), filter="GAUSSIAN", kind="DIFFUSE",
                                 normal_space="CAMERA", name="upper")
    assert set(lower) == {"COLOR", "DEPTH"}
    assert list(bakeview.pixels(lower["DEPTH"])) == list(bakeview.pixels(upper["DEPTH"]))
    assert set(bakeview.bake(baked_cube, kind="Emit", size=8)) == {"Cube"}
    assert "Cube_EMIT" in bpy.data.images
    atlas = bakeview.pack_atlas([baked_cube], kind="diffuse", heuristic="bssf", colour="srgb")
    assert atlas.kind == "DIFFUSE"


@pytest.mark.parametrize("call, message", [
    (lambda: bakeview.sprite_sheet("Cube", projection="sideways"), r"projection must be one of"),
    (lambda: bakeview.sprite_sheet("Cube", passes=("color", "glow")), r"passes must be among"),
    (lambda: bakeview.sprite_sheet("Cube", views="compass12"), r"views must be"),
    (lambda: bakeview.render_view(filter="blurry"), r"filter must be one of"),
])
def test_an_unknown_name_in_any_case_is_refused_with_the_names_allowed(baked_cube, make, call,
                                                                       message):
    make.camera()
    before = snapshot()
    with pytest.raises(ValueError, match=message):
        call()
    assert snapshot() == before


# -- render_view's images --------------------------------------------------------------------------

@pytest.fixture
def view_scene(make, baked_cube):
    camera = make.camera(location=(0.0, -4.0, 0.0), rotation=(math.pi / 2, 0.0, 0.0),
                         orthographic_scale=3.0, resolution=(16, 12))
    return baked_cube, camera


def test_repeated_render_views_replace_their_own_images_instead_of_piling_up(view_scene):
    cube, camera = view_scene
    first = bakeview.render_view(passes=("COLOR", "DEPTH"))
    holder = bpy.data.materials.new("uses the view")  # a user of the first image
    if not BLENDER_5:
        holder.use_nodes = True
    node = holder.node_tree.nodes.new("ShaderNodeTexImage")
    node.image = first["COLOR"]
    cube.rotation_euler = (0.0, 0.0, 0.7)

    second = bakeview.render_view(passes=("COLOR", "DEPTH"))
    assert second["COLOR"].name == "Camera view"
    third = bakeview.render_view(passes=("COLOR", "DEPTH"))

    names = sorted(i.name for i in bpy.data.images if i.name.startswith("Camera view"))
    assert names == ["Camera view", "Camera view depth"]
    assert third["COLOR"].name == "Camera view" and third["DEPTH"].name == "Camera view depth"
    assert node.image == third["COLOR"]  # its users moved to the newest


def test_a_repeated_view_of_the_same_size_takes_the_new_pixels_in_place(view_scene):
    cube, camera = view_scene
    first = bakeview.render_view(passes=("COLOR", "DEPTH"))
    pointers = {p: image.as_pointer() for p, image in first.items()}
    before = bakeview.pixels(first["COLOR"])
    cube.rotation_euler = (0.0, 0.0, 0.7)

    second = bakeview.render_view(passes=("COLOR", "DEPTH"))
    assert {p: image.as_pointer() for p, image in second.items()} == pointers
    fresh = bakeview.render_view(passes=("COLOR", "DEPTH"), name="fresh")  # new images
    for p in ("COLOR", "DEPTH"):
        assert bakeview.pixels(second[p]) == bakeview.pixels(fresh[p])
        assert second[p].colorspace_settings.name == fresh[p].colorspace_settings.name
    assert bakeview.pixels(second["COLOR"]) != before

    second["COLOR"].colorspace_settings.name = "Non-Color"  # no longer what a new view is
    third = bakeview.render_view(passes=("COLOR", "DEPTH"))
    assert third["COLOR"].as_pointer() != pointers["COLOR"]
    assert third["COLOR"].colorspace_settings.name == fresh["COLOR"].colorspace_settings.name
    assert third["DEPTH"].as_pointer() == pointers["DEPTH"]
    smaller = bakeview.render_view(width=8, height=6)
    assert tuple(smaller.size) == (8, 6) and smaller.name == "Camera view"
    assert sorted(i.name for i in bpy.data.images if i.name.startswith("Camera view")) == [
        "Camera view", "Camera view depth"]


def test_render_view_with_a_name_of_your_own_replaces_it_only_with_overwrite(view_scene):
    bakeview.render_view(name="shot")
    with pytest.raises(ValueError, match="'shot' already exists.*overwrite=True"):
        bakeview.render_view(name="shot")
    bakeview.render_view(name="shot", overwrite=True)
    assert sorted(i.name for i in bpy.data.images if i.name.startswith("shot")) == ["shot"]


def test_render_view_never_replaces_an_image_it_did_not_make_unless_told(view_scene):
    mine = bpy.data.images.new("Camera view", 4, 4)
    before = snapshot()
    with pytest.raises(ValueError, match="render_view did not make it"):
        bakeview.render_view()
    assert snapshot() == before
    made = bakeview.render_view(overwrite=True)
    assert made.name == "Camera view" and made != mine and made.size[0] == 16


# -- pivot -----------------------------------------------------------------------------------------

@pytest.fixture
def standing_box(make):
    """A 1 x 1 x 2 box standing on z = 0.5 whose origin (x 0.3) is 0.2 left of its centre
    (x 0.5), baked."""
    box = make.cube("Box", materials=[make.material("m", base=make.texture("t", 24, 16))])
    box.scale = (1.0, 1.0, 2.0)
    box.location = (0.3, 0.0, 1.5)  # bounds z 0.5 .. 2.5; x 0 .. 1 once the mesh moves
    bpy.context.view_layer.update()
    box.data.transform(__import__("mathutils").Matrix.Translation((0.2, 0.0, 0.0)))
    box.data.update()
    bakeview.bake(box, size=16)
    return box


def covered_rows_and_columns(pixels, width, height):
    """(top row, bottom row, left column, right column) of the opaque pixels, y down."""
    rows, cols = [], []
    for y in range(height):
        for x in range(width):
            if pixels[4 * (y * width + x) + 3] > 0.5:
                rows.append(height - 1 - y)
                cols.append(x)
    return min(rows), max(rows) + 1, min(cols), max(cols) + 1


@pytest.mark.parametrize("pivot", ["feet", "ORIGIN", (0.5, 0.0, 2.5)])
def test_pivot_marks_the_feet_the_origin_or_a_point_and_the_json_follows(standing_box, tmp_path,
                                                                         pivot):
    result = bakeview.sprite_sheet(standing_box, views=[(0.0, 0.0)], frame_size=(64, 64),
                                   trim=False, pivot=pivot, path=str(tmp_path / "s.png"))
    (frame,) = result.frames
    pixels, (width, height) = page(result)
    x, y, w, h = frame["frame"]
    crop = [0.0] * (4 * 64 * 64)  # the frame alone, bottom row first
    for row in range(64):
        start = 4 * ((height - 1 - (y + row)) * width + x)
        crop[4 * (63 - row) * 64:4 * (64 - row) * 64] = pixels[start:start + 4 * 64]
    top, bottom, left, right = covered_rows_and_columns(crop, 64, 64)
    px, py = frame["pivot_x"] * 64, frame["pivot_y"] * 64
    if pivot == "feet":  # the bottom centre of the bounds, seen from the front
        assert abs(py - bottom) <= 1.0 and abs(px - (left + right) / 2) <= 1.0
    elif pivot == "ORIGIN":  # 0.2 left of the box's centre, half way up
        assert abs(py - (top + bottom) / 2) <= 1.0
        assert abs(px - ((left + right) / 2 - 0.2 * (right - left))) <= 1.0
    else:  # the top centre
        assert abs(py - top) <= 1.0 and abs(px - (left + right) / 2) <= 1.0
    data = json.loads((tmp_path / "s.json").read_text())
    (entry,) = data["frames"].values()
    assert entry["pivot"] == pytest.approx({"x": frame["pivot_x"], "y": frame["pivot_y"]})


@pytest.mark.parametrize("pivot, error", [("HEAD", ValueError), ((1.0, 2.0), TypeError),
                                          ((0.0, float("nan"), 0.0), ValueError)])
def test_a_wrong_pivot_is_refused(baked_cube, pivot, error):
    with pytest.raises(error, match="pivot"):
        bakeview.sprite_sheet(baked_cube, frame_size=(8, 8), pivot=pivot)


# -- compass elevation, dimetric and isometric -----------------------------------------------------------

def test_compass_views_take_an_elevation():
    views = sheet.parse_views("compass8:45")
    assert [v.name for v in views] == ["S", "SE", "E", "NE", "N", "NW", "W", "SW"]
    assert all(v.elevation == 45.0 for v in views)
    assert views[1].direction == pytest.approx(viewsets.direction(45.0, 45.0))
    assert all(v.elevation == 30.0 for v in sheet.parse_views("COMPASS16"))
    with pytest.raises(ValueError, match="elevation"):
        sheet.parse_views("COMPASS8:95")


def test_dimetric_and_isometric_presets_have_their_elevations():
    assert all(v.elevation == pytest.approx(30.0) for v in sheet.parse_views("dimetric8"))
    assert all(v.elevation == pytest.approx(35.26439) for v in sheet.parse_views("ISOMETRIC16"))
    assert len(sheet.parse_views("ISOMETRIC16")) == 16


def edge_angle(alpha, width, height):
    """The on-screen angle (degrees) of the edges of a ground square seen diagonally: a rhombus
    whose width shrinks by 2 / tan(angle) pixels a row away from its widest row. Fitted over the
    rows between 20 % and 80 % of each half, from the coverage (alpha) summed along each row."""
    widths = [sum(alpha[4 * (y * width + x) + 3] for x in range(width)) for y in range(height)]
    rows = [y for y in range(height) if widths[y] > 0.5]
    top, bottom = min(rows), max(rows)
    middle = max(range(top, bottom + 1), key=lambda y: widths[y])
    slopes = []
    for a, b in ((top, middle), (middle, bottom)):
        span = b - a
        ys = list(range(a + span // 5, b - span // 5 + 1))
        mean_y = sum(ys) / len(ys)
        mean_w = sum(widths[y] for y in ys) / len(ys)
        slope = (sum((y - mean_y) * (widths[y] - mean_w) for y in ys)
                 / sum((y - mean_y) ** 2 for y in ys))
        slopes.append(abs(slope))
    return [math.degrees(math.atan(2.0 / s)) for s in slopes]


@pytest.mark.parametrize("views, angle", [("DIMETRIC8", math.degrees(math.atan(0.5))),
                                          ("ISOMETRIC8", 30.0), ("COMPASS8:0", None)])
def test_ground_edges_run_at_the_angle_of_the_projection_on_screen(make, views, angle):
    ground = make.textured_plane("Ground")  # a 2 x 2 square at z = 0: the ground grid's cell
    bakeview.bake(ground, size=16)
    result = bakeview.sprite_sheet(ground, views=views, frame_size=(256, 256), trim=False,
                                   dedupe=False, passes=("COLOR",))
    frames = {f["name"]: f for f in result.frames}
    pixels, (width, height) = page(result)
    x, y, w, h = frames["SE"]["frame"]  # azimuth 45: the square's diagonal across the screen
    crop = []
    for row in range(h - 1, -1, -1):  # bottom row first
        start = 4 * ((height - 1 - (y + row)) * width + x)
        crop.extend(pixels[start:start + 4 * w])
    if angle is None:  # seen edge on, the ground is a line: no rhombus
        assert sum(1 for a in crop[3::4] if a > 0.5) < 3 * w
        return
    for measured in edge_angle(crop, w, h):
        assert measured == pytest.approx(angle, abs=0.3)


# -- one name per option across the API, the command line and the UI ---------------------------------

def parameters(function):
    return set(inspect.signature(function).parameters)


CLI_ONLY = {"help", "blends", "out", "objects", "per_object", "rebake", "shard", "per_file", "glb",
            "command", "sheet",  # sheet: preview's positional, the API's sheet_json
            "pack",  # --pack: the API's cells="PACK"
            # the command line's own: the bake cache and the farm's (no API keyword sets them)
            "bake_cache", "bake_cache_size", "bake_only", "stem"}


def test_every_command_line_flag_is_named_after_the_api_keyword_it_sets():
    from bakeview import atlas as atlas_module, bake_images, cli, impostors, previews

    api = {"sheet": parameters(sheet.sheet_steps), "atlas": parameters(atlas_module.pack_atlas),
           "preview": parameters(previews.preview), "impostor": parameters(impostors.impostor)}
    bake = parameters(bake_images.bake_steps)
    commands = next(a for a in cli.parser()._actions if a.dest == "command").choices
    for command, subparser in commands.items():
        for action in subparser._actions:
            if action.dest in CLI_ONLY:
                continue
            primary = action.option_strings[0]
            if action.dest.startswith("bake_"):  # bake()'s own, beside the sheet's or atlas's
                assert action.dest[5:] in bake, action.dest
            else:
                assert action.dest in api[command] | bake, (command, action.dest)
            assert primary == "--" + action.dest.replace("_", "-"), (command, primary)
            for old in action.option_strings[1:]:  # earlier names: deprecated, they say so
                if old.startswith("--no-"):
                    continue
                assert cli.DEPRECATED[command][old] == primary


UI_NOT_A_KEYWORD = {  # settings that make up one keyword together
    "view_transparent": "background", "sheet_views_spec": "views", "sheet_count": "views",
    "sheet_elevation": "views", "sheet_animation": "frames", "sheet_frame_step": "frames",
    "sheet_pivot_point": "pivot", "sheet_use_outline": "outline"}


def test_every_ui_setting_is_named_after_the_api_keyword_it_sets():
    from bakeview import atlas as atlas_module, bake_images, ui, view

    groups = {"view_": parameters(view.render_view), "sheet_": parameters(sheet.sheet_steps),
              "atlas_": parameters(atlas_module.pack_atlas)}
    bake = parameters(bake_images.bake_steps)
    for name in ui.BakeviewSettings.__annotations__:
        prefix = next((p for p in groups if name.startswith(p)), "")
        keyword = UI_NOT_A_KEYWORD.get(name, name[len(prefix):])
        assert keyword in groups.get(prefix, bake), name


def test_command_line_enumerations_take_any_case_and_earlier_flag_names_warn(capsys):
    from bakeview import cli

    args = cli.parser().parse_args(
        ["sheet", "--out", "x", "--kind", "diffuse", "--projection", "Perspective",
         "--json-form", "array", "--layout", "grid", "--colour", "srgb", "--normal-y", "down",
         "--pivot", "feet", "--frame-size", "24x16"])
    assert (args.kind, args.projection, args.json_form, args.layout, args.colour,
            args.normal_y, args.pivot, args.frame_size) == (
        "DIFFUSE", "PERSPECTIVE", "ARRAY", "GRID", "SRGB", "DOWN", "FEET", (24, 16))
    assert cli.parser().parse_args(["sheet", "--out", "x", "--pivot", "0,1,2.5"]).pivot == (
        0.0, 1.0, 2.5)
    old = cli.parser().parse_args(["sheet", "--out", "x", "--size", "24", "--padding", "3",
                                   "--border", "1", "--rotate", "--json", "ARRAY", "--no-trim"])
    assert (old.frame_size, old.shape_padding, old.border_padding, old.allow_rotation,
            old.json_form, old.trim) == ((24, 24), 3, 1, True, "ARRAY", False)
    assert cli.run(["sheet", "--out", "/nonexistent-folder/x", "--size", "24"]) == 1
    err = capsys.readouterr().err
    assert "bakeview: warning: --size is an earlier name of --frame-size; use --frame-size" in err
