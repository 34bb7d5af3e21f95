"""One sheet made by several tasks: cell tasks render disjoint sets of its frames into a frame
store (sheet_steps(cells=(I, K), frame_store=DIR), `sheet --cells I/K --frame-store DIR`), one
pack task makes the sheet from them (cells="PACK", `--pack`), byte for byte the sheet one call
makes; missing cells, stores of other settings and reruns."""
import os
import subprocess

import bpy
import pytest

import bakeview
from bakeview import _core, cli, frame_store, records
from conftest import BAKEVIEW_PROPS, cli_command, files_in, turning

# 8 views x 64 animation frames = 512 cells; the cube holds still over frames 1 to 8, so that
# frames of a view repeat (dedupe across cells) and turns over the rest
VIEWS, FRAMES, CELLS = "COMPASS8", (1, 64), 512
OPTIONS = dict(views=VIEWS, frames=FRAMES, frame_size=(24, 24), passes=("COLOR", "NORMAL", "DEPTH"),
               formats=("GODOT4", "ASEPRITE", "LIBGDX"), colour="SRGB", samples=2)
SHEET_FILES = {"sheet.png", "sheet-normal.png", "sheet-depth.png", "sheet.json", "sheet.tres",
               "sheet.aseprite.json", "sheet.atlas"}


@pytest.fixture
def walking_cube(baked_cube):
    turning(baked_cube, 8, 64, 2.5)
    return baked_cube


class RenderCount:
    """Stands in for _core.render, counting the frames rendered."""

    def __init__(self, monkeypatch, fail=False):
        self.real, self.calls, self.fail = _core.render, 0, fail
        monkeypatch.setattr(_core, "render", self)

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.fail:
            raise AssertionError("the pack rendered a frame")
        return self.real(*args, **kwargs)


def test_three_cell_tasks_and_a_pack_make_the_sheet_of_one_call_byte_for_byte(
        walking_cube, tmp_path, monkeypatch):
    one = bakeview.sprite_sheet(walking_cube, path=str(tmp_path / "one" / "sheet.png"), **OPTIONS)
    assert set(files_in(tmp_path / "one")) == SHEET_FILES
    assert len(one.frames) == CELLS and any(f["alias_of"] for f in one.frames)

    store = tmp_path / "store"
    tasks = [bakeview.sprite_sheet(walking_cube, path=str(tmp_path / "split" / "sheet.png"),
                                   cells=(i, 3), frame_store=str(store), **OPTIONS)
             for i in range(3)]
    for i, task in enumerate(tasks):
        assert task.total == CELLS and task.kept == []
        assert task.cells == task.written == list(range(i, CELLS, 3))
    assert not (tmp_path / "split").exists(), "a cell task writes no sheet"
    assert sorted(os.listdir(store / "cells")) == [f"{c:06d}.cell" for c in range(CELLS)]

    # the pack renders nothing and needs no bake: the cube's is gone
    bpy.data.images.remove(records.baked_image(walking_cube))
    renders = RenderCount(monkeypatch, fail=True)
    packed = bakeview.sprite_sheet(walking_cube, path=str(tmp_path / "split" / "sheet.png"),
                                   cells="PACK", frame_store=str(store), **OPTIONS)
    assert renders.calls == 0
    assert files_in(tmp_path / "split") == files_in(tmp_path / "one")
    assert packed.frames == one.frames
    assert packed.depth_range == one.depth_range and packed.frame_rate == one.frame_rate


@pytest.fixture
def short_sheet(baked_cube):
    """8 views x 4 frames: 32 cells."""
    turning(baked_cube, 1, 4, 1.0)
    return baked_cube, dict(views="COMPASS8", frames=(1, 4), frame_size=(24, 24),
                            passes=("COLOR", "DEPTH"), colour="SRGB")


def split_and_whole(cube, options, tasks, tmp_path, pack="PACK"):
    """The files of the sheet made by one call, and by `tasks` cell tasks and a pack."""
    bakeview.sprite_sheet(cube, path=str(tmp_path / "one" / "sheet.png"), **options)
    for i in range(tasks):
        bakeview.sprite_sheet(cube, cells=(i, tasks), frame_store=str(tmp_path / "store"),
                              **options)
    bakeview.sprite_sheet(cube, path=str(tmp_path / "split" / "sheet.png"), cells=pack,
                          frame_store=str(tmp_path / "store"), **options)
    return files_in(tmp_path / "split"), files_in(tmp_path / "one")


