"""Benchmark: what render_pixels adds to a Cycles render, beside the seed's way (prints figures).

    blender -b --factory-startup --python core/bench/bench_render_pixels.py -- --build build
    BPY_PYTHON core/bench/bench_render_pixels.py --build build          (the bpy module)

Scene: the sample robot (samples/robot_scene.py), Cycles on the CPU at 16 samples, no denoising,
seen by a camera that frames it, at 128 x 128 and 512 x 512.
Per round, one after the other so that all see the same load:
  bare:   bpy.ops.render.render(), nothing read;
  render_pixels: the same render, its linear pixels in memory (images=False), and with an Image
          of them (images=True);
  seed's way: write_still with the scene's output settings (PNG) into a temporary folder, the
          file loaded with bpy.data.images.load and its pixels read with foreach_get.
Overheads are medians over the rounds, relative to the bare render's median."""
import argparse
import array
import math
import os
import shutil
import statistics
import sys
import tempfile
import time


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build", help="build folder holding python/bakeview")
    parser.add_argument("--rounds", type=int, default=7, help="rounds per size")
    parser.add_argument("--samples", type=int, default=16, help="Cycles samples")
    return parser.parse_args(argv)


def main():
    args = parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(os.path.abspath(args.build), "python"))
    sys.path.insert(0, os.path.join(here, "..", "..", "samples"))
    import bpy

    import bakeview
    import robot_scene

    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    robot_scene.build(scene)
    camera = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
    camera.location = (3.2, -4.4, 2.2)
    camera.rotation_euler = (math.radians(72), 0.0, math.radians(36))
    scene.collection.objects.link(camera)
    scene.camera = camera
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = args.samples
    scene.cycles.use_adaptive_sampling = False
    scene.cycles.use_denoising = False
    scene.render.resolution_percentage = 100
    folder = tempfile.mkdtemp(prefix="bakeview-render-bench-")

    def bare():
        bpy.ops.render.render()

    def ours(images):
        return lambda: bakeview.render_pixels(images=images)

    def seed():
        scene.render.filepath = os.path.join(folder, "still.png")
        bpy.ops.render.render(write_still=True)
        image = bpy.data.images.load(scene.render.filepath)
        values = array.array("f", [0.0]) * (4 * image.size[0] * image.size[1])
        image.pixels.foreach_get(values)
        bpy.data.images.remove(image)
        os.remove(scene.render.filepath)

    ways = [("bare render", bare), ("render_pixels", ours(False)),
            ("render_pixels + Image", ours(True)), ("seed's way", seed)]
    print(f"Blender {bpy.app.version_string}: the sample robot, Cycles CPU {args.samples} "
          f"samples, {args.rounds} rounds (medians)")
    try:
        for size in (128, 512):
            scene.render.resolution_x = scene.render.resolution_y = size
            bare()  # the first render of a size builds Cycles' caches: not timed
            times = {name: [] for name, _ in ways}
            for _ in range(args.rounds):
                for name, way in ways:
                    start = time.perf_counter()
                    way()
                    times[name].append(time.perf_counter() - start)
            base = statistics.median(times["bare render"])
            for name, _ in ways:
                median = statistics.median(times[name])
                extra = "" if name == "bare render" else \
                    f"  overhead {(median - base) * 1000:7.1f} ms = {100 * (median - base) / base:5.1f}%"
                print(f"{size:4d}^2  {name:22s} {median * 1000:8.1f} ms{extra}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
