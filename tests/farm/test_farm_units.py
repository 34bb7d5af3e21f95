"""Work smaller and larger than a file: one 512-frame sheet split into cell tasks over a local
cluster equals the sheet one Blender makes, byte for byte; and bakes are made once and found
again in the bake cache by later runs (counted from what each task's Blender reports)."""
import json
import re

import pytest

from conftest import SHEET, cli_in_blender, farm, files_of, make_assets

BAKES = re.compile(r"bakes: (\d+) baked, (\d+) from cache")


@pytest.fixture(scope="module")
def spinner(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spinner")
    make_assets(folder, 0, animated=("spinner", 64))
    return folder / "spinner.blend"


def test_a_512_frame_sheet_split_into_cell_tasks_equals_the_one_process_sheet(spinner, tmp_path):
    options = ["--frames", "1:64", "--views", "COMPASS8", "--frame-size", "24x24",
               "--bake-size", "64", "--passes", "NORMAL,DEPTH", "--formats", "GODOT4,LIBGDX"]
    split = farm("sheet", spinner, "--out", tmp_path / "split", *options, "--split", "3",
                 "--workers", "2", "--progress", "lines")
    assert split.returncode == 0, split.stdout + split.stderr
    assert split.stdout.count(" cells: done") == 3 and "spinner pack: done" in split.stdout
    # baked once, by the bake task, before the cells: each cell task finds it in the cache
    assert BAKES.search(split.stdout).groups() == ("1", "3"), split.stdout
    one = cli_in_blender("sheet", spinner, "--out", tmp_path / "one", *options)
    assert one.returncode == 0, one.stderr
    expected, got = files_of(tmp_path / "one"), files_of(tmp_path / "split")
    frames = json.loads(expected["spinner.json"])["frames"]
    assert len(frames) == 512 and "SW/0064" in frames
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], f"{name} differs"
    assert not (tmp_path / "split" / ".bakeview-farm" / "cells" / "spinner").exists()


def test_a_second_run_bakes_nothing_and_draws_the_same_sheets(assets, tmp_path):
    blends = [assets / f"asset-0{n}.blend" for n in (0, 1, 2)]
    cache = tmp_path / "bakes"
    first = farm("sheet", *blends, "--out", tmp_path / "first", *SHEET, "--bake-cache", cache)
    assert first.returncode == 0, first.stdout + first.stderr
    assert BAKES.search(first.stdout).groups() == ("3", "0"), first.stdout
    second = farm("sheet", *blends, "--out", tmp_path / "second", *SHEET, "--bake-cache", cache)
    assert second.returncode == 0, second.stdout + second.stderr
    assert BAKES.search(second.stdout).groups() == ("0", "3"), second.stdout
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")


def test_one_atlas_of_many_files_bakes_them_in_parallel_then_packs_as_one_blender_does(
        assets, tmp_path):
    blends = [assets / f"asset-0{n}.blend" for n in (0, 1, 2)]
    run = farm("atlas", *blends, "--out", tmp_path / "farm", "--bake-size", "64",
               "--progress", "lines")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(" bake: done") == 3 and "atlas atlas: done" in run.stdout
    assert BAKES.search(run.stdout).groups() == ("3", "3"), run.stdout  # baked, then read
    one = cli_in_blender("atlas", *blends, "--out", tmp_path / "one", "--bake-size", "64")
    assert one.returncode == 0, one.stderr
    expected, got = files_of(tmp_path / "one"), files_of(tmp_path / "farm")
    assert sorted(got) == sorted(expected) == ["atlas.blend", "atlas.json", "atlas.png"]
    assert got["atlas.png"] == expected["atlas.png"]
    assert got["atlas.json"] == expected["atlas.json"]


def test_impostors_a_task_per_file_equal_one_blenders(assets, tmp_path):
    blends = [assets / f"asset-0{n}.blend" for n in (0, 1)]
    options = ["--grid", "8", "--size", "256", "--bake-size", "64"]
    run = farm("impostor", *blends, "--out", tmp_path / "farm", *options)
    assert run.returncode == 0, run.stdout + run.stderr
    one = cli_in_blender("impostor", *blends, "--out", tmp_path / "one", *options)
    assert one.returncode == 0, one.stderr
    expected = files_of(tmp_path / "one")
    assert sorted(expected) == ["asset-00-normal.png", "asset-00.json", "asset-00.png",
                                "asset-01-normal.png", "asset-01.json", "asset-01.png"]
    assert files_of(tmp_path / "farm") == expected