def test_one_view_per_frame_and_task_packs_the_same_sheet(short_sheet, tmp_path):
    """K = the view count: each task renders one view of each frame, alone (no views side by
    side), as the one call renders it among the others."""
    split, whole = split_and_whole(*short_sheet, 8, tmp_path, pack="pack")  # any case
    assert split == whole


def test_frames_by_cycles_pack_into_the_same_sheet(short_sheet, tmp_path):
    """Views by Blender's own renderer (no bake needed) among the core's: each task sets the
    scene up for the views it renders alone."""
    cube, options = short_sheet
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples, scene.cycles.seed, scene.cycles.use_denoising = 4, 3, False
    scene.cycles.device = "CPU"
    options = {**options, "frames": (1, 2), "renderer": {"N": "CYCLES", "SE": "CYCLES"}}
    split, whole = split_and_whole(cube, options, 3, tmp_path)
    assert split == whole


def test_a_missing_cell_makes_the_pack_fail_naming_it_and_a_rerun_renders_only_it(
        short_sheet, tmp_path, monkeypatch):
    cube, options = short_sheet
    store = str(tmp_path / "store")
    for i in range(2):
        bakeview.sprite_sheet(cube, cells=(i, 2), frame_store=store, **options)
    os.remove(os.path.join(store, "cells", "000005.cell"))
    cut = os.path.join(store, "cells", "000017.cell")
    os.truncate(cut, os.path.getsize(cut) - 10)  # its pixels cut short, as a full disk leaves it
    out = tmp_path / "out" / "sheet.png"
    with pytest.raises(frame_store.FrameStoreError,
                       match=r"is missing 2 of the sheet's 32 cells: 5, 17;"):
        bakeview.sprite_sheet(cube, path=str(out), cells="PACK", frame_store=store, **options)
    assert not out.parent.exists()

    renders = RenderCount(monkeypatch)
    rerun = bakeview.sprite_sheet(cube, cells=(1, 2), frame_store=store, **options)
    assert rerun.written == [5, 17] and renders.calls == 2
    assert rerun.kept == [c for c in range(1, 32, 2) if c not in (5, 17)]
    again = bakeview.sprite_sheet(cube, cells=(1, 2), frame_store=store, **options)
    assert again.written == [] and renders.calls == 2, "its cells exist: nothing rendered"
    bakeview.sprite_sheet(cube, path=str(out), cells="PACK", frame_store=store, **options)
    bakeview.sprite_sheet(cube, path=str(tmp_path / "one" / "sheet.png"), **options)
    assert files_in(out.parent) == files_in(tmp_path / "one")


def test_a_cell_whose_pixels_changed_is_refused_by_the_pack_and_rendered_again(
        short_sheet, tmp_path, monkeypatch):
    cube, options = short_sheet
    store = str(tmp_path / "store")
    bakeview.sprite_sheet(cube, cells=(0, 1), frame_store=store, **options)
    damaged = os.path.join(store, "cells", "000009.cell")
    with open(damaged, "r+b") as f:  # one bit of its last pixel flipped
        f.seek(-1, os.SEEK_END)
        last = f.read(1)
        f.seek(-1, os.SEEK_END)
        f.write(bytes([last[0] ^ 1]))
    with pytest.raises(frame_store.FrameStoreError, match=r"cell 9 \(.*\) is damaged"):
        bakeview.sprite_sheet(cube, cells="PACK", frame_store=store, **options)
    renders = RenderCount(monkeypatch)
    assert bakeview.sprite_sheet(cube, cells=(1, 2), frame_store=store, **options).written == [9]
    assert renders.calls == 1
    bakeview.sprite_sheet(cube, path=str(tmp_path / "split" / "sheet.png"), cells="PACK",
                          frame_store=store, **options)
    bakeview.sprite_sheet(cube, path=str(tmp_path / "one" / "sheet.png"), **options)
    assert files_in(tmp_path / "split") == files_in(tmp_path / "one")


