"""bakeview.sprite_sheet: rendered views trimmed, packed and written as PNG + TexturePacker JSON."""
import json
import os

import bpy
import pytest

import bakeview
from bakeview import _core, framing, records, textures, viewsets
from bakeview.extract import core_mesh
from conftest import crop, snapshot


def page_pixels(result, page=0, kind="COLOR"):
    image = result.pages[kind][page]
    return bakeview.pixels(image), tuple(image.size)


def test_frames_never_overlap_and_stay_inside_their_pages_with_padding(baked_cube, tmp_path):
    result = bakeview.sprite_sheet(baked_cube, views="TURNTABLE:12:0,30", frame_size=(40, 32),
                                   shape_padding=3, border_padding=2, dedupe=False)
    assert len(result.frames) == 24
    boxes = []
    for f in result.frames:
        x, y, w, h = f["frame"]
        page_w, page_h = result.pages["COLOR"][f["page"]].size
        assert x >= 2 and y >= 2 and x + w <= page_w - 2 and y + h <= page_h - 2
        boxes.append((f["page"], x, y, w, h))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] != b[0]:
                continue
            apart_x = a[1] + a[3] + 3 <= b[1] or b[1] + b[3] + 3 <= a[1]
            apart_y = a[2] + a[4] + 3 <= b[2] or b[2] + b[4] + 3 <= a[2]
            assert apart_x or apart_y, f"{a} and {b} are closer than the padding"


def test_trimmed_frames_and_offsets_rebuild_the_untrimmed_render(baked_cube):
    size = (48, 40)
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=size, dedupe=False)
    pixels, (page_w, page_h) = page_pixels(result)
    texture = textures.texture(records.baked_image(baked_cube))
    mesh = core_mesh(baked_cube, bpy.context.evaluated_depsgraph_get(), records.uv_map(baked_cube),
                     texture)
    for f, view in zip(result.frames, viewsets.compass(8)):
        assert f["trimmed"] and f["name"] == view.name
        sx, sy, w, h = f["source"]
        trimmed = crop(pixels, page_w, page_h, f["frame"])
        # the same view rendered whole by the core, as the sheet renders it
        full = _core.render([mesh], f["view"]["view"], f["view"]["projection"], *size,
                            filter_width=bpy.context.scene.cycles.filter_width)["COLOR"]
        rebuilt = [[0.0] * (4 * size[0]) for _ in range(size[1])]
        for r, row in enumerate(trimmed):
            rebuilt[sy + r][4 * sx:4 * (sx + w)] = row
        assert rebuilt == crop(full, size[0], size[1], (0, 0, *size)), f"frame {f['name']}"


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_views_side_by_side_on_threads_make_the_same_sheet_as_one_after_the_other(baked_cube,
                                                                                   threads):
    # threads=1: one view at a time; 2, 3: that many views render at once (one core each)
    options = dict(views="TURNTABLE:6:0,40", frame_size=(48, 40), passes=("COLOR", "DEPTH"))
    alone = bakeview.sprite_sheet(baked_cube, threads=1, name="alone", **options)
    together = bakeview.sprite_sheet(baked_cube, threads=threads, name="together", **options)
    assert together.frames == alone.frames
    for kind in ("COLOR", "DEPTH"):
        assert page_pixels(together, kind=kind) == page_pixels(alone, kind=kind)


def test_identical_frames_are_stored_once(baked_cube):
    views = [viewsets.View("a", viewsets.direction(10, 20), 10, 20),
             viewsets.View("b", viewsets.direction(10, 20), 10, 20),
             viewsets.View("c", viewsets.direction(100, 20), 100, 20)]
    result = bakeview.sprite_sheet(baked_cube, views=views, frame_size=(32, 32))
    frames = {f["name"]: f for f in result.frames}
    assert frames["a"]["frame"] == frames["b"]["frame"]
    assert frames["b"]["alias_of"] == "a"
    assert frames["c"]["frame"] != frames["a"]["frame"]


