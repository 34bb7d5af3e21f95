"""The batch command line: sheets for .blend files and objects, shards, exit statuses; the bakes
a file has drawn as they are; messages in the command line's terms; output names told apart and
every file checked before any work."""
import json
import os
import subprocess

import bpy
import pytest

import bakeview
from bakeview import cli, records
from conftest import cli_command, files_in


def save_scene(make, path, names):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    for i, name in enumerate(names):
        make.__init__()
        cube = make.cube(name, materials=[make.material(f"{name} material",
                                                        base=make.texture(f"{name} t", 8, 8, seed=i + 1))],
                         location=(3 * i, 0, 0))
        cube.rotation_euler = (0.2, 0.3, 0.1)
    for image in bpy.data.images:  # packed, as a user's file carries its paint (Blender 5 drops
        image.pack()               # an unsaved generated image's pixels on reload)
    bpy.ops.wm.save_as_mainfile(filepath=str(path))


def test_help_documents_every_option(capsys):
    assert cli.run(["sheet", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--out", "--views", "--frame-size", "--frames", "--kind", "--passes", "--shard",
                   "--shape-padding", "--border-padding", "--allow-rotation", "--json-form",
                   "--pivot", "--extrude", "--max-size", "--overwrite", "--per-object",
                   "--renderer", "--lighting"):
        assert option in text


def test_lit_sheets_bake_the_material_channels_where_missing_and_light_each_view(make, tmp_path):
    path = tmp_path / "lit.blend"
    save_scene(make, path, ["One"])
    make.sun(rotation=(0.6, 0.3, 0.0))  # the file's own light, which SCENE lighting reads
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    out = tmp_path / "out"
    common = ["sheet", str(path), "--out", str(out), "--frame-size", "24", "--bake-size", "16",
              "--colour", "SRGB", "--views", "COMPASS8:30"]
    assert cli.run(common + ["--lighting", "SCENE"]) == 0
    bpy.ops.wm.open_mainfile(filepath=str(path))
    assert all(bakeview.records.baked_image(bpy.data.objects["One"], kind) is None
               for kind in bakeview.MATERIAL_KINDS), "the file named is read, never written"
    data = json.loads((out / "lit.json").read_text())
    assert len(data["frames"]) == 8
    unlit = tmp_path / "unlit"
    assert cli.run(common[:3] + [str(unlit)] + common[4:]) == 0
    lit_rgba, unlit_rgba = (bakeview.pixels(bpy.data.images.load(str(folder / "lit.png")))
                            for folder in (out, unlit))
    assert lit_rgba[3::4] == unlit_rgba[3::4], "lighting changes colour, not coverage"
    assert max(unlit_rgba[0::4]) > 0.2, "the texture came through the file"
    assert max(abs(a - b) for a, b in zip(lit_rgba, unlit_rgba)) > 0.1


def test_sheets_for_each_file_and_shards_split_the_jobs(make, tmp_path, capsys):
    files = [tmp_path / "a.blend", tmp_path / "b.blend"]
    save_scene(make, files[0], ["One", "Two"])
    save_scene(make, files[1], ["Three"])
    out = tmp_path / "out"
    out.mkdir()
    common = ["sheet", *map(str, files), "--out", str(out), "--frame-size", "32", "--bake-size", "16",
              "--per-object"]
    assert cli.run(common + ["--shard", "0/2"]) == 0
    first = sorted(os.listdir(out))
    assert cli.run(common + ["--shard", "1/2"]) == 0
    every = sorted(os.listdir(out))
    assert first == ["a-One.json", "a-One.png", "b-Three.json", "b-Three.png"]
    assert every == sorted(first + ["a-Two.json", "a-Two.png"])
    data = json.loads((out / "a-Two.json").read_text())
    assert len(data["frames"]) == 8
    printed = capsys.readouterr().out
    assert "wrote" in printed and "sheet(s) in this shard" in printed


@pytest.mark.parametrize("args, message", [
    (["--out", os.path.abspath(__file__) + "/sheets"], "is a file, not a folder"),
    (["--objects", "Ghost"], "Ghost"),
    (["--views", "CUBE"], "views"),
    (["--passes", "SHADOW"], "passes"),
])
def test_bad_input_exits_1_with_a_message(make, tmp_path, capsys, args, message):
    blend = tmp_path / "scene.blend"
    save_scene(make, blend, ["Cube"])
    argv = ["sheet", str(blend), "--out", str(tmp_path), "--frame-size", "16", "--bake-size", "8", *args]
    assert cli.run(argv) == 1
    assert message in capsys.readouterr().err


def test_wrong_usage_exits_2(capsys):
    assert cli.run(["sheet", "--frame-size", "huge", "--out", "."]) == 2
    assert "size" in capsys.readouterr().err


def test_blender_command_line_runs_on_the_open_file(make, tmp_path):
    blend = tmp_path / "scene.blend"
    save_scene(make, blend, ["Cube"])
    command, env = cli_command(blend)
    args = ["sheet", *([] if "--python-expr" in command else [str(blend)]), "--out",
            str(tmp_path), "--frame-size", "24", "--bake-size", "8"]
    done = subprocess.run(command + args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "scene.png").is_file() and (tmp_path / "scene.json").is_file()
    failed = subprocess.run(command + args[:-4] + ["--out", str(blend) + "/sheets"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1
    assert "is a file, not a folder" in failed.stderr


# -- the bakes a file has --------------------------------------------------------------------------


def sheet_pixels(path):
    image = bpy.data.images.load(str(path))
    try:
        return image.size[:], list(image.pixels)
    finally:
        bpy.data.images.remove(image)


def test_sheet_on_the_sample_file_draws_its_bakes_with_the_defaults(sample_blend, tmp_path):
    """`./run sample`'s robot.blend holds a COMBINED bake: the command line with its defaults
    draws it, as sprite_sheet does, and bakes nothing."""
    command, env = cli_command(sample_blend)
    out = tmp_path / "sheets"
    out.mkdir()
    blend_args = [] if "--python-expr" in command else [str(sample_blend)]
    args = ["sheet", *blend_args, "--out", str(out)]
    done = subprocess.run(command + args, env=env, capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stderr[-2000:]
    assert "baking" not in done.stdout and "bakeview: " not in done.stderr
    assert sorted(os.listdir(out)) == ["robot.json", "robot.png"]
    bpy.ops.wm.open_mainfile(filepath=str(sample_blend))
    robot = bpy.data.objects["Robot"]
    assert records.baked_kinds(robot) == ["COMBINED"]
    bakeview.sprite_sheet(robot, views="COMPASS8", frame_size=(256, 256), kind="COMBINED",
                          path=str(tmp_path / "direct" / "robot.png"), name="robot")
    assert sheet_pixels(out / "robot.png") == sheet_pixels(tmp_path / "direct" / "robot.png")


def two_uv_maps_scene(make, path):
    """One: baked DIFFUSE. Two: baked EMIT with its second UV map 'Second' (half the first's
    UVs), while 'UVMap' stays the active one. Both textured."""
    bpy.ops.wm.read_factory_settings(use_empty=True)
    make.__init__()
    one = make.cube("One", materials=[make.material("One m", base=make.texture("One t", 8, 8))])
    two = make.cube("Two", location=(3, 0, 0), materials=[
        make.material("Two m", base=make.texture("Two t", 8, 8, seed=2),
                      emission=make.texture("Two e", 8, 8, seed=3))])
    second = two.data.uv_layers.new(name="Second")
    uvs = [c * 0.5 for d in two.data.uv_layers["UVMap"].data for c in d.uv]
    second.data.foreach_set("uv", uvs)
    two.data.uv_layers.active_index = 0
    bakeview.bake(one, size=8)
    bakeview.bake(two, kind="EMIT", size=8, uv_map="Second")
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return uvs


def test_a_kind_is_baked_only_where_missing_with_the_uv_map_of_the_objects_bakes(
        make, tmp_path, capsys):
    blend = tmp_path / "scene.blend"
    two_uv_maps_scene(make, blend)

    assert cli.run(["sheet", str(blend), "--out", str(tmp_path / "out"), "--kind", "DIFFUSE",
                    "--frame-size", "24", "--bake-size", "8"]) == 0

    printed = capsys.readouterr().out
    assert "baking 1 object(s), DIFFUSE" in printed
    one, two = bpy.data.objects["One"], bpy.data.objects["Two"]
    assert records.baked_image(one, "DIFFUSE").name == "One_DIFFUSE"  # the file's, not a new one
    assert "One_DIFFUSE.001" not in bpy.data.images
    assert records.baked_kinds(two) == ["DIFFUSE", "EMIT"]
    assert records.uv_map(two) == "Second"  # both bakes of Two are drawn with the map they used


def test_rebake_bakes_every_object_again(make, tmp_path, capsys):
    blend = tmp_path / "scene.blend"
    two_uv_maps_scene(make, blend)

    assert cli.run(["sheet", str(blend), "--out", str(tmp_path / "out"), "--rebake",
                    "--frame-size", "24", "--bake-size", "4"]) == 0

    printed = capsys.readouterr().out
    assert "baking 1 object(s), DIFFUSE" in printed and "baking 1 object(s), EMIT" in printed
    assert tuple(bpy.data.objects["One"]["bakeview_bakes"]["DIFFUSE"].size) == (4, 4)
    assert records.uv_map(bpy.data.objects["Two"]) == "Second"


# -- messages --------------------------------------------------------------------------------------


def no_uv_scene(make, path):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    make.__init__()
    make.plane("Flat", uv=False, materials=[make.material("plain", base=(0.5, 0.5, 0.5, 1.0))])
    bpy.ops.wm.save_as_mainfile(filepath=str(path))


@pytest.mark.parametrize("args, says, not_says", [
    ([], "object 'Flat' has no UV map; unwrap it, or pass --auto-uv to add one", "auto_uv"),
    (["--auto-uv", "--max-size", "0"], "--max-size must be between 1 and", "max_size"),
    (["--auto-uv", "--shape-padding", "-1"], "--shape-padding must be >= 0, got -1", "shape_padding"),
    (["--auto-uv", "--frames", "5:1"], "--frames (start, end, step) must have end >= start",
     "Error"),
    (["--views", "CUBE"], "--views must be COMPASS8[:ELEVATION], COMPASS16", "UV map"),  # before any bake
])
def test_errors_name_the_flags_that_caused_them_once(make, tmp_path, capsys, args, says, not_says):
    blend = tmp_path / "scene.blend"
    no_uv_scene(make, blend)

    assert cli.run(["sheet", str(blend), "--out", str(tmp_path / "out"), "--frame-size", "16",
                    "--bake-size", "8", *args]) == 1

    err = capsys.readouterr().err
    assert err.startswith("bakeview: error: ") and err.count("\n") == 1, err
    assert says in err and not_says not in err, err


def test_an_existing_file_is_refused_naming_the_flag_to_replace_it(make, tmp_path, capsys):
    blend = tmp_path / "scene.blend"
    save_scene(make, blend, ["Cube"])
    (tmp_path / "scene.json").write_text("mine")

    assert cli.run(["sheet", str(blend), "--out", str(tmp_path), "--frame-size", "16",
                    "--bake-size", "8"]) == 1

    err = capsys.readouterr().err
    assert err == (f"bakeview: error: {tmp_path / 'scene.json'} exists; pass --overwrite to "
                   "replace it\n")


@pytest.mark.parametrize("name, content, says", [
    ("missing.blend", None, "missing.blend does not exist"),
    ("bad.blend", b"not a blend file", "bad.blend is not a .blend file"),
])
def test_a_file_that_cannot_be_read_is_one_error_line(tmp_path, capfd, name, content, says):
    blend = tmp_path / name
    if content is not None:
        blend.write_bytes(content)
    assert cli.run(["sheet", str(blend), "--out", str(tmp_path / "out")]) == 1
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if "error" in line.lower()]
    assert len(lines) == 1 and lines[0].startswith("bakeview: error: "), err
    assert says in lines[0] and str(blend) in lines[0]
    assert lines[0].lower().count("error:") == 1, lines[0]
    assert not (tmp_path / "out").exists()


def test_an_empty_shard_warns_and_exits_0(make, tmp_path, capsys):
    blend = tmp_path / "scene.blend"
    save_scene(make, blend, ["Cube"])

    assert cli.run(["sheet", str(blend), "--out", str(tmp_path / "out"), "--shard", "1/2"]) == 0

    err = capsys.readouterr().err
    assert err.startswith("bakeview: warning: shard 1/2 has no sheets"), err
    assert "count from 0" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["sheet", "atlas"])
def test_help_says_shards_count_from_0(capsys, command):
    assert cli.run([command, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Shards count from 0: --shard 0/2 and --shard 1/2 together do every job" in text


# -- output names and files ------------------------------------------------------------------------


def test_the_out_folder_is_made_parents_too(make, tmp_path):
    blend = tmp_path / "scene.blend"
    save_scene(make, blend, ["Cube"])
    out = tmp_path / "a" / "b"
    assert cli.run(["sheet", str(blend), "--out", str(out), "--frame-size", "16",
                    "--bake-size", "8"]) == 0
    assert sorted(os.listdir(out)) == ["scene.json", "scene.png"]


def test_files_of_the_same_name_in_different_folders_are_told_apart(make, tmp_path, capsys):
    files = [tmp_path / "day" / "scene.blend", tmp_path / "night" / "scene.blend"]
    for i, blend in enumerate(files):
        blend.parent.mkdir()
        save_scene(make, blend, ["Cube", "Other"][i:i + 1])
    out = tmp_path / "out"

    assert cli.run(["sheet", *map(str, files), "--out", str(out), "--frame-size", "16",
                    "--bake-size", "8"]) == 0

    assert sorted(os.listdir(out)) == ["day-scene.json", "day-scene.png", "night-scene.json",
                                       "night-scene.png"]
    assert "wrote" in capsys.readouterr().out
    assert json.loads((out / "night-scene.json").read_text())["meta"]["image"] == "night-scene.png"


@pytest.mark.parametrize("names", [["A/B", "A:B"], ["Hero", "hero"]])
def test_jobs_that_would_write_one_file_are_refused_before_any_work(make, tmp_path, capsys,
                                                                     names):
    blend = tmp_path / "scene.blend"
    save_scene(make, blend, names)

    assert cli.run(["sheet", str(blend), "--out", str(tmp_path / "out"), "--per-object",
                    "--frame-size", "16", "--bake-size", "8"]) == 1

    printed = capsys.readouterr()
    assert "baking" not in printed.out
    assert f"object '{names[0]}'" in printed.err and f"object '{names[1]}'" in printed.err
    assert "would both write" in printed.err
    assert not (tmp_path / "out").exists()


def test_every_file_of_the_run_is_checked_before_any_work(make, tmp_path, capsys):
    files = [tmp_path / "a.blend", tmp_path / "b.blend"]
    for blend in files:
        save_scene(make, blend, ["Cube"])
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.json").write_text("mine")
    before = files_in(str(out))

    assert cli.run(["sheet", *map(str, files), "--out", str(out), "--frame-size", "16",
                    "--bake-size", "8"]) == 1

    printed = capsys.readouterr()
    assert "baking" not in printed.out
    assert "b.json exists; pass --overwrite" in printed.err
    assert files_in(str(out)) == before


@pytest.mark.parametrize("names, passes", [(["x", "x-1"], "COLOR"),
                                           (["x", "x-normal"], "COLOR,NORMAL")])
def test_a_sheet_named_like_the_pages_or_passes_of_another_is_refused(make, tmp_path, capsys,
                                                                      names, passes):
    files = [tmp_path / f"{name}.blend" for name in names]
    for blend in files:
        save_scene(make, blend, ["Cube"])
    assert cli.run(["sheet", *map(str, files), "--out", str(tmp_path / "out"),
                    "--passes", passes]) == 1
    err = capsys.readouterr().err
    assert str(files[0]) in err and str(files[1]) in err and "would both write" in err, err
    assert not (tmp_path / "out").exists()
