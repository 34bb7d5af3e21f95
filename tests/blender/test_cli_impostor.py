"""The command line's impostor job: per .blend file, the atlases bakeview.impostor makes of the
same objects (byte for byte), named as sheets are, every file checked before any work, and the
flags named after the API keywords they set."""
import json

import bpy

import bakeview
from bakeview import cli
from conftest import files_in
from test_cli import save_scene


def test_an_impostor_per_file_is_the_one_the_api_makes(make, tmp_path):
    path = tmp_path / "crate.blend"
    save_scene(make, path, ["Crate"])
    out = tmp_path / "out"
    options = ["--grid", "4", "--size", "128", "--bake-size", "16", "--colour", "SRGB"]
    assert cli.run(["impostor", str(path), "--out", str(out), *options]) == 0
    assert sorted(files_in(out)) == ["crate-normal.png", "crate.json", "crate.png"]
    meta = json.loads((out / "crate.json").read_text())
    assert meta["grid"] == 4
    bpy.ops.wm.open_mainfile(filepath=str(path))  # the file as it was: read, never written
    crate = bpy.data.objects["Crate"]
    bakeview.bake(crate, kind="DIFFUSE", size=16)
    bakeview.impostor(crate, grid=4, size=128, colour="SRGB", name="crate",
                      path=str(tmp_path / "api" / "crate.png"))
    assert files_in(tmp_path / "api") == files_in(out)


def test_an_existing_impostor_file_is_refused_before_any_bake(make, tmp_path, capsys):
    path = tmp_path / "crate.blend"
    save_scene(make, path, ["Crate"])
    out = tmp_path / "out"
    out.mkdir()
    (out / "crate-normal.png").write_bytes(b"mine")
    assert cli.run(["impostor", str(path), "--out", str(out), "--grid", "4", "--size", "64"]) == 1
    err = capsys.readouterr().err
    assert "crate-normal.png" in err and "--overwrite" in err, err
    assert (out / "crate-normal.png").read_bytes() == b"mine"
    assert sorted(files_in(out)) == ["crate-normal.png"]


def test_a_size_that_is_not_a_multiple_of_the_grid_names_the_flags(make, tmp_path, capsys):
    path = tmp_path / "crate.blend"
    save_scene(make, path, ["Crate"])
    assert cli.run(["impostor", str(path), "--out", str(tmp_path / "o"), "--grid", "3",
                    "--size", "64", "--bake-size", "16"]) == 1
    err = capsys.readouterr().err
    assert "--size 64 must be a multiple of --grid 3" in err, err
    assert "Baking" not in capsys.readouterr().out  # refused before any bake