def test_a_task_stopped_while_writing_leaves_no_cell_and_a_rerun_renders_the_rest(
        short_sheet, tmp_path, monkeypatch):
    cube, options = short_sheet
    store = tmp_path / "store"
    real, cells = frame_store.write_whole, []

    def stopped_in_the_third_cell(path, parts):
        if path.endswith(".cell"):
            cells.append(path)
            if len(cells) == 3:  # the task is stopped half way through the file
                def half():
                    yield from parts[:2]
                    raise KeyboardInterrupt
                return real(path, half())
        return real(path, parts)

    monkeypatch.setattr(frame_store, "write_whole", stopped_in_the_third_cell)
    with pytest.raises(KeyboardInterrupt):
        bakeview.sprite_sheet(cube, cells=(0, 1), frame_store=str(store), **options)
    monkeypatch.undo()
    assert sorted(os.listdir(store / "cells")) == ["000000.cell", "000001.cell"]
    # a task killed outright (SIGKILL) leaves its temporary file: never read as a cell
    (store / "cells" / ".000002.cell.99.dead.tmp").write_bytes(frame_store.MAGIC + bytes(9))
    rerun = bakeview.sprite_sheet(cube, cells=(0, 1), frame_store=str(store), **options)
    assert rerun.written == list(range(2, 32)) and rerun.kept == [0, 1]
    packed = bakeview.sprite_sheet(cube, cells="PACK", frame_store=str(store), **options)
    assert packed.frames == bakeview.sprite_sheet(cube, **options).frames


@pytest.mark.parametrize("change, names", [
    (dict(frame_size=(32, 32)), "frame_size [24, 24] in the store, [32, 32] here"),
    (dict(views="COMPASS8:45"), "views"),
    (dict(passes=("COLOR",)), "passes"),
    (dict(frames=(1, 3)), "cells 32 in the store, 24 here"),
])
def test_a_store_made_with_other_settings_is_refused_naming_them(short_sheet, tmp_path, change,
                                                                 names):
    cube, options = short_sheet
    store = str(tmp_path / "store")
    bakeview.sprite_sheet(cube, cells=(0, 2), frame_store=store, **options)
    other = {**options, **change}
    with pytest.raises(frame_store.FrameStoreError, match="was made for another sheet") as task:
        bakeview.sprite_sheet(cube, cells=(1, 2), frame_store=store, **other)
    assert names in str(task.value)
    with pytest.raises(frame_store.FrameStoreError, match="was made for another sheet") as pack:
        bakeview.sprite_sheet(cube, cells="PACK", frame_store=store, **other)
    assert names in str(pack.value)


def test_packing_options_may_differ_from_the_cell_tasks(short_sheet, tmp_path):
    """Packing and files are the pack's alone: the store holds what was rendered."""
    cube, options = short_sheet
    store = str(tmp_path / "store")
    bakeview.sprite_sheet(cube, cells=(0, 1), frame_store=store, layout="GRID", **options)
    grid = bakeview.sprite_sheet(cube, cells="PACK", frame_store=store, layout="GRID",
                                 extrude=1, **options)
    one = bakeview.sprite_sheet(cube, layout="GRID", extrude=1, **options)
    assert grid.frames == one.frames


@pytest.mark.parametrize("arguments, error, message", [
    (dict(cells=(0, 2)), ValueError, "cells needs frame_store"),
    (dict(frame_store="x"), ValueError, "frame_store needs cells"),
    (dict(cells=(2, 2), frame_store="x"), ValueError, "0 <= index < count"),
    (dict(cells="ALL", frame_store="x"), ValueError, "cells must be (index, count) or 'PACK'"),
    (dict(cells=(0.0, 2), frame_store="x"), TypeError, "whole numbers"),
    (dict(cells="PACK", frame_store=3), TypeError, "frame_store must be a file path"),
])
def test_wrong_cells_are_refused_before_any_work(short_sheet, tmp_path, arguments, error, message):
    cube, options = short_sheet
    if arguments.get("frame_store") == "x":
        arguments = {**arguments, "frame_store": str(tmp_path / "x")}
    with pytest.raises(error) as raised:
        bakeview.sprite_sheet(cube, **options, **arguments)
    assert message in str(raised.value)
    assert not (tmp_path / "x").exists()


def test_the_pack_of_a_folder_without_a_store_says_so(short_sheet, tmp_path):
    cube, options = short_sheet
    with pytest.raises(frame_store.FrameStoreError, match="has no store.json"):
        bakeview.sprite_sheet(cube, cells="PACK", frame_store=str(tmp_path), **options)


# -- the command line, in separate processes ------------------------------------------------------