def test_small_max_size_makes_several_pages_linked_in_json(baked_cube, tmp_path):
    path = tmp_path / "multi.png"
    result = bakeview.sprite_sheet(baked_cube, views="TURNTABLE:16", frame_size=(64, 64),
                                   max_size=(128, 128), path=str(path), dedupe=False)
    pages = len(result.pages["COLOR"])
    assert pages > 1
    names = [f"multi-{i}.json" for i in range(pages)]
    for i, name in enumerate(names):
        data = json.loads((tmp_path / name).read_text())
        assert data["meta"]["image"] == f"multi-{i}.png"
        assert sorted(data["meta"]["related_multi_packs"]) == sorted(n for n in names if n != name)
        assert data["meta"]["size"]["w"] <= 128 and data["meta"]["size"]["h"] <= 128
    assert sum(len(json.loads((tmp_path / n).read_text())["frames"]) for n in names) == 16


def test_several_pages_also_make_one_multipack_json_with_every_page(baked_cube, tmp_path):
    path = tmp_path / "multi.png"
    result = bakeview.sprite_sheet(baked_cube, views="TURNTABLE:8", frames=(1, 2), frame_size=(64, 64),
                                   max_size=(128, 128), path=str(path), dedupe=False)
    pages = result.pages["COLOR"]
    assert len(pages) > 1
    assert result.files[-1] == str(tmp_path / "multi.json")
    data = json.loads((tmp_path / "multi.json").read_text())
    assert list(data) == ["textures", "animations", "meta"]
    assert [t["image"] for t in data["textures"]] == [f"multi-{i}.png" for i in range(len(pages))]
    for i, (texture, image) in enumerate(zip(data["textures"], pages)):
        assert texture["size"] == {"w": image.size[0], "h": image.size[1]}
        # the page's frames, field for field as the page's own JSON has them, in the same order
        own = json.loads((tmp_path / f"multi-{i}.json").read_text())["frames"]
        assert [f.pop("filename") for f in texture["frames"]] == list(own)
        assert texture["frames"] == list(own.values())
        assert [f["name"] for f in result.frames if f["page"] == i] == list(own)
    # animations whole, whichever pages their frames are on
    views = [f"{v.name}" for v in viewsets.turntable(8, [0.0])]
    assert data["animations"] == {v: [f"{v}/0001", f"{v}/0002"] for v in views}
    assert data["meta"]["app"] == "bakeview"
    # one page: no multi-pack, NAME.json is the page's own JSON
    one = bakeview.sprite_sheet(baked_cube, views="TURNTABLE:8", frame_size=(32, 32),
                                path=str(tmp_path / "one.png"))
    assert len(one.pages["COLOR"]) == 1
    assert sorted(n for n in os.listdir(tmp_path) if n.startswith("one")) == ["one.json", "one.png"]
    assert "frames" in json.loads((tmp_path / "one.json").read_text())


def test_a_multipack_json_does_not_replace_an_older_file_silently(baked_cube, tmp_path):
    path = tmp_path / "hero.png"
    options = dict(views="TURNTABLE:8", frames=(1, 2), frame_size=(64, 64), max_size=(128, 128),
                   path=str(path), dedupe=False)  # several pages
    (tmp_path / "hero.json").write_text("mine")
    with pytest.raises(FileExistsError, match="hero.json exists; pass overwrite=True"):
        bakeview.sprite_sheet(baked_cube, **options)
    assert sorted(os.listdir(tmp_path)) == ["hero.json"]
    assert (tmp_path / "hero.json").read_text() == "mine"
    result = bakeview.sprite_sheet(baked_cube, overwrite=True, **options)
    assert len(result.pages["COLOR"]) > 1
    assert "textures" in json.loads((tmp_path / "hero.json").read_text())


