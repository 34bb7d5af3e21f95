"""The farm's tests: real processes on 127.0.0.1 (a Dask scheduler, workers, `blender -b` per
task), run with a Python that has Dask (./run test uses build/venv-bpy).

Run: PYTHONPATH=build/python build/venv-bpy/bin/python -m pytest -q tests/farm"""
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BAKEVIEW_BUILD", os.path.join(ROOT, "build"))
PACKAGE = os.path.join(BUILD, "python")
BLENDER = os.environ.get("BAKEVIEW_BLENDER", "blender")
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, PACKAGE)

# small jobs: a bake of 64 x 64 texels, 8 views of 48 x 48
SHEET = ["--frame-size", "48x48", "--bake-size", "64"]


def env():
    return dict(os.environ, PYTHONPATH=PACKAGE, BAKEVIEW_BLENDER=BLENDER)


def make_assets(folder, count, animated=None):
    command = [BLENDER, "-b", "--factory-startup", "--python-exit-code", "1", "--python",
               os.path.join(ROOT, "samples", "farm_assets.py"), "--", str(folder), str(count)]
    if animated:
        command += ["--animated", *map(str, animated)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="session")
def assets(tmp_path_factory):
    """asset-00 ... asset-05.blend, asset-03 corrupt (its second half cut off)."""
    folder = tmp_path_factory.mktemp("assets")
    make_assets(folder, 6)
    corrupt = folder / "asset-03.blend"
    data = corrupt.read_bytes()
    corrupt.write_bytes(data[: len(data) // 2])
    return folder


def farm(*args, timeout=900):
    """Runs python -m bakeview farm ARGS; returns the CompletedProcess (text)."""
    return subprocess.run([sys.executable, "-m", "bakeview", "farm", *map(str, args)], env=env(),
                          capture_output=True, text=True, timeout=timeout)


def cli_in_blender(*args, timeout=900):
    """The plain command line in one Blender: what a local run makes."""
    boot = f"import sys; sys.path.insert(0, {PACKAGE!r}); import bakeview.cli as c; c.main()"
    return subprocess.run([BLENDER, "-b", "--factory-startup", "--python-exit-code", "1",
                           "--python-expr", boot, "--", *map(str, args)], env=env(),
                          capture_output=True, text=True, timeout=timeout)


def files_of(folder):
    """{relative path: bytes} of the files a run left in folder, outside the farm's own."""
    found = {}
    for where, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".bakeview-farm"]
        for name in names:
            path = os.path.join(where, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, folder)] = f.read()
    return found


class Cluster:
    """A scheduler and workers, each its own process (no nanny: killing a worker kills it)."""

    def __init__(self, folder, workers):
        self.file = str(folder / "scheduler.json")
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0",
                                     "--no-dashboard", "--scheduler-file", self.file)
        deadline = time.monotonic() + 60
        while not os.path.exists(self.file):
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                raise RuntimeError("the Dask scheduler did not start")
            time.sleep(0.1)
        self.workers = [self._start("worker", "--scheduler-file", self.file, "--nthreads", "1",
                                    "--no-nanny", "--host", "127.0.0.1", "--no-dashboard",
                                    "--name", f"w{i}") for i in range(workers)]
        from dask.distributed import Client

        with Client(scheduler_file=self.file, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)

    @staticmethod
    def _start(what, *args):
        return subprocess.Popen([os.path.join(BIN, "dask"), what, *args], env=env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)

    def close(self):
        for process in self.workers + [self.scheduler]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@pytest.fixture
def cluster(tmp_path):
    made = []

    def start(workers=2):
        made.append(Cluster(tmp_path, workers))
        return made[-1]

    yield start
    for one in made:
        one.close()


@pytest.fixture(autouse=True)
def _blender_present():
    if shutil.which(BLENDER) is None:
        pytest.fail(f"no {BLENDER} here: the farm runs Blender")
