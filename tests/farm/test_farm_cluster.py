"""The farm on a cluster of real processes: a scheduler and two workers on 127.0.0.1, six assets
of which one is corrupt, one worker killed with SIGKILL while it runs a task."""
import os
import signal
import subprocess
import sys
import time

from conftest import SHEET, cli_in_blender, farm, files_of, env

GOOD = ["asset-00", "asset-01", "asset-02", "asset-04", "asset-05"]


def children(pid):
    """The process ids whose parent is pid (from /proc: no procps needed)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid):  # state, then the parent's id
            found.append(entry)
    return found


def _busy_worker(client):
    """The address of a worker running a bakeview task whose Blender has started, or None."""
    for worker, keys in client.processing().items():
        if any(str(k).startswith("bakeview-") for k in keys):
            return worker
    return None


def test_a_killed_worker_and_a_corrupt_file_leave_every_good_sheet_whole(assets, cluster,
                                                                         tmp_path):
    from dask.distributed import Client

    running = cluster(workers=2)
    out = tmp_path / "sheets"
    blends = sorted(str(p) for p in assets.glob("*.blend"))
    command = [sys.executable, "-m", "bakeview", "farm", "sheet", *blends, "--out", str(out),
               *SHEET, "--scheduler", running.file, "--progress", "lines"]
    process = subprocess.Popen(command, env=env(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    killed = None
    with Client(scheduler_file=running.file, timeout="60s") as client:
        names = {w["name"]: address for address, w in client.scheduler_info()["workers"].items()}
        deadline = time.monotonic() + 300
        while killed is None and time.monotonic() < deadline and process.poll() is None:
            busy = _busy_worker(client)
            staged = out / ".bakeview-farm" / "stage"
            if busy is not None and staged.is_dir() and any(staged.iterdir()):
                time.sleep(0.5)  # its Blender is running
                which = next(i for i, (n, a) in enumerate(sorted(names.items())) if a == busy)
                pid = running.workers[which].pid
                blenders = children(pid)
                os.kill(pid, signal.SIGKILL)
                killed = which
                time.sleep(0.3)
                alive = [b for b in blenders if os.path.exists(f"/proc/{b}")
                         and "blender" in open(f"/proc/{b}/cmdline", "rb").read().decode()]
                assert blenders and not alive, "the killed worker's Blender runs on"
            time.sleep(0.05)
    output, _ = process.communicate(timeout=900)
    assert killed is not None, f"no worker was seen busy:\n{output}"
    assert process.returncode == 1, output  # the corrupt file failed
    assert "failed: asset-03" in output, output
    assert "5 done" in output and "1 failed" in output, output

    local = tmp_path / "local"
    done = cli_in_blender("sheet", *[str(assets / f"{n}.blend") for n in GOOD],
                          "--out", local, *SHEET)
    assert done.returncode == 0, done.stderr
    expected, got = files_of(local), files_of(out)
    assert sorted(got) == sorted(expected)  # nothing of asset-03, nothing partial
    for name, data in expected.items():
        assert got[name] == data, f"{name} differs from the local run"
    stage = out / ".bakeview-farm" / "stage"
    assert not stage.exists() or not any(stage.iterdir())


def test_a_rerun_does_only_the_missing_work(assets, tmp_path):
    out = tmp_path / "sheets"
    blends = [str(assets / f"{n}.blend") for n in GOOD[:3]]
    first = farm("sheet", *blends, "--out", out, *SHEET, "--progress", "lines")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "3 done, 0 skipped" in first.stdout
    made = files_of(out)
    os.remove(out / "asset-01.png")  # lost, as a disk or a person may lose it
    again = farm("sheet", *blends, "--out", out, *SHEET, "--progress", "lines")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 done, 2 skipped" in again.stdout, again.stdout
    assert files_of(out) == made


def test_a_file_the_job_would_replace_is_refused_without_overwrite(assets, tmp_path):
    out = tmp_path / "sheets"
    out.mkdir()
    (out / "asset-00.png").write_bytes(b"the user's own file")
    run = farm("sheet", str(assets / "asset-00.blend"), "--out", out, *SHEET)
    assert run.returncode == 1
    assert "asset-00.png exists: pass --overwrite" in run.stdout
    assert (out / "asset-00.png").read_bytes() == b"the user's own file"
    assert sorted(files_of(out)) == ["asset-00.png"]
    replaced = farm("sheet", str(assets / "asset-00.blend"), "--out", out, *SHEET, "--overwrite")
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    assert (out / "asset-00.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_from_python_on_a_client_of_ones_own(assets, cluster, tmp_path):
    from dask.distributed import Client

    from bakeview import farm as farm_module

    running = cluster(workers=2)
    blends = [str(assets / f"{n}.blend") for n in ("asset-00", "asset-03", "asset-04")]
    with Client(scheduler_file=running.file, timeout="60s") as client:
        result = farm_module.run(["sheet", *blends, "--out", str(tmp_path / "out"), *SHEET],
                                 client=client)
        assert client.status == "running"  # the caller's: the farm leaves it open
    assert result.done == ["asset-00", "asset-04"] and result.skipped == []
    assert list(result.failed) == ["asset-03"]  # its Blender could not open it
    assert "cannot open" in result.failed["asset-03"], result.failed
    assert sorted(result.files) == ["asset-00.json", "asset-00.png", "asset-04.json",
                                    "asset-04.png"]
    assert result.baked == 2 and result.cached == 0


def test_a_wrong_job_option_is_argparses_usage_error_exit_2(assets, tmp_path):
    run = farm("sheet", assets / "asset-00.blend", "--out", tmp_path, "--frame-size", "huge")
    assert run.returncode == 2
    assert "argument --frame-size" in run.stderr and "Traceback" not in run.stderr
