"""The batch command line: sheets for .blend files and objects, shards, exit statuses."""
import json
import os
import subprocess
import sys

import bpy
import pytest

from bakeview import cli
from conftest import build_dir


def save_scene(make, path, names):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    for i, name in enumerate(names):
        make.__init__()
        cube = make.cube(name, materials=[make.material(f"{name} material",
                                                        base=make.texture(f"{name} t", 8, 8, seed=i + 1))],
                         location=(3 * i, 0, 0))
        cube.rotation_euler = (0.2, 0.3, 0.1)
    bpy.ops.wm.save_as_mainfile(filepath=str(path))


def test_help_documents_every_option(capsys):
    assert cli.run(["sheet", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--out", "--views", "--size", "--frames", "--kind", "--passes", "--shard",
                   "--padding", "--extrude", "--max-size", "--json", "--overwrite", "--per-object"):
        assert option in text


def test_sheets_for_each_file_and_shards_split_the_jobs(make, tmp_path, capsys):
    files = [tmp_path / "a.blend", tmp_path / "b.blend"]
    save_scene(make, files[0], ["One", "Two"])
    save_scene(make, files[1], ["Three"])
    out = tmp_path / "out"
    out.mkdir()
    common = ["sheet", *map(str, files), "--out", str(out), "--size", "32", "--bake-size", "16",
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
    (["--out", "/nonexistent-folder"], "does not exist"),
    (["--objects", "Ghost"], "Ghost"),
    (["--views", "CUBE"], "views"),
    (["--passes", "SHADOW"], "passes"),
])
def test_bad_input_exits_1_with_a_message(make, tmp_path, capsys, args, message):
    blend = tmp_path / "scene.blend"
    save_scene(make, blend, ["Cube"])
    argv = ["sheet", str(blend), "--out", str(tmp_path), "--size", "16", "--bake-size", "8", *args]
    assert cli.run(argv) == 1
    assert message in capsys.readouterr().err


def test_wrong_usage_exits_2(capsys):
    assert cli.run(["sheet", "--size", "huge", "--out", "."]) == 2
    assert "size" in capsys.readouterr().err


def test_blender_command_line_runs_on_the_open_file(make, tmp_path):
    if bpy.app.binary_path == "" or not os.path.basename(bpy.app.binary_path).startswith("blender"):
        command = [sys.executable, "-m", "bakeview"]  # the bpy module
        env = {**os.environ, "PYTHONPATH": os.path.join(build_dir(), "python")}
        blend_args = []
    else:
        expr = (f"import sys; sys.path.insert(0, {os.path.join(build_dir(), 'python')!r}); "
                "import bakeview.cli as c; c.main()")
        command = [bpy.app.binary_path, "-b", "--factory-startup", "{blend}", "--python-expr", expr, "--"]
        env = dict(os.environ)
        blend_args = None
    blend = tmp_path / "scene.blend"
    save_scene(make, blend, ["Cube"])
    command = [str(blend) if c == "{blend}" else c for c in command]
    args = ["sheet", *([str(blend)] if blend_args is not None else []), "--out", str(tmp_path),
            "--size", "24", "--bake-size", "8"]
    done = subprocess.run(command + args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "scene.png").is_file() and (tmp_path / "scene.json").is_file()
    failed = subprocess.run(command + args[:-4] + ["--out", "/nonexistent-folder"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1
    assert "does not exist" in failed.stderr