@pytest.mark.parametrize("form", ["HASH", "ARRAY"])
def test_json_forms_hold_the_frame_table_field_by_field(baked_cube, tmp_path, form):
    path = tmp_path / "sheet.png"
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(32, 32), path=str(path),
                                   json_form=form, frames=(1, 3))
    data = json.loads((tmp_path / "sheet.json").read_text())
    entries = data["frames"]
    if form == "ARRAY":
        assert isinstance(entries, list)
        entries = {e["filename"]: e for e in entries}
    assert set(entries) == {f["name"] for f in result.frames}
    for f in result.frames:
        e = entries[f["name"]]
        assert (e["frame"]["x"], e["frame"]["y"], e["frame"]["w"], e["frame"]["h"]) == tuple(f["frame"])
        assert e["rotated"] == f["rotated"] and e["trimmed"] == f["trimmed"]
        s = e["spriteSourceSize"]
        assert (s["x"], s["y"], s["w"], s["h"]) == tuple(f["source"])
        assert (e["sourceSize"]["w"], e["sourceSize"]["h"]) == (32, 32)
        assert e["pivot"]["x"] == pytest.approx(f["pivot_x"]) and e["pivot"]["y"] == pytest.approx(f["pivot_y"])
        assert e["bakeview"]["animation_frame"] == f["view"]["animation_frame"]
        assert len(e["bakeview"]["view"]) == 16 and len(e["bakeview"]["projection"]) == 16
    assert data["meta"]["app"] == "bakeview" and data["meta"]["format"] == "RGBA8888"
    assert data["meta"]["size"] == {"w": result.pages["COLOR"][0].size[0], "h": result.pages["COLOR"][0].size[1]}
    assert data["animations"]["S"] == ["S/0001", "S/0002", "S/0003"]


def test_pivot_is_the_object_origin_projected(baked_cube):
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(64, 64))
    for f in result.frames:
        x, y = framing.project(f["view"]["view"], f["view"]["projection"], tuple(baked_cube.location), 64, 64)
        assert f["pivot_x"] == pytest.approx(x / 64) and f["pivot_y"] == pytest.approx(y / 64)


def test_files_are_written_whole_and_not_replaced_silently(baked_cube, tmp_path):
    path = tmp_path / "hero.png"
    bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(32, 32), path=str(path),
                          passes=("COLOR", "NORMAL"))
    assert sorted(os.listdir(tmp_path)) == ["hero-normal.png", "hero.json", "hero.png"]
    before = (tmp_path / "hero.json").read_bytes()
    with pytest.raises(FileExistsError, match="overwrite"):
        bakeview.sprite_sheet(baked_cube, views="COMPASS16", frame_size=(32, 32), path=str(path),
                              passes=("COLOR", "NORMAL"))
    assert (tmp_path / "hero.json").read_bytes() == before
    bakeview.sprite_sheet(baked_cube, views="COMPASS16", frame_size=(32, 32), path=str(path),
                          passes=("COLOR", "NORMAL"), overwrite=True)
    assert len(json.loads((tmp_path / "hero.json").read_text())["frames"]) == 16
    assert sorted(os.listdir(tmp_path)) == ["hero-normal.png", "hero.json", "hero.png"]


def test_animation_frames_use_each_frames_deformed_mesh(baked_cube):
    baked_cube.scale = (1.0, 1.0, 1.0)
    baked_cube.keyframe_insert("scale", frame=1)
    baked_cube.scale = (0.5, 0.5, 0.5)
    baked_cube.keyframe_insert("scale", frame=5)
    result = bakeview.sprite_sheet(baked_cube, views=[(0.0, 0.0)], frame_size=(48, 48), frames=(1, 5, 4))
    first, last = result.frames
    assert first["source"][2] > last["source"][2] * 1.6  # half the size at frame 5, same framing
    assert bpy.context.scene.frame_current == 1


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"views": "DODECAHEDRON"}, ValueError, "views"),
    ({"views": []}, ValueError, "empty"),
    ({"frame_size": (0, 32)}, ValueError, "frame width"),
    ({"passes": ("SHADOW",)}, ValueError, "passes"),
    ({"frames": (5, 1)}, ValueError, "frames"),
    ({"json_form": "XML"}, ValueError, "json_form"),
    ({"path": os.path.abspath(__file__) + "/x.png"}, OSError, "is a file, not a folder"),
    ({"max_size": (16, 16)}, ValueError, "fit|larger|page"),
])
def test_bad_sheet_input_is_refused(baked_cube, kwargs, error, pattern):
    args = {"views": "COMPASS8", "frame_size": (32, 32), **kwargs}
    before = snapshot()
    with pytest.raises(error, match=pattern):
        bakeview.sprite_sheet(baked_cube, **args)
    assert snapshot() == before


