"""The farm's driver and task bookkeeping without Dask or Blender: how a command becomes tasks
(one file per task, named as a run over every file names it; a split sheet's cells then its
pack), what is refused before any work, and how a task's files move into the output folder
(never replacing a file that is not the job's own, a record that makes a rerun skip it)."""
import argparse
import os

import pytest

from bakeview import farm, farm_task

BLEND = b"BLENDER-v304RENDH" + bytes(64)


def farm_args(**changes):
    values = dict(scheduler=None, workers=None, threads_per_task=1, blender="blender", split=1,
                  retries=1, task_timeout=None, progress="none", help=False)
    values.update(changes)
    return argparse.Namespace(**values)


@pytest.fixture
def blends(tmp_path):
    made = []
    for name in ("day/scene.blend", "night/scene.blend", "prop.blend"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(BLEND + name.encode())
        made.append(str(path))
    return made


def test_each_file_is_a_task_named_as_one_run_over_every_file_names_it(blends, tmp_path):
    tasks, refused = farm.plan(["sheet", *blends, "--out", str(tmp_path / "out"),
                                "--views", "COMPASS8"], farm_args(threads_per_task=2))
    assert refused == []
    assert [t["stem"] for t in tasks] == ["day-scene", "night-scene", "prop"]
    first = tasks[0]
    assert first["blends"] == [blends[0]]
    assert first["argv"][:2] == ["sheet", blends[0]]
    assert "--out" not in first["argv"]  # each attempt writes to a folder of its own
    assert first["argv"][first["argv"].index("--stem") + 1] == "day-scene"
    assert first["argv"][first["argv"].index("--threads") + 1] == "2"
    assert first["argv"][first["argv"].index("--views") + 1] == "COMPASS8"
    assert first["threads"] == 2
    cache = first["argv"][first["argv"].index("--bake-cache") + 1]
    assert cache == str(tmp_path / "out" / ".bakeview-farm" / "bake-cache")
    named, _ = farm.plan(["sheet", blends[2], "--out", str(tmp_path), "--bake-cache", "/c"],
                         farm_args())
    assert named[0]["argv"].count("--bake-cache") == 1 and "/c" in named[0]["argv"]


def test_a_split_sheet_is_its_cells_then_one_pack_that_waits_for_them(blends, tmp_path):
    tasks, _ = farm.plan(["sheet", blends[2], "--out", str(tmp_path)], farm_args(split=3))
    assert [t["step"] for t in tasks] == ["bake", "cells", "cells", "cells", "pack"]
    assert "--bake-only" in tasks[0]["argv"] and tasks[1]["after"] == [tasks[0]["name"]]
    tasks = tasks[1:]
    assert [t["argv"][t["argv"].index("--cells") + 1] for t in tasks[:3]] == ["0/3", "1/3",
                                                                              "2/3"]
    pack = tasks[3]
    assert "--pack" in pack["argv"] and pack["after"] == [t["name"] for t in tasks[:3]]
    # one record for the job: a split and an unsplit run of it make the same files
    plain, _ = farm.plan(["sheet", blends[2], "--out", str(tmp_path)], farm_args())
    assert all(t["record"] == plain[0]["argv"] for t in tasks)


def test_one_atlas_of_every_file_is_one_task_and_per_file_atlases_one_each(blends, tmp_path):
    one, _ = farm.plan(["atlas", *blends, "--out", str(tmp_path), "--name", "props"],
                       farm_args())
    # each file's bakes first, in parallel, into the cache the atlas then reads
    assert [(t["step"], t["argv"][1]) for t in one[:3]] == [("bake", b) for b in blends]
    assert all("--bake-only" in t["argv"] for t in one[:3])
    assert [(t["step"], t["stem"], len(t["blends"])) for t in one[3:]] == [("atlas", "props", 3)]
    assert one[3]["after"] == [t["name"] for t in one[:3]]
    each, _ = farm.plan(["atlas", *blends, "--out", str(tmp_path), "--per-file"], farm_args())
    assert [t["stem"] for t in each] == ["day-scene", "night-scene", "prop"]


def test_impostors_are_a_task_per_file_named_as_sheets_are(blends, tmp_path):
    tasks, _ = farm.plan(["impostor", *blends, "--out", str(tmp_path), "--grid", "8"],
                         farm_args())
    assert [(t["step"], t["stem"]) for t in tasks] == [("impostor", "day-scene"),
                                                        ("impostor", "night-scene"),
                                                        ("impostor", "prop")]
    assert "--threads" in tasks[0]["argv"] and "--stem" in tasks[0]["argv"]


def test_a_file_that_is_not_a_blend_is_reported_and_the_others_still_run(blends, tmp_path):
    bad = tmp_path / "broken.blend"
    bad.write_bytes(b"not a blend at all")
    tasks, refused = farm.plan(["sheet", *blends, str(bad), "--out", str(tmp_path)],
                               farm_args())
    assert len(tasks) == 3
    assert refused == [(str(bad), f"{bad} is not a .blend file")]


@pytest.mark.parametrize("argv, says", [
    (["preview", "x.json"], "the farm runs the jobs sheet, atlas, impostor"),
    (["sheet", "--out", "o"], "name the .blend files to farm"),
    (["sheet", "BLEND", "--out", "o", "--shard", "0/2"], "--shard splits a plain job array"),
])
def test_what_the_farm_cannot_run_is_refused_before_any_work(blends, argv, says):
    argv = [blends[2] if a == "BLEND" else a for a in argv]
    with pytest.raises(farm.Failure, match=says):
        farm.plan(argv, farm_args())


def test_split_is_refused_for_jobs_that_are_not_sheets(blends):
    with pytest.raises(farm.Failure, match="--split makes a sheet's frames several tasks; "
                       "impostor runs one task per file"):
        farm.plan(["impostor", blends[2], "--out", "o"], farm_args(split=2))


def test_a_bad_farm_option_exits_1_naming_it(capsys, blends):
    assert farm.main(["sheet", blends[2], "--out", "o", "--workers", "0"]) == 1
    assert "--workers must be at least 1, got 0" in capsys.readouterr().err
    assert farm.main(["sheet", blends[2], "--out", "o", "--blender", "/no/such/blender"]) == 1
    assert "--blender '/no/such/blender' is not a program here" in capsys.readouterr().err


def staged_task(tmp_path, blends, files):
    tasks, _ = farm.plan(["sheet", blends[2], "--out", str(tmp_path / "out")], farm_args())
    task = tasks[0]
    stage = tmp_path / "stage"
    stage.mkdir(exist_ok=True)
    for name, data in files.items():
        (stage / name).write_bytes(data)
    return task, str(stage)


def test_files_move_in_whole_and_a_record_makes_the_rerun_skip(tmp_path, blends):
    task, stage = staged_task(tmp_path, blends, {"prop.png": b"png", "prop.json": b"{}"})
    assert not farm_task.is_done(task)
    assert farm_task._move_in(task, stage) == ["prop.json", "prop.png"]
    out = tmp_path / "out"
    assert (out / "prop.png").read_bytes() == b"png" and os.listdir(stage) == []
    assert farm_task.is_done(task)
    (out / "prop.png").write_bytes(b"changed")  # a file not as recorded: the job runs again
    assert not farm_task.is_done(task)
    (out / "prop.png").write_bytes(b"png")
    with open(blends[2], "ab") as f:  # the .blend changed: its fingerprint too
        f.write(b"more")
    assert not farm_task.is_done(task)


def test_a_file_that_is_not_the_jobs_own_is_not_replaced_without_overwrite(tmp_path, blends):
    task, stage = staged_task(tmp_path, blends, {"prop.png": b"png"})
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "prop.png").write_bytes(b"the user's")
    with pytest.raises(farm_task.JobFailed, match="prop.png exists: pass --overwrite"):
        farm_task._move_in(task, stage)
    assert (tmp_path / "out" / "prop.png").read_bytes() == b"the user's"
    task["overwrite"] = True
    farm_task._move_in(task, stage)
    assert (tmp_path / "out" / "prop.png").read_bytes() == b"png"


def test_a_job_killed_while_moving_in_may_replace_its_own_files_on_the_rerun(tmp_path, blends):
    task, stage = staged_task(tmp_path, blends, {"prop.png": b"new"})
    out = tmp_path / "out"
    out.mkdir()
    (out / "prop.png").write_bytes(b"half of an earlier attempt's move")
    farm_task._write_json(farm_task.farm_path(str(out), "moving", "prop.json"),
                          {"files": ["prop.png"]})
    farm_task._move_in(task, stage)
    assert (out / "prop.png").read_bytes() == b"new"
    assert not os.path.exists(farm_task.farm_path(str(out), "moving", "prop.json"))