def save_walking_cube(make, path):
    """A file with a walking, baked cube (its bake packed into the file): the tasks draw it."""
    cube = make.cube("Cube", size=1.0, materials=[make.material(
        "Cube material", base=make.texture("t", 24, 16))])
    cube.rotation_euler = (0.3, 0.2, 0.4)
    bakeview.bake(cube, kind="DIFFUSE", size=32, margin=2)
    turning(cube, 8, 64, 2.5)
    for image in bpy.data.images:  # the bake is packed already, as bakeview packs its bakes
        if image.packed_file is None:
            image.pack()
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return cube


def test_cell_processes_and_a_pack_process_write_the_sheet_of_one_run(make, tmp_path):
    blend = tmp_path / "walk.blend"
    cube = save_walking_cube(make, blend)
    # the pack reads a copy of the file without the bake: it must not bake (nor draw)
    for key in BAKEVIEW_PROPS:
        if key in cube:
            del cube[key]
    for image in list(bpy.data.images):
        bpy.data.images.remove(image)
    (tmp_path / "bare").mkdir()
    bare = tmp_path / "bare" / "walk.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(bare))

    def sheet(blend_path, out, *extra, wait=True):
        command, env = cli_command(blend_path)
        argv = command + ["sheet", *([] if "--python-expr" in command else [str(blend_path)]),
                          "--out", str(out), "--views", VIEWS, "--frames", "1:64",
                          "--frame-size", "24", "--passes", "COLOR,NORMAL,DEPTH",
                          "--formats", "GODOT4,ASEPRITE,LIBGDX", "--colour", "SRGB",
                          "--samples", "2", *extra]
        if not wait:
            return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    sheet(blend, tmp_path / "one")
    store = tmp_path / "store"
    running = [sheet(blend, tmp_path / "split", "--cells", f"{i}/3", "--frame-store", str(store),
                     wait=False) for i in range(3)]  # side by side, as a farm runs them
    for i, task in enumerate(running):
        out, err = task.communicate(timeout=300)
        assert task.returncode == 0, err[-2000:]
        assert f"cells {i}/3: {171 if i < 2 else 170} rendered, 0 in the store already" in out
    assert not (tmp_path / "split").exists(), "cell tasks write nothing to --out"
    assert len(os.listdir(store / "walk" / "cells")) == CELLS

    packed = sheet(bare, tmp_path / "split", "--pack", "--frame-store", str(store))
    assert "baking" not in packed
    assert set(files_in(tmp_path / "one")) == {n.replace("sheet", "walk") for n in SHEET_FILES}
    assert files_in(tmp_path / "split") == files_in(tmp_path / "one")

    rerun = sheet(blend, tmp_path / "split", "--cells", "1/3", "--frame-store", str(store))
    assert "cells 1/3: 0 rendered, 171 in the store already" in rerun


def test_help_documents_the_cell_options(capsys):
    assert cli.run(["sheet", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--cells I/K", "--pack", "--frame-store DIR"):
        assert option in text


@pytest.mark.parametrize("args, message", [
    (["--cells", "0/2"], "--cells needs --frame-store DIR"),
    (["--pack"], "--pack needs --frame-store DIR"),
    (["--frame-store", "S"], "--frame-store goes with --cells I/K"),
])
def test_cell_options_without_their_partner_exit_1(tmp_path, capsys, args, message):
    assert cli.run(["sheet", "--out", str(tmp_path / "out"), *args]) == 1
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--cells", "2/2"], ["--cells", "x"],
                                  ["--cells", "0/2", "--pack"]])
def test_wrong_cells_usage_exits_2(capsys, args):
    assert cli.run(["sheet", "--out", ".", "--frame-store", "S", *args]) == 2
    assert "--cells" in capsys.readouterr().err


def test_a_pack_with_cells_missing_names_them_on_the_command_line(make, tmp_path, capsys):
    blend = tmp_path / "scene.blend"
    save_walking_cube(make, blend)
    store, out = tmp_path / "store", tmp_path / "out"
    common = ["sheet", str(blend), "--out", str(out), "--frame-size", "16", "--frames", "1:2",
              "--frame-store", str(store)]
    assert cli.run(common + ["--cells", "0/2"]) == 0
    assert cli.run(common + ["--pack"]) == 1
    err = capsys.readouterr().err
    assert "is missing 8 of the sheet's 16 cells: 1, 3, 5, 7, 9, 11, 13, 15" in err
    assert not out.exists()
    assert cli.run(common[:5] + ["32"] + common[6:] + ["--cells", "1/2"]) == 1
    assert "--frame-size [16, 16] in the store, [32, 32] here" in capsys.readouterr().err
