"""One farm task, as a Dask worker runs it: a command-line job in `blender -b`, its files made in
a folder of their own and moved into the output folder only once the whole job has succeeded.

No bpy and no Dask here: a task is a plain function of a plain dict (see farm.py), so any worker
that can import bakeview runs it. What stays in the output folder (OUT/.bakeview-farm/):

    stage/TASK-RANDOM/   a running attempt's files (a killed attempt's folder is never used)
    moving/STEM.json     the files a job is moving in: a rerun may replace them, they are its own
    done/STEM.json       a job's record once every file is in place: its fingerprint (what it
                         was made from) and each file's size and SHA-256; a rerun whose job has
                         the same fingerprint and finds the files as recorded does nothing
    logs/TASK.log        the last attempt's Blender output
    cells/STEM/          a split sheet's frame store (see bakeview.frame_store)

A file moves in with os.replace, whole, so a reader never sees half of one; a job killed half
way through moving leaves no done record, and its rerun makes it again."""
import ctypes
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import uuid

from . import files

FARM_DIR = ".bakeview-farm"
BAKES_LINE = re.compile(r"^bakeview: bakes: (\d+) baked, (\d+) from cache in ([\d.]+) s", re.M)
ERROR_LINE = re.compile(r"^bakeview: error: (.*)$", re.M)
CHUNK = 1 << 20


class BlenderCrashed(RuntimeError):
    """Blender ended without bakeview's own exit status (a signal, an abort): the task is worth
    another attempt, which Dask makes (the task's retries)."""


def farm_path(out, *parts):
    return os.path.join(out, FARM_DIR, *parts)


def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(task):
    """What a job's files are made from: the command it runs (without where it writes) and the
    bytes of every .blend it reads."""
    digest = hashlib.sha256(json.dumps(task["record"]).encode())
    for blend in task["blends"]:
        digest.update(file_digest(blend).encode())
    digest.update(task["version"].encode())
    return digest.hexdigest()


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    files.write_whole(path, json.dumps(value, indent=1, sort_keys=True).encode())


def is_done(task):
    """Whether the job's done record matches its fingerprint and every file it lists is there,
    of the size and content recorded."""
    record = _read_json(farm_path(task["out"], "done", f"{task['stem']}.json"))
    if not record or record.get("fingerprint") != fingerprint(task):
        return False
    for name, size, digest in record.get("files", []):
        path = os.path.join(task["out"], name)
        try:
            if os.path.getsize(path) != size or file_digest(path) != digest:
                return False
        except OSError:
            return False
    return True


def _die_with_parent():
    """In the child before exec: Linux kills it when the worker thread waiting on it dies (a
    worker killed mid-task leaves no Blender running on)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def blender_command(task, stage):
    boot = (f"import sys; sys.path.insert(0, {task['package']!r}); "
            "import bakeview.cli as c; c.main()")
    return [task["blender"], "-b", "--factory-startup", "-noaudio", "-t", str(task["threads"]),
            "--python-exit-code", "1", "--python-expr", boot, "--",
            *task["argv"], "--out", stage]


def _run_blender(task, stage):
    """Runs the job; returns Blender's output. Raises BlenderCrashed or JobFailed."""
    log_path = farm_path(task["out"], "logs", f"{task['key']}.log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    command = blender_command(task, stage)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(log_path, "w", encoding="utf-8", errors="replace") as log:
        log.write(" ".join(command) + "\n")
        log.flush()
        process = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, env=env, timeout=task["timeout"],
                                 preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        output = process.stdout.decode("utf-8", "replace")
        log.write(output)
    errors = ERROR_LINE.findall(output)
    if process.returncode == 0:
        return output
    if process.returncode == 1 and errors:  # bakeview said why: another attempt says the same
        raise JobFailed(errors[-1])
    raise BlenderCrashed(f"Blender ended with status {process.returncode} "
                         f"(see {log_path})")


class JobFailed(RuntimeError):
    """The job cannot succeed as it is (a corrupt .blend, an object without UVs ...): reported,
    not tried again."""


def _move_in(task, stage):
    """Moves the attempt's files into OUT, refusing files it would replace that are not the
    job's own (unless --overwrite); records the job as done."""
    out, stem = task["out"], task["stem"]
    names = sorted(os.path.relpath(os.path.join(d, f), stage)
                   for d, _, fs in os.walk(stage) for f in fs)
    moving_path = farm_path(out, "moving", f"{stem}.json")
    own = set()
    for record in (_read_json(moving_path), _read_json(farm_path(out, "done", f"{stem}.json"))):
        own.update(entry if isinstance(entry, str) else entry[0]
                   for entry in (record or {}).get("files", []))
    for name in names:
        if os.path.exists(os.path.join(out, name)) and name not in own and not task["overwrite"]:
            raise JobFailed(f"{os.path.join(out, name)} exists: pass --overwrite to replace it")
    files = [[name, os.path.getsize(os.path.join(stage, name)),
              file_digest(os.path.join(stage, name))] for name in names]
    _write_json(moving_path, {"files": names})
    for name in names:
        target = os.path.join(out, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(os.path.join(stage, name), target)
    _write_json(farm_path(out, "done", f"{stem}.json"),
                {"fingerprint": fingerprint(task), "files": files, "argv": task["record"]})
    os.remove(moving_path)
    return names


def run(task, after=()):
    """Runs one task dict (see farm.plan) once the results `after` (of its bake, its cells) are in;
    returns {"stem", "step", "status": done|skipped|failed, "files", "baked", "cached",
    "error"}. Raises BlenderCrashed for Dask to try again."""
    result = {"stem": task["stem"], "step": task["step"], "files": [], "baked": 0, "cached": 0,
              "baking": 0.0, "error": None}
    if is_done(task):  # the job's record: its bake and cell tasks are skipped with it
        return dict(result, status="skipped")
    failed = [r for r in after if r["status"] == "failed"]
    if failed:
        return dict(result, status="failed", error=f"{len(failed)} task(s) it needs failed: "
                    f"{failed[0]['error']}")
    stage = farm_path(task["out"], "stage", f"{task['key']}-{uuid.uuid4().hex[:8]}")
    os.makedirs(stage)
    try:
        try:
            output = _run_blender(task, stage)
        except subprocess.TimeoutExpired:
            raise BlenderCrashed(f"took longer than --task-timeout {task['timeout']} s") from None
        except JobFailed as failure:
            return dict(result, status="failed", error=str(failure))
        for baked, cached, seconds in BAKES_LINE.findall(output):
            result["baked"] += int(baked)
            result["cached"] += int(cached)
            result["baking"] += float(seconds)
        if task["step"] in ("bake", "cells"):  # into the cache, the frame store: nothing to move
            return dict(result, status="done")
        try:
            result["files"] = _move_in(task, stage)
        except JobFailed as failure:
            return dict(result, status="failed", error=str(failure))
        if task.get("store"):  # the sheet is in place: its cells are no longer needed
            shutil.rmtree(task["store"], ignore_errors=True)
        return dict(result, status="done")
    finally:
        shutil.rmtree(stage, ignore_errors=True)
