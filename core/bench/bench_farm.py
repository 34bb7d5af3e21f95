"""Benchmark: the farm (python -m bakeview farm) on this machine, against issue 16's targets:
  - scaling: 2 workers of 1 Blender each (each Blender and its core on 1 thread) >= 1.7x one
    such worker, on 8 assets (wall time of the whole command, cluster start included);
  - a warm bake cache: a rerun of the 8 unchanged assets (a new --out, the same --bake-cache)
    spends >= 90% less time baking (the bake seconds the tasks report, summed).
Also prints the per-asset bake and draw times the README's throughput model uses. Prints
figures, asserts nothing:
    PYTHONPATH=build/python build/venv-bpy/bin/python core/bench/bench_farm.py
Assets: samples/farm_assets.py's UV spheres, each baked DIFFUSE at --bake-size, 8 views."""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUMMARY = re.compile(r"bakes: (\d+) baked, (\d+) from cache, ([\d.]+) s baking")


def farm(blends, out, cache, workers, options):
    command = [sys.executable, "-m", "bakeview", "farm", "sheet", *blends, "--out", out,
               "--bake-cache", cache, "--workers", str(workers), "--threads-per-task", "1",
               "--progress", "none", *options]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the farm failed:\n{done.stdout}\n{done.stderr}")
    baked, cached, baking = SUMMARY.search(done.stdout).groups()
    return seconds, int(baked), int(cached), float(baking)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assets", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="runs of each (median)")
    parser.add_argument("--bake-size", type=int, default=512)
    parser.add_argument("--frame-size", default="128x128")
    parser.add_argument("--blender", default=os.environ.get("BAKEVIEW_BLENDER", "blender"))
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bakeview-farm-bench-")
    try:
        subprocess.run([args.blender, "-b", "--factory-startup", "--python-exit-code", "1",
                        "--python", os.path.join(ROOT, "samples", "farm_assets.py"), "--",
                        os.path.join(folder, "assets"), str(args.assets)],
                       check=True, capture_output=True)
        blends = sorted(os.path.join(folder, "assets", n)
                        for n in os.listdir(os.path.join(folder, "assets")))
        options = ["--bake-size", str(args.bake_size), "--frame-size", args.frame_size]
        print(f"{args.assets} assets, bake {args.bake_size}^2 DIFFUSE, 8 views of "
              f"{args.frame_size}, {os.cpu_count()} CPUs; {args.runs} runs each, alternated")
        cold = {1: [], 2: []}
        warm, bake_cold, bake_warm = [], [], []
        for run in range(args.runs):
            for workers in (1, 2):  # alternated: the machine's noise falls on both
                where = os.path.join(folder, f"r{run}w{workers}")
                seconds, baked, _, baking = farm(blends, os.path.join(where, "out"),
                                                 os.path.join(where, "cache"), workers, options)
                cold[workers].append(seconds)
                if workers == 1:
                    bake_cold.append(baking / max(1, baked))
                    seconds, again, cached, baking = farm(
                        blends, os.path.join(where, "out2"), os.path.join(where, "cache"), 1,
                        options)
                    warm.append((seconds, again, cached, baking))
                    bake_warm.append(baking)
        one, two = statistics.median(cold[1]), statistics.median(cold[2])
        print(f"cold, 1 worker:  {one:.1f} s (median; runs {', '.join(f'{s:.1f}' for s in cold[1])})")
        print(f"cold, 2 workers: {two:.1f} s (median; runs {', '.join(f'{s:.1f}' for s in cold[2])})")
        print(f"scaling: x{one / two:.2f} (target >= 1.7)")
        per_asset = statistics.median(bake_cold)
        cold_baking = per_asset * args.assets
        warm_baking = statistics.median(bake_warm)
        seconds, again, cached, _ = warm[len(warm) // 2]
        print(f"bake time, cold run: {cold_baking:.2f} s ({per_asset:.2f} s per asset); warm "
              f"rerun: {warm_baking:.2f} s ({again} baked, {cached} from cache), "
              f"{100 * (1 - warm_baking / cold_baking):.1f}% less (target >= 90%); warm rerun "
              f"wall time {statistics.median(w[0] for w in warm):.1f} s with 1 worker")
        per_task = one / args.assets
        print(f"throughput model inputs: {per_task:.2f} s per asset with 1 worker, "
              f"of which bake {per_asset:.2f} s; the rest is Blender's start, opening the file, "
              "drawing and writing")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


main()
