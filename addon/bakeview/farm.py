"""python -m bakeview farm JOB ...: the command line's jobs over many .blend files as Dask tasks.

    python -m bakeview farm sheet assets/*.blend --out sheets [sheet options]
    python -m bakeview farm atlas props/*.blend --out atlas --per-file
    python -m bakeview farm sheet big.blend --out sheets --views OCTAHEDRAL:32 --split 8 \\
        --scheduler tcp://10.0.0.5:8786

Each task runs `blender -b` as a subprocess (a Blender crash fails one attempt, not the worker),
one file per task (a sheet of many frames: --split cell tasks, then one that packs). Without
--scheduler a local Dask cluster sized to the machine runs them; with it, an existing cluster
does, whose workers see --out (and --bake-cache) at the same path and can import bakeview.
Bakes go through a bake cache (default OUT/.bakeview-farm/bake-cache), so shards and reruns
reuse them. Files move into --out only once their job has succeeded; a rerun of the same command
skips the jobs that are done (see bakeview.farm_task). Needs `dask[distributed]`, not bpy."""
import argparse
import os
import shutil
import sys
import time
import uuid

from . import bl_info, farm_task

CLI_FARMED = ("sheet", "atlas", "impostor")


class Failure(ValueError):
    """What the farm cannot run, said before any work (the command line prints it)."""


class UsageError(Failure):
    """The job's own options are wrong (argparse has printed why), or were --help."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def parser():
    farm = argparse.ArgumentParser(
        prog="bakeview farm", allow_abbrev=False, add_help=False,
        usage="bakeview farm {sheet,atlas,impostor} BLEND... --out OUT [job options] "
        "[farm options]",
        description="Run a command-line job (sheet, atlas, impostor) over many .blend files as "
        "Dask "
        "tasks, one `blender -b` per task. The job's options are the command's own "
        "(bakeview sheet --help); these are the farm's.")
    farm.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    farm.add_argument("--scheduler", default=None, metavar="ADDRESS",
                      help="an existing Dask scheduler (tcp://HOST:PORT, or a scheduler file "
                      "path); default: start a local cluster sized to this machine")
    farm.add_argument("--workers", type=int, default=None,
                      help="local cluster: how many Blenders run at once (default: cores / "
                      "--threads-per-task)")
    farm.add_argument("--threads-per-task", type=int, default=1,
                      help="threads each Blender and its core use (default 1)")
    farm.add_argument("--blender", default=os.environ.get("BAKEVIEW_BLENDER", "blender"),
                      help="the Blender the workers run (default $BAKEVIEW_BLENDER, else "
                      "blender on PATH); the same path on every worker")
    farm.add_argument("--split", type=int, default=1, metavar="K",
                      help="sheets: render each sheet's frames as K tasks into a frame store, "
                      "then pack it in one (byte-identical to a sheet made in one task)")
    farm.add_argument("--retries", type=int, default=1,
                      help="attempts after a Blender crash or timeout (default 1); a worker "
                      "that dies is Dask's: its tasks run elsewhere, up to the scheduler's "
                      "allowed-failures")
    farm.add_argument("--task-timeout", type=float, default=None, metavar="SECONDS",
                      help="an attempt running longer is stopped and counts as a crash")
    farm.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="auto",
                      help="a progress bar on a terminal, else a line per task (default auto)")
    return farm


def _job_args(job_argv):
    from . import cli

    if not job_argv or job_argv[0] not in CLI_FARMED:
        raise Failure(f"the farm runs the jobs {', '.join(CLI_FARMED)}: "
                      "bakeview farm sheet BLEND... --out OUT")
    try:
        args = cli.parser().parse_args(job_argv)
    except SystemExit as stop:  # argparse printed the usage and why, or the job's --help
        raise UsageError(f"the job's command line is wrong: {' '.join(job_argv)}",
                         int(stop.code or 0)) from None
    if not args.blends:
        raise Failure("name the .blend files to farm (the farm opens no file of its own)")
    if args.shard != (0, 1):
        raise Failure("--shard splits a plain job array; the farm splits the work itself")
    if args.stem is not None:
        raise Failure("--stem is the farm's own")
    return args


def _without(argv, blends, flags):
    """The job's argv without the files named and the flags (with their values) given."""
    rest, skip = [], False
    for token in argv:
        if skip:
            skip = False
        elif token in flags:
            skip = True
        elif token.partition("=")[0] in flags:
            pass
        elif token not in blends:
            rest.append(token)
    return rest


