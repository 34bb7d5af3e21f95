"""Benchmark: fidelity against time of render_view's sampling modes (AUTO, 2 x 2, 4 x 4, 8 x 8).

Run inside Blender or with the bpy module (prints a table, asserts nothing):
    blender -b --factory-startup --python core/bench/bench_sampling.py -- --build build
    python core/bench/bench_sampling.py --build build

Scenes: tests/blender/footprint_scenes.py (grazing planes at 10 and 4 degrees, a magnified
close-up, a 300 x 180 texture, a UV sphere's seam) and test_fidelity's perspective spheres. Each
bakes EMIT at its texture's size. dB: premultiplied RGBA against a Cycles reference whose two
seeds agree to >= 46 dB, at the scene's test size (128 x 96). ms: the median of --runs
render_view calls (texture reading, the core, the Image) at 4 x that size (512 x 384), one
thread, in one process."""
import argparse
import os
import statistics
import sys
import tempfile
import time

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODES = ("AUTO", 2, 4, 8)


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build", help="build folder holding python/bakeview")
    parser.add_argument("--runs", type=int, default=5, help="render_view runs per mode (median)")
    return parser.parse_args(argv)


def main():
    args = parse_args()
    sys.path.insert(0, os.path.join(os.path.abspath(args.build), "python"))
    sys.path.insert(0, os.path.join(_ROOT, "tests", "blender"))
    import bakeview
    import footprint_scenes
    import test_fidelity
    builders = [(name, lambda name=name: footprint_scenes.build(name)[0],
                 footprint_scenes.REFERENCE_SAMPLES[name]) for name in footprint_scenes.SCENES]
    builders.append(("spheres", lambda: test_fidelity.build_scene("perspective"),
                     test_fidelity.REFERENCE_SAMPLES))
    print("scene          " + "".join(f"{str(m):>16}" for m in MODES) + "   (dB against Cycles / ms)")
    with tempfile.TemporaryDirectory() as folder:
        for name, build, samples in builders:
            scene = build()
            for obj in [o for o in scene.objects if o.type == "MESH"]:
                image = obj.active_material.node_tree.nodes["Image Texture"].image
                bakeview.bake(obj, kind="EMIT", size=tuple(image.size), margin=4)
            reference, _ = test_fidelity.cycles_reference(scene, 1, os.path.join(folder, "a.exr"),
                                                          samples)
            cells = []
            for mode in MODES:
                ours = bakeview.pixels(bakeview.render_view(premultiplied=True, samples=mode))
                db = test_fidelity.psnr(ours, reference)
                width, height = scene.render.resolution_x * 4, scene.render.resolution_y * 4
                times = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    bakeview.render_view(samples=mode, width=width, height=height, threads=1)
                    times.append(time.perf_counter() - start)
                cells.append(f"{db:6.1f} /{statistics.median(times) * 1e3:6.1f}")
            print(f"{name:<15}" + "".join(f"{c:>16}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
