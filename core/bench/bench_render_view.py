"""Benchmark: bakeview.render_view against the seed's workflow for the same view.

Run inside Blender or with the bpy module (prints figures, asserts nothing):
    blender -b --factory-startup --python core/bench/bench_render_view.py -- --build build
    python core/bench/bench_render_view.py --build build

Scene: a UV sphere of about 16 k triangles with a 1024 x 1024 emission texture (smooth waves and
a 16-texel checker), seen at 512 x 512.
Seed's workflow per view: Cycles render with write_still (PNG), load the file, read its pixels.
bakeview per view: render_view at its defaults (4 x 4 samples, Blackman-Harris 1.5), pixels read.
Cycles runs three ways: at the fewest samples (from a list) whose two seeds agree to >= 46 dB (the
quality the fidelity tests ask of a reference), at 16 samples, and at the scene's own defaults
(what a script that sets nothing gets). Times are medians, measured in one process."""
import argparse
import array
import math
import os
import statistics
import sys
import tempfile
import time


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build", help="build folder holding python/bakeview")
    parser.add_argument("--size", type=int, default=512, help="view width and height in pixels")
    parser.add_argument("--runs", type=int, default=5, help="bakeview runs (median)")
    parser.add_argument("--cycles-runs", type=int, default=3, help="Cycles runs (median)")
    return parser.parse_args(argv)


def median_time(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    args = parse_args()
    sys.path.insert(0, os.path.join(os.path.abspath(args.build), "python"))
    import bpy

    import bakeview

    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    bpy.ops.mesh.primitive_uv_sphere_add(segments=128, ring_count=65, radius=1.0)
    sphere = bpy.context.active_object
    triangles = sum(len(p.vertices) - 2 for p in sphere.data.polygons)
    size = 1024
    texture = bpy.data.images.new("bench texture", size, size, float_buffer=True, alpha=True)
    # smooth colour waves and a 16-texel checker: detail a 512 view resolves without aliasing
    red = [0.5 + 0.5 * math.sin(2 * math.pi * 6 * (x + 0.5) / size) for x in range(size)]
    green = [0.5 + 0.5 * math.cos(2 * math.pi * 4 * (y + 0.5) / size) for y in range(size)]
    pixels = array.array("f", bytes(16 * size * size))
    for y in range(size):
        row = 4 * y * size
        for x in range(size):
            pixels[row + 4 * x] = red[x]
            pixels[row + 4 * x + 1] = green[y]
            pixels[row + 4 * x + 2] = 0.9 if (x // 16 + y // 16) % 2 else 0.1
            pixels[row + 4 * x + 3] = 1.0
    texture.pixels.foreach_set(pixels)
    material = bpy.data.materials.new("bench")
    if bpy.app.version < (5, 0, 0):
        material.use_nodes = True
    tree = material.node_tree
    tree.nodes.clear()
    out = tree.nodes.new("ShaderNodeOutputMaterial")
    emission = tree.nodes.new("ShaderNodeEmission")
    image_node = tree.nodes.new("ShaderNodeTexImage")
    image_node.image = texture
    tree.links.new(image_node.outputs["Color"], emission.inputs["Color"])
    tree.links.new(emission.outputs["Emission"], out.inputs["Surface"])
    sphere.data.materials.append(material)
    bpy.ops.object.camera_add(location=(0, -3.6, 0.6), rotation=(math.radians(80), 0, 0))
    scene.camera = bpy.context.active_object
    render = scene.render
    render.resolution_x = render.resolution_y = args.size
    render.resolution_percentage = 100

    start = time.perf_counter()
    bakeview.bake(sphere, kind="EMIT", size=size, margin=8)
    bake_time = time.perf_counter() - start

    def ours():
        image = bakeview.render_view(name="bench view", overwrite=True)
        return bakeview.pixels(image)

    ours()  # warm: first use loads the module and the texture path
    ours_time = median_time(ours, args.runs)

    folder = tempfile.mkdtemp(prefix="bakeview-bench-")
    cycles = scene.cycles
    default_samples = cycles.samples  # what a script that changes nothing renders with
    default_adaptive = cycles.use_adaptive_sampling
    default_threshold = cycles.adaptive_threshold
    cycles.device = "CPU"
    cycles.use_denoising = False
    cycles.use_adaptive_sampling = False
    render.engine = "CYCLES"
    render.film_transparent = True
    render.dither_intensity = 0.0  # dither is noise of its own in every 8-bit file
    scene.view_settings.view_transform = "Standard"
    render.image_settings.file_format = "PNG"
    render.image_settings.color_mode = "RGBA"

    def seed_workflow(samples, seed=0, name="view.png"):
        cycles.samples = samples
        cycles.seed = seed
        render.filepath = os.path.join(folder, name)
        bpy.ops.render.render(write_still=True)
        image = bpy.data.images.load(render.filepath)
        data = bakeview.pixels(image)
        bpy.data.images.remove(image)
        return data

    def psnr(a, b):
        # on premultiplied values: the colour of an almost transparent pixel is noise
        def premultiplied(p):
            return [p[i] * p[i | 3] if i % 4 != 3 else p[i] for i in range(len(p))]

        a, b = premultiplied(a), premultiplied(b)
        error = sum((x - y) ** 2 for x, y in zip(a, b)) / len(a)
        return math.inf if error == 0 else 10 * math.log10(1 / error)

    chosen, agreement = None, None
    for samples in (16, 32, 64, 128, 256):
        agreement = psnr(seed_workflow(samples, 1, "a.png"), seed_workflow(samples, 2, "b.png"))
        if agreement >= 46.0:
            chosen = samples
            break
    chosen = chosen or 256
    cycles_time = median_time(lambda: seed_workflow(chosen), args.cycles_runs)
    low_time = median_time(lambda: seed_workflow(16), args.cycles_runs)

    def default_workflow():  # the scene's own sample settings (denoising off: not in every build)
        cycles.use_adaptive_sampling = default_adaptive
        try:
            return seed_workflow(default_samples)
        finally:
            cycles.use_adaptive_sampling = False

    default_time = median_time(default_workflow, 1)

    print(f"Blender {bpy.app.version_string}, {triangles} triangles, view {args.size} x {args.size}, "
          f"texture {size} x {size}")
    print(f"bake (EMIT, once)                        {bake_time * 1000:9.1f} ms")
    print(f"bakeview render_view + pixels (median)   {ours_time * 1000:9.1f} ms")
    print(f"Cycles {chosen:4d} samples + write + reload     {cycles_time * 1000:9.1f} ms"
          f"   (seeds agree {agreement:.1f} dB)")
    print(f"Cycles   16 samples + write + reload     {low_time * 1000:9.1f} ms")
    print(f"Cycles scene defaults + write + reload   {default_time * 1000:9.1f} ms   ({default_samples} "
          f"samples, adaptive {'on' if default_adaptive else 'off'}, threshold {default_threshold:.3g})")
    print(f"speed-up vs Cycles at {chosen} samples: {cycles_time / ours_time:6.1f}x (target >= 50x)")
    print(f"speed-up vs Cycles at 16 samples: {low_time / ours_time:6.1f}x")
    print(f"speed-up vs Cycles at the scene's defaults: {default_time / ours_time:6.1f}x")


if __name__ == "__main__":
    main()