def plan(job_argv, farm_args):
    """(tasks, files refused before any work): the task dicts of the run in order. A job of one
    file is one task; a split sheet is a bake task, its cell tasks and a pack task, and one atlas
    of many files a bake task per file and the atlas task, each task's "after" naming the tasks
    it waits for."""
    from . import cli

    args = _job_args(job_argv)
    out = os.path.abspath(args.out)
    good, refused = [], []
    for blend in sorted(set(args.blends)):
        try:
            cli._check_blends([blend])
            good.append(blend)
        except cli.Failure as error:
            refused.append((blend, str(error)))
    command, rest = job_argv[0], _without(job_argv[1:], set(args.blends), {"--out"})
    if args.bake_cache is None:  # every worker sees --out: the cache lives there by default
        rest += ["--bake-cache", farm_task.farm_path(out, "bake-cache")]
    threads = farm_args.threads_per_task
    if command in ("sheet", "impostor"):
        rest += ["--threads", str(threads)]
    if command != "sheet" and farm_args.split > 1:
        raise Failure(f"--split makes a sheet's frames several tasks; {command} runs one task "
                      "per file")
    common = {"out": out, "blender": farm_args.blender, "threads": threads,
              "timeout": farm_args.task_timeout, "overwrite": args.overwrite,
              "package": os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
              "version": ".".join(map(str, bl_info["version"]))}
    if command == "atlas" and not args.per_file:
        units = [(args.name or "atlas", good)]
    else:
        stems = cli._stems(good, None) if good else {}
        units = [(stems[blend], [blend]) for blend in good]
    tasks = []
    for stem, blends in units:
        blends = [os.path.abspath(b) for b in blends]
        argv = [command, *blends, *rest]
        if command != "atlas" or args.per_file:
            argv += ["--stem", stem]
        record = dict(common, stem=stem, blends=blends, argv=argv, record=argv)
        split = command == "sheet" and farm_args.split > 1
        if not split and len(blends) == 1:
            tasks.append(dict(record, step=command, name=stem))
            continue
        # what several tasks draw is baked first, once per file, into the cache they share
        bakes = [dict(record, step="bake", name=f"{stem}.bake-{i}",
                      argv=[command, blend, *rest, "--bake-only"])
                 for i, blend in enumerate(blends)]
        tasks += bakes
        after = [b["name"] for b in bakes]
        if not split:  # one atlas of many files
            tasks.append(dict(record, step=command, name=stem, after=after))
            continue
        store = farm_task.farm_path(out, "cells")  # the sheet's cells go to STORE/STEM
        cells = [dict(record, step="cells", name=f"{stem}.cells-{i}", after=after,
                      argv=argv + ["--cells", f"{i}/{farm_args.split}", "--frame-store", store])
                 for i in range(farm_args.split)]
        tasks += cells
        tasks.append(dict(record, step="pack", name=f"{stem}.pack",
                          argv=argv + ["--pack", "--frame-store", store],
                          after=[c["name"] for c in cells], store=os.path.join(store, stem)))
    return tasks, refused


def _client(farm_args):
    from dask.distributed import Client, LocalCluster

    if farm_args.scheduler:
        where = farm_args.scheduler
        try:
            if os.path.isfile(where):  # a scheduler file (dask scheduler --scheduler-file)
                return Client(scheduler_file=where, timeout="30s"), None
            return Client(where, timeout="30s"), None
        except (OSError, ValueError, TimeoutError) as error:
            raise Failure(f"--scheduler {where}: cannot reach a Dask scheduler there "
                          f"({error})") from None
    cores = os.cpu_count() or 1
    workers = farm_args.workers or max(1, cores // max(1, farm_args.threads_per_task))
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=40)  # logging.ERROR
    return Client(cluster), cluster


class _Progress:
    """A bar on a terminal (\\r), else one line per task ended."""

    def __init__(self, total, mode):
        self.total, self.ended = total, 0
        self.mode = ("bar" if sys.stdout.isatty() else "lines") if mode == "auto" else mode

    def ended_one(self, result):
        self.ended += 1
        if self.mode == "lines":
            what = result["status"] + (f": {result['error']}" if result["error"] else "")
            print(f"[{self.ended}/{self.total}] {result['stem']} {result['step']}: {what}",
                  flush=True)
        elif self.mode == "bar":
            filled = 30 * self.ended // max(1, self.total)
            print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.ended}/{self.total}", end="",
                  flush=True)
            if self.ended == self.total:
                print()


def _ran(future, task):
    """The task's result dict, whatever became of it (a crash past its retries, a worker
    killed more often than the scheduler allows)."""
    try:
        return future.result()
    except Exception as error:  # Dask hands back the task's exception, or KilledWorker
        text = str(error) or type(error).__name__
        if type(error).__name__ == "KilledWorker":
            text = "its worker died on every attempt (KilledWorker)"
        return {"stem": task["stem"], "step": task["step"], "status": "failed", "files": [],
                "baked": 0, "cached": 0, "baking": 0.0, "error": text}


def run_tasks(client, tasks, retries, progress):
    """Submits the tasks (a pack task after its cells) and returns their results in order."""
    run_id = uuid.uuid4().hex[:8]
    futures = {}
    for task in tasks:
        task["key"] = task["name"]
        after = [futures[name] for name in task.get("after", ())]
        futures[task["name"]] = client.submit(farm_task.run, task, after, pure=False,
                                              retries=retries,
                                              key=f"bakeview-{task['name']}-{run_id}")
    from dask.distributed import as_completed

    by_key = {f.key: t for t, f in zip(tasks, futures.values())}
    results = {}
    for future in as_completed(list(futures.values())):
        task = by_key[future.key]
        results[task["name"]] = _ran(future, task)
        progress.ended_one(results[task["name"]])
    return [results[t["name"]] for t in tasks]