def test_cancelling_half_way_leaves_nothing(baked_cube, tmp_path):
    from bakeview.sheet import sheet_steps

    bpy.context.scene.frame_set(2)
    before = snapshot()
    steps = sheet_steps(baked_cube, views="COMPASS8", frame_size=(32, 32), frames=(1, 4),
                        path=str(tmp_path / "cancelled.png"))
    for _ in range(5):
        next(steps)
    steps.close()  # what Esc does in the operator
    assert os.listdir(tmp_path) == []
    assert snapshot() == before
    assert bpy.context.scene.frame_current == 2


def test_sprite_sheet_operator_writes_the_sheet(baked_cube, tmp_path):
    from bakeview import ui

    ui.register()
    try:
        settings = bpy.context.scene.bakeview
        settings.sheet_views = "TURNTABLE"
        settings.sheet_count = 6
        settings.sheet_frame_size = (24, 24)
        settings.sheet_path = str(tmp_path / "ui.png")
        baked_cube.select_set(True)
        assert bpy.ops.bakeview.sprite_sheet() == {"FINISHED"}
        data = json.loads((tmp_path / "ui.json").read_text())
        assert len(data["frames"]) == 6
    finally:
        ui.unregister()


def test_camera_objects_are_views_through_their_own_lens(baked_cube, make):
    camera = make.camera("Front", location=(0.0, -6.0, 0.0), rotation=(1.5707963, 0.0, 0.0))
    result = bakeview.sprite_sheet(baked_cube, views=[camera, (90.0, 0.0)], frame_size=(40, 30),
                                   trim=False)
    through, fitted = result.frames
    assert through["name"] == "Front"
    assert through["view"]["azimuth"] == pytest.approx(0.0, abs=1e-3)
    assert through["view"]["elevation"] == pytest.approx(0.0, abs=1e-3)
    from bakeview.extract import camera_matrices
    view, projection = camera_matrices(camera, bpy.context.evaluated_depsgraph_get(), 40, 30,
                                       bpy.context.scene)
    assert through["view"]["projection"] == [pytest.approx(list(r)) for r in projection]
    assert fitted["view"]["azimuth"] == pytest.approx(90.0)
    with pytest.raises(ValueError, match="not a camera"):
        bakeview.sprite_sheet(baked_cube, views=[baked_cube], frame_size=(8, 8))


def test_actions_play_one_after_the_other_and_the_action_comes_back(baked_cube):
    def action(name, scales):
        baked_cube.animation_data_create()
        made = bpy.data.actions.new(name)
        baked_cube.animation_data.action = made
        for frame, scale in scales:
            baked_cube.scale = (scale,) * 3
            baked_cube.keyframe_insert("scale", frame=frame)
        return made

    grow = action("grow", [(1, 0.5), (3, 1.0)])
    shrink = action("shrink", [(10, 1.0), (11, 0.5)])
    baked_cube.animation_data.action = grow
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(32, 32),
                                   actions=["grow", shrink], dedupe=False)
    names = [f["name"] for f in result.frames]
    assert names[:3] == ["grow/S/0001", "grow/SE/0001", "grow/E/0001"]
    assert "shrink/N/0011" in names and len(names) == 8 * (3 + 2)
    small, big = (next(f for f in result.frames if f["name"] == n) for n in ("grow/S/0001", "grow/S/0003"))
    assert big["source"][2] > small["source"][2]
    assert baked_cube.animation_data.action == grow
    with pytest.raises(ValueError, match="no action"):
        bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(8, 8), actions=["walk"])
