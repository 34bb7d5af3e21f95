"""sprite_sheet's engine files (formats=...): what each writes beside the TexturePacker JSON, and
what cannot be written is refused by name before any file changes. The clients' own readers are
in test_godot_client.py, test_godot4_resource_grammar.py, test_aseprite_client.py and
test_spine_atlas_client.py."""
import json

import bpy
import pytest

import bakeview
from bakeview import cli
from conftest import files_in, snapshot


def sheet(cube, folder, **options):
    options = {"views": "COMPASS8", "frame_size": (32, 24), **options}
    return bakeview.sprite_sheet(cube, path=str(folder / "hero.png"), **options)


def test_every_format_is_written_with_the_sheet_and_named_in_its_files(baked_cube, tmp_path):
    result = sheet(baked_cube, tmp_path, frames=(1, 3), formats=("aseprite", "GODOT3", "Godot4",
                                                                 "LIBGDX"))
    names = ["hero.png", "hero.json", "hero.aseprite.json", "hero.godot3.tres", "hero.tres",
             "hero.atlas"]
    assert [p.rsplit("/", 1)[1] for p in result.files] == names
    assert sorted(files_in(tmp_path)) == sorted(names)
    assert result.frame_rate == 24.0  # the scene's frames per second, every frame
    assert json.loads((tmp_path / "hero.aseprite.json").read_text())["meta"]["image"] == "hero.png"
    godot3 = (tmp_path / "hero.godot3.tres").read_text()
    assert godot3.startswith('[gd_resource type="SpriteFrames"') and "format=2]" in godot3
    assert '"speed": 24.0' in godot3 and godot3.count('"name": "') == 8


def test_the_frame_rate_is_the_scenes_over_the_frame_step(baked_cube, tmp_path):
    scene = bpy.context.scene
    scene.render.fps, scene.render.fps_base = 30, 1.001  # NTSC's 29.97
    result = sheet(baked_cube, tmp_path, frames=(1, 5, 2), formats=("GODOT4",))
    rate = scene.render.fps / scene.render.fps_base / 2  # fps_base as Blender holds it (float32)
    assert result.frame_rate == rate == pytest.approx(30 / 1.001 / 2)
    assert f'"speed": {rate:.9g}' in (tmp_path / "hero.tres").read_text()


@pytest.mark.parametrize("options, error, message", [
    (dict(formats=("GODOT5",)), ValueError, "formats must be among ASEPRITE, GODOT3, GODOT4, "
                                            "LIBGDX, got 'GODOT5'"),
    (dict(formats=7), TypeError, "formats must be a name or a list of them"),
    (dict(formats=("LIBGDX",), allow_rotation=True), ValueError,
     "formats LIBGDX cannot show frames packed rotated"),
])
def test_wrong_formats_are_refused_before_any_work(baked_cube, tmp_path, options, error, message):
    before = snapshot()
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        sheet(baked_cube, tmp_path, **options)
    assert files_in(tmp_path) == {} and snapshot() == before


def test_an_existing_engine_file_is_kept_unless_overwrite(baked_cube, tmp_path):
    (tmp_path / "hero.tres").write_text("mine")
    before = snapshot()
    with pytest.raises(FileExistsError, match="hero.tres exists"):
        sheet(baked_cube, tmp_path, formats=("GODOT4",))
    assert (tmp_path / "hero.tres").read_text() == "mine" and snapshot() == before
    sheet(baked_cube, tmp_path, formats=("GODOT4",), overwrite=True)
    assert (tmp_path / "hero.tres").read_text().startswith("[gd_resource")


def test_a_sheet_a_format_cannot_hold_is_refused_and_nothing_is_written(baked_cube, tmp_path):
    (tmp_path / "hero.png").write_bytes(b"old")
    before = snapshot()
    with pytest.raises(ValueError, match="ASEPRITE describes one image, and the sheet needs "
                                         r"\d+ pages"):
        sheet(baked_cube, tmp_path, views="COMPASS16", max_size=(64, 64), formats=("ASEPRITE",),
              overwrite=True)
    assert list(files_in(tmp_path)) == ["hero.png"] and (tmp_path / "hero.png").read_bytes() == b"old"
    assert snapshot() == before


def test_a_libgdx_region_name_with_a_colon_is_refused(baked_cube, tmp_path):
    action = bpy.data.actions.new("walk:fast")
    baked_cube.animation_data_create()
    baked_cube.animation_data.action = action
    baked_cube.keyframe_insert("location", frame=1)
    baked_cube.keyframe_insert("location", frame=2)
    with pytest.raises(ValueError, match="the animation name 'walk:fast/S' cannot be a region name"):
        sheet(baked_cube, tmp_path, actions=["walk:fast"], formats=("LIBGDX",))
    assert files_in(tmp_path) == {}


def test_the_command_line_writes_them_with_formats(make, tmp_path):
    make.cube("Cube", materials=[make.material("m", base=make.texture("t", 8, 8))])
    blend = tmp_path / "scene.blend"
    for image in bpy.data.images:
        image.pack()
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    out = tmp_path / "out"
    assert cli.run(["sheet", str(blend), "--out", str(out), "--frame-size", "16", "--bake-size",
                    "8", "--formats", "godot4,libgdx"]) == 0
    assert sorted(files_in(out)) == ["scene.atlas", "scene.json", "scene.png", "scene.tres"]


def test_the_command_line_names_the_flag_of_a_wrong_format(make, tmp_path, capsys):
    make.cube("Cube", materials=[make.material("m", base=make.texture("t", 8, 8))])
    blend = tmp_path / "scene.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    assert cli.run(["sheet", str(blend), "--out", str(tmp_path / "out"), "--formats", "unity",
                    "--bake-size", "8"]) == 1
    err = capsys.readouterr().err
    assert "--formats must be among ASEPRITE, GODOT3, GODOT4, LIBGDX, got 'unity'" in err, err