class FarmResult:
    """What a farm run did: `done`, `skipped` (already done) and `failed` jobs by name (failed:
    {name: reason}), the files moved into the output folder, the bakes made and taken from the
    cache, the seconds spent baking (summed over tasks) and the run's wall time."""

    def __init__(self, results, refused, seconds):
        jobs = [r for r in results if r["step"] not in ("bake", "cells")]
        self.done = [r["stem"] for r in jobs if r["status"] == "done"]
        self.skipped = [r["stem"] for r in jobs if r["status"] == "skipped"]
        self.failed = {blend: why for blend, why in refused}
        self._steps = {}
        for result in results:  # a bake or cell task's reason before its job's "needs" one
            if result["status"] == "failed" and result["stem"] not in self.failed:
                self.failed[result["stem"]] = result["error"]
                self._steps[result["stem"]] = result["step"]
        self.files = [f for r in jobs for f in r["files"]]
        self.baked = sum(r["baked"] for r in results)
        self.cached = sum(r["cached"] for r in results)
        self.baking = sum(r["baking"] for r in results)
        self.seconds = seconds

    def lines(self):
        """The summary the command prints."""
        lines = [f"bakeview farm: {len(self.done)} done, {len(self.skipped)} skipped (already "
                 f"done), {len(self.failed)} failed in {self.seconds:.1f} s; bakes: "
                 f"{self.baked} baked, {self.cached} from cache, {self.baking:.2f} s baking"]
        for name, why in self.failed.items():
            step = f" ({self._steps[name]})" if name in self._steps else ""
            lines.append(f"  failed: {name}{step}: {why}")
        return lines


def run(job, *, client=None, scheduler=None, workers=None, threads_per_task=1,
        blender=None, split=1, retries=1, task_timeout=None, progress="none"):
    """Runs a command-line job over its files as Dask tasks and returns a FarmResult; the
    Python form of `python -m bakeview farm` (no bpy needed):

        from bakeview import farm
        result = farm.run(["sheet", *blends, "--out", "sheets", "--views", "COMPASS8"])
        result = farm.run([...], client=dask_client)   # a cluster of your own (KubeCluster...)

    job: the words of the command line's job (sheet, atlas or impostor, its files, --out and
    its options). client: a dask.distributed Client to run on; else scheduler (an address or
    a scheduler file); else a local cluster of `workers` processes (default: cores /
    threads_per_task) started and stopped here. The other arguments are the farm's flags
    (see parser()). Raises ValueError (Failure) for what cannot run, before any work."""
    for name, value, least in (("workers", workers, 1), ("threads_per_task", threads_per_task, 1),
                               ("split", split, 1), ("retries", retries, 0)):
        if value is not None and (not isinstance(value, int) or value < least):
            raise Failure(f"--{name.replace('_', '-')} must be at least {least}, got {value!r}")
    blender = blender or os.environ.get("BAKEVIEW_BLENDER", "blender")
    if shutil.which(blender) is None:
        raise Failure(f"--blender {blender!r} is not a program here")
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise Failure("the farm needs Dask: pip install 'dask[distributed]'") from None
    options = argparse.Namespace(scheduler=scheduler, workers=workers,
                                 threads_per_task=threads_per_task, blender=blender,
                                 split=split, retries=retries, task_timeout=task_timeout,
                                 progress=progress)
    tasks, refused = plan(list(job), options)
    started = time.monotonic()
    results = _run(tasks, options, client) if tasks else []
    return FarmResult(results, refused, time.monotonic() - started)


def main(argv):
    """Runs the farm's command line; returns the exit status (0 all done, 1 some failed or
    could not run, 2 wrong usage)."""
    farm_args, job_argv = parser().parse_known_args(argv)
    if farm_args.help or not job_argv:
        parser().print_help()
        return 0 if farm_args.help else 2
    options = {k: v for k, v in vars(farm_args).items() if k != "help"}
    try:
        result = run(job_argv, **options)
    except UsageError as error:
        return error.status
    except Failure as error:
        print(f"bakeview: error: {error}", file=sys.stderr, flush=True)
        return 1
    for line in result.lines():
        print(line, flush=True)
    return 1 if result.failed else 0


def _run(tasks, farm_args, client=None):
    # attempts killed with their worker leave their stage folder: no task uses it any more
    stage = farm_task.farm_path(tasks[0]["out"], "stage")
    shutil.rmtree(stage, ignore_errors=True)
    jobs = len({t["stem"] for t in tasks})
    if farm_args.progress != "none":
        print(f"bakeview farm: {len(tasks)} task(s) for {jobs} job(s)", flush=True)
    own, cluster = (None, None) if client is not None else _client(farm_args)
    try:
        return run_tasks(client or own, tasks, farm_args.retries,
                         _Progress(len(tasks), farm_args.progress))
    finally:
        if own is not None:
            own.close()
        if cluster is not None:
            cluster.close()
        shutil.rmtree(stage, ignore_errors=True)
