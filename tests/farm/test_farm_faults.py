"""Faults inside a task, through a --blender wrapper that misbehaves for one asset: a full disk
(a file-size limit: writes past it fail with EFBIG, as on a full disk), a Blender that crashes
once (tried again, then done), one that crashes every time (reported after its retries). The
other assets always finish, and nothing of a failed job reaches --out."""
import os
import stat

from conftest import BLENDER, SHEET, farm, files_of


def wrapper(tmp_path, body):
    """A --blender that runs `body` (bash) when asset-01 is among its arguments, then Blender."""
    path = tmp_path / "blender-wrapper"
    path.write_text("#!/bin/bash\n"
                    "case \" $* \" in *asset-01.blend*)\n"
                    f"{body}\n"
                    ";; esac\n"
                    f"exec {BLENDER} \"$@\"\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def three(assets):
    return [assets / f"asset-0{n}.blend" for n in (0, 1, 2)]


def test_a_full_disk_fails_that_job_alone_and_leaves_nothing_of_it(assets, tmp_path):
    # 1 KiB: Blender starts and bakes in memory; the bake cache's entry and the sheet's files
    # do not fit ("disk full"). SRGB: no colour management to sample through a file first
    fake = wrapper(tmp_path, "trap '' XFSZ; ulimit -f 1")
    out = tmp_path / "sheets"
    run = farm("sheet", *three(assets), "--out", out, *SHEET, "--blender", fake,
               "--colour", "SRGB", "--progress", "lines")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 done, 0 skipped (already done), 1 failed" in run.stdout, run.stdout
    failure = next(line for line in run.stdout.splitlines() if "failed: asset-01" in line)
    assert "File too large" in failure, failure
    assert sorted(files_of(out)) == ["asset-00.json", "asset-00.png", "asset-02.json",
                                     "asset-02.png"]
    stage = out / ".bakeview-farm" / "stage"
    assert not stage.exists() or not any(stage.iterdir())
    # the disk has room again: the rerun does the missing job only
    again = farm("sheet", *three(assets), "--out", out, *SHEET, "--colour", "SRGB")
    assert again.returncode == 0 and "1 done, 2 skipped" in again.stdout, again.stdout


def test_a_blender_that_crashes_once_is_tried_again(assets, tmp_path):
    marker = tmp_path / "crashed-once"
    fake = wrapper(tmp_path, f"if [ ! -e {marker} ]; then touch {marker}; kill -SEGV $$; fi")
    out = tmp_path / "sheets"
    run = farm("sheet", *three(assets), "--out", out, *SHEET, "--blender", fake)
    assert run.returncode == 0, run.stdout + run.stderr
    assert marker.exists() and "3 done" in run.stdout, run.stdout
    assert "asset-01.png" in files_of(out)


def test_a_blender_that_crashes_every_time_is_reported_after_its_retries(assets, tmp_path):
    count = tmp_path / "attempts"
    fake = wrapper(tmp_path, f"echo x >> {count}; kill -SEGV $$")
    out = tmp_path / "sheets"
    run = farm("sheet", *three(assets), "--out", out, *SHEET, "--blender", fake,
               "--retries", "2")
    assert run.returncode == 1
    assert "2 done, 0 skipped (already done), 1 failed" in run.stdout, run.stdout
    assert "failed: asset-01 (sheet): Blender ended with status -11" in run.stdout, run.stdout
    assert len(count.read_text().split()) == 3  # the first attempt and two retries
    assert sorted(files_of(out)) == ["asset-00.json", "asset-00.png", "asset-02.json",
                                     "asset-02.png"]


def test_a_full_disk_while_sampling_the_colour_management_names_it(assets, tmp_path):
    fake = wrapper(tmp_path, "trap '' XFSZ; ulimit -f 1")
    run = farm("sheet", assets / "asset-01.blend", "--out", tmp_path / "sheets", *SHEET,
               "--blender", fake)
    assert run.returncode == 1
    assert ("cannot sample the scene's colour management: Blender could not write and read back"
            in run.stdout), run.stdout
    assert files_of(tmp_path / "sheets") == {}
