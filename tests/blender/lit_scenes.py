"""Small deterministic lit scenes for judging bakeview's lit views (issue 13) against Cycles.

Each builder starts from a factory-empty file and returns a LitScene: the scene, the objects to
bake, the cameras to judge from and the frames. Works in Blender 3.4 and bpy 5.0 (Principled
socket names differ: 3.x "Specular"/"Emission", 4+ "Specular IOR Level"/"Emission Color").

Cycles references keep the scene's DEFAULT light paths (what a user renders); samples and seed are
set explicitly, denoising and adaptive sampling off, the pixel filter left at its default. The
film is transparent (sprites), the view transform Standard.

PSNR is the fidelity tests' (test_fidelity.psnr, imported), taken over premultiplied RGB after
the sRGB curve (clamped to [0, 1], as the Standard view transform displays), peak 1.

Run as a script to measure seed agreement, Cycles times and the COMBINED-bake baseline:
    blender -b --factory-startup --python tests/blender/lit_scenes.py -- --build build [--baseline]
    python tests/blender/lit_scenes.py --build build        # a Python with the bpy module
"""
import math
import os
import sys
import time
from dataclasses import dataclass, field

import bpy
from mathutils import Vector

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

SIZE = 96  # test resolution (square), pixels
FRAMES_ANIMATED = (1, 7, 13, 19)
# Cycles samples per scene at which two seeds (1, 2) agree to >= 45 dB (the tests' references)
# and to >= 40 dB (the speed target's comparison): the fewest of 16, 32, 64, ... doubling, over
# the scene's worst view (heads: 4 of the 8 cameras; robot: 2 cameras x 4 frames), measured at
# 96 x 96 by running this file (main() below) in Blender 3.4 and bpy 5.0.1 on 2 shared cores; the
# larger of the two versions' counts. Cycles' time per 96 x 96 view at the 45 dB count was 0.15
# to 1.8 s (HDRI: 1.6 s, about 0.9 s of it preparing the world) in Blender 3.4.
REFERENCE_SAMPLES = {"head_matte": 64, "head_glossy": 64, "head_metallic": 256, "robot": 128,
                     "spot": 128, "shadow": 128, "hdri": 256, "point": 128, "area": 256}
SPEED_SAMPLES = {"head_matte": 32, "head_glossy": 16, "head_metallic": 64, "robot": 64,
                 "spot": 64, "shadow": 64, "hdri": 64, "point": 32, "area": 128}

WORLD_GREY = 0.1
SUN_STRENGTH = 3.0
SUN_ANGLE = math.radians(5.0)


def _srgb(v):
    v = 0.0 if v <= 0.0 else (1.0 if v >= 1.0 else v)
    return 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1.0 / 2.4) - 0.055


def display_rgb(premultiplied_rgba):
    """Premultiplied RGB of an RGBA float sequence through the sRGB curve (clamped to [0, 1])."""
    try:
        import numpy
    except ImportError:
        numpy = None
    if numpy is not None:
        a = numpy.asarray(premultiplied_rgba, dtype=numpy.float64).reshape(-1, 4)[:, :3]
        a = numpy.clip(a, 0.0, 1.0)
        out = numpy.where(a <= 0.0031308, 12.92 * a, 1.055 * a ** (1.0 / 2.4) - 0.055)
        return out.ravel().tolist()
    return [_srgb(v) for i, v in enumerate(premultiplied_rgba) if i % 4 != 3]


def psnr(a, b):
    """PSNR (dB) of two premultiplied RGBA float images as the fidelity tests compute it."""
    from test_fidelity import psnr as plain_psnr  # the fidelity tests' own (imports bakeview)

    return plain_psnr(display_rgb(a), display_rgb(b))


def premultiply(straight_rgba):
    """Straight-alpha RGBA floats (render_view's COLOR) to premultiplied."""
    out = list(straight_rgba)
    for i in range(0, len(out), 4):
        a = out[i + 3]
        out[i], out[i + 1], out[i + 2] = out[i] * a, out[i + 1] * a, out[i + 2] * a
    return out


@dataclass
class LitScene:
    name: str
    scene: object
    objects: list
    cameras: list
    frames: tuple = (1,)
    notes: dict = field(default_factory=dict)


# -- building blocks -----------------------------------------------------------------------------


def _fresh():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    render = scene.render
    render.engine = "CYCLES"
    render.resolution_x = render.resolution_y = SIZE
    render.resolution_percentage = 100
    render.film_transparent = True
    render.dither_intensity = 0.0
    scene.view_settings.view_transform = "Standard"
    scene.cycles.device = "CPU"
    scene.cycles.use_denoising = False
    scene.cycles.use_adaptive_sampling = False
    return scene


def _input(node, *names):
    for name in names:
        if name in node.inputs:
            return node.inputs[name]
    raise KeyError(f"{node.name} has none of {names}")


def checker_texture(name, width=128, height=64):
    """A float image: smooth colour waves with a checker: detail at several scales."""
    image = bpy.data.images.new(name, width, height, float_buffer=True, alpha=True)
    pixels = [0.0] * (4 * width * height)
    for y in range(height):
        for x in range(width):
            u, v = (x + 0.5) / width, (y + 0.5) / height
            i = 4 * (y * width + x)
            check = 1.0 if (x // 8 + y // 8) % 2 else 0.55
            pixels[i] = (0.45 + 0.35 * math.sin(2 * math.pi * 3 * u)) * check
            pixels[i + 1] = (0.4 + 0.25 * math.cos(2 * math.pi * 2 * v)) * check
            pixels[i + 2] = 0.25 * check
            pixels[i + 3] = 1.0
    image.pixels.foreach_set(pixels)
    image.pack()  # a generated float image: keep its pixels with the file (Cycles reads them)
    return image


def principled(name, base=(0.8, 0.8, 0.8), roughness=0.5, metallic=0.0, texture=None,
               specular=0.5):
    material = bpy.data.materials.new(name)
    if bpy.app.version < (5, 0, 0):
        material.use_nodes = True
    tree = material.node_tree
    bsdf = next(n for n in tree.nodes if n.type == "BSDF_PRINCIPLED")
    bsdf.inputs["Base Color"].default_value = (*base, 1.0)
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Metallic"].default_value = metallic
    _input(bsdf, "Specular IOR Level", "Specular").default_value = specular
    if texture is not None:
        node = tree.nodes.new("ShaderNodeTexImage")
        node.image = texture
        tree.links.new(node.outputs["Color"], bsdf.inputs["Base Color"])
    return material


def grey_world(scene, value=WORLD_GREY):
    world = bpy.data.worlds.new("Grey")
    if bpy.app.version < (5, 0, 0):
        world.use_nodes = True
    background = next(n for n in world.node_tree.nodes if n.type == "BACKGROUND")
    background.inputs["Color"].default_value = (value, value, value, 1.0)
    background.inputs["Strength"].default_value = 1.0
    scene.world = world
    return world


def hdri_image(width=256, height=128):
    """An equirectangular sky made in code: a blue-to-white gradient over a brown ground, with a
    small bright sun-like blob (azimuth 60 deg, elevation 35 deg)."""
    image = bpy.data.images.new("Procedural sky", width, height, float_buffer=True, alpha=True)
    sun = (math.radians(60.0), math.radians(35.0))
    sx, sy, sz = (math.cos(sun[1]) * math.cos(sun[0]), math.cos(sun[1]) * math.sin(sun[0]),
                  math.sin(sun[1]))
    pixels = [0.0] * (4 * width * height)
    for y in range(height):
        elevation = math.pi * ((y + 0.5) / height - 0.5)
        for x in range(width):
            azimuth = 2 * math.pi * ((x + 0.5) / width) - math.pi
            dx, dy = math.cos(elevation) * math.cos(azimuth), math.cos(elevation) * math.sin(azimuth)
            dz = math.sin(elevation)
            if elevation > 0:
                t = elevation / (math.pi / 2)
                colour = [0.6 - 0.4 * t, 0.7 - 0.35 * t, 0.9 - 0.1 * t]
            else:
                colour = [0.15, 0.11, 0.07]
            cosine = dx * sx + dy * sy + dz * sz
            if cosine > math.cos(math.radians(6.0)):
                colour = [c + 40.0 * w for c, w in zip(colour, (1.0, 0.95, 0.85))]
            i = 4 * (y * width + x)
            pixels[i:i + 4] = colour + [1.0]
    image.pixels.foreach_set(pixels)
    image.pack()
    return image


def hdri_world(scene, strength=1.0):
    world = bpy.data.worlds.new("HDRI")
    if bpy.app.version < (5, 0, 0):
        world.use_nodes = True
    tree = world.node_tree
    background = next(n for n in tree.nodes if n.type == "BACKGROUND")
    environment = tree.nodes.new("ShaderNodeTexEnvironment")
    environment.image = hdri_image()
    tree.links.new(environment.outputs["Color"], background.inputs["Color"])
    background.inputs["Strength"].default_value = strength
    scene.world = world
    return world


def add_light(scene, kind, name, location=(0.0, 0.0, 5.0), rotation=(0.0, 0.0, 0.0), **settings):
    data = bpy.data.lights.new(name, kind)
    for key, value in settings.items():
        setattr(data, key, value)
    obj = bpy.data.objects.new(name, data)
    obj.location, obj.rotation_euler = location, rotation
    scene.collection.objects.link(obj)
    return obj


def sun(scene, rotation=(math.radians(40.0), math.radians(10.0), math.radians(30.0))):
    return add_light(scene, "SUN", "Sun", rotation=rotation, energy=SUN_STRENGTH, angle=SUN_ANGLE)


def camera_at(scene, name, location, target, lens=50.0):
    data = bpy.data.cameras.new(name)
    data.lens = lens
    obj = bpy.data.objects.new(name, data)
    scene.collection.objects.link(obj)
    obj.location = location
    direction = Vector(target) - Vector(location)
    obj.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()
    if scene.camera is None:
        scene.camera = obj
    return obj


def compass_cameras(scene, target=(0.0, 0.0, 0.0), distance=5.0, elevation=20.0, count=8,
                    lens=50.0):
    """`count` cameras around target, N first then clockwise, at `elevation` degrees."""
    cameras = []
    names = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
    for k in range(count):
        azimuth = 2 * math.pi * k / count
        e = math.radians(elevation)
        offset = Vector((math.sin(azimuth) * math.cos(e), math.cos(azimuth) * math.cos(e),
                         math.sin(e))) * distance
        name = names[k] if count == 8 else f"C{k}"
        cameras.append(camera_at(scene, f"Cam {name}", Vector(target) + offset, target, lens))
    bpy.context.view_layer.update()
    return cameras


def _smooth_subdivided(obj, levels=2):
    modifier = obj.modifiers.new("Subdivision", "SUBSURF")
    modifier.levels = modifier.render_levels = levels
    for polygon in obj.data.polygons:
        polygon.use_smooth = True
    return obj


def ground(scene, size=8.0, colour=(0.6, 0.6, 0.6), roughness=1.0):
    bpy.ops.mesh.primitive_plane_add(size=size, location=(0.0, 0.0, 0.0))
    plane = bpy.context.active_object
    plane.name = "Ground"
    plane.data.materials.append(principled("Ground", colour, roughness=roughness))
    return plane


# -- the scenes ----------------------------------------------------------------------------------

HEAD_MATERIALS = {  # name: (roughness, metallic)
    "matte": (1.0, 0.0),
    "glossy": (0.3, 0.0),
    "metallic": (0.3, 1.0),
}


def head(material="glossy"):
    """(a) Suzanne, subdivision 2, smooth, its UV map; a textured Principled material; a sun
    (3 W/m2, 5 deg) and a grey world; 8 compass cameras."""
    scene = _fresh()
    roughness, metallic = HEAD_MATERIALS[material]
    bpy.ops.mesh.primitive_monkey_add(size=2.0)
    obj = bpy.context.active_object
    obj.name = "Head"
    _smooth_subdivided(obj)
    obj.data.materials.append(principled(f"Head {material}", roughness=roughness,
                                         metallic=metallic, texture=checker_texture("Head paint")))
    sun(scene)
    grey_world(scene)
    cameras = compass_cameras(scene, distance=5.0, elevation=15.0)
    return LitScene(f"head_{material}", scene, [obj], cameras)


def robot():
    """(b) The bundled walking robot (samples/robot_scene.py: armature-skinned parts, a sun of
    3 W/m2 and a sky world), frames 1, 7, 13, 19; two cameras (front-left, back-right)."""
    scene = _fresh()
    samples = os.path.join(os.path.dirname(os.path.dirname(_HERE)), "samples")
    if samples not in sys.path:
        sys.path.insert(0, samples)
    import robot_scene

    obj = robot_scene.build(scene)
    bpy.data.objects["Sun"].data.angle = SUN_ANGLE
    target = (0.0, 0.0, 1.0)
    cameras = [camera_at(scene, "Cam SW", (-4.0, -5.0, 2.2), target, lens=85.0),
               camera_at(scene, "Cam NE", (4.5, 4.5, 2.0), target, lens=85.0)]
    return LitScene("robot", scene, [obj], cameras, FRAMES_ANIMATED, {"auto_uv": True})


def robot_cameras(scene, count=8):
    """The 8 compass cameras the benchmark's sheet-equivalent Cycles frames use."""
    return compass_cameras(scene, target=(0.0, 0.0, 1.0), distance=6.5, elevation=20.0,
                           count=count)


def spot_pool():
    """(c) A spot light pool (1000 W, 40 deg, blend 0.3) on a ground plane with a sphere in it;
    two cameras, from the front and from behind (highlights move)."""
    scene = _fresh()
    plane = ground(scene)
    bpy.ops.mesh.primitive_uv_sphere_add(segments=48, ring_count=24, radius=0.6,
                                         location=(0.3, 0.2, 0.6))
    ball = bpy.context.active_object
    ball.name = "Ball"
    for polygon in ball.data.polygons:
        polygon.use_smooth = True
    ball.data.materials.append(principled("Ball", (0.2, 0.4, 0.8), roughness=0.4,
                                          texture=checker_texture("Ball paint")))
    add_light(scene, "SPOT", "Spot", location=(1.5, -1.5, 4.0),
              rotation=(math.radians(25.0), 0.0, math.radians(45.0)), energy=1000.0,
              spot_size=math.radians(40.0), spot_blend=0.3, shadow_soft_size=0.1)
    grey_world(scene, 0.05)
    cameras = [camera_at(scene, "Cam", (0.0, -7.0, 5.0), (0.0, 0.0, 0.0), lens=35.0),
               camera_at(scene, "Cam back", (5.5, 4.5, 4.0), (0.0, 0.0, 0.0), lens=35.0)]
    return LitScene("spot", scene, [plane, ball], cameras)


def shadow():
    """(d) A box on a plane under a low sun; the camera sees the box's shadow on the plane."""
    scene = _fresh()
    plane = ground(scene, colour=(0.7, 0.7, 0.65))
    bpy.ops.mesh.primitive_cube_add(size=1.0, location=(0.0, 0.0, 0.5))
    box = bpy.context.active_object
    box.name = "Box"
    box.data.materials.append(principled("Box", roughness=0.6, texture=checker_texture("Box paint")))
    # light travels toward +x (a little toward the camera): the shadow lies right of the box
    sun(scene, rotation=(math.radians(60.0), 0.0, math.radians(-100.0)))
    grey_world(scene, 0.1)
    cameras = [camera_at(scene, "Cam", (-0.5, -4.5, 3.5), (0.9, 0.0, 0.2), lens=40.0)]
    return LitScene("shadow", scene, [plane, box], cameras)


def hdri():
    """(e) The head (roughness 0.3) lit only by a procedural equirectangular sky (256 x 128 float
    image, Environment Texture x Background); two cameras."""
    scene = _fresh()
    bpy.ops.mesh.primitive_monkey_add(size=2.0)
    obj = bpy.context.active_object
    obj.name = "Head"
    _smooth_subdivided(obj)
    obj.data.materials.append(principled("Head hdri", roughness=0.3,
                                         texture=checker_texture("Head paint")))
    hdri_world(scene)
    cameras = compass_cameras(scene, distance=5.0, elevation=15.0, count=8)
    return LitScene("hdri", scene, [obj], [cameras[0], cameras[3]])


def _lit_pair(name, light):
    scene = _fresh()
    plane = ground(scene)
    bpy.ops.mesh.primitive_uv_sphere_add(segments=48, ring_count=24, radius=0.7,
                                         location=(0.0, 0.0, 0.7))
    ball = bpy.context.active_object
    ball.name = "Ball"
    for polygon in ball.data.polygons:
        polygon.use_smooth = True
    ball.data.materials.append(principled("Ball", roughness=0.35,
                                          texture=checker_texture("Ball paint")))
    light(scene)
    grey_world(scene, 0.05)
    cameras = [camera_at(scene, "Cam", (0.0, -6.0, 3.5), (0.0, 0.0, 0.5), lens=40.0),
               camera_at(scene, "Cam back", (4.5, 4.0, 3.0), (0.0, 0.0, 0.5), lens=40.0)]
    return LitScene(name, scene, [plane, ball], cameras)  # front and back: highlights move


def point():
    """(f) A 500 W point light (radius 0.1) beside a sphere on a plane."""
    return _lit_pair("point", lambda scene: add_light(
        scene, "POINT", "Point", location=(1.5, -1.0, 2.5), energy=500.0, shadow_soft_size=0.1))


def area():
    """(g) A 400 W square area light (1 m) above a sphere on a plane, tilted toward it."""
    return _lit_pair("area", lambda scene: add_light(
        scene, "AREA", "Area", location=(-1.5, -1.0, 3.0),
        rotation=(math.radians(20.0), math.radians(-30.0), 0.0), energy=400.0, shape="SQUARE",
        size=1.0))


SCENES = {
    "head_matte": lambda: head("matte"),
    "head_glossy": lambda: head("glossy"),
    "head_metallic": lambda: head("metallic"),
    "robot": robot,
    "spot": spot_pool,
    "shadow": shadow,
    "hdri": hdri,
    "point": point,
    "area": area,
}


# -- Cycles reference ----------------------------------------------------------------------------


def cycles_reference(scene, camera, frame, samples, seed, size=SIZE):
    """Cycles' render of `camera` at `frame`: float premultiplied RGBA, row 0 at the bottom
    (render_pixels' COMBINED), at size x size (or (width, height)) pixels."""
    import bakeview

    width, height = (size, size) if isinstance(size, int) else size
    render = scene.render
    render.resolution_x, render.resolution_y, render.resolution_percentage = width, height, 100
    scene.cycles.samples = samples
    scene.cycles.seed = seed
    scene.cycles.use_denoising = False
    scene.cycles.use_adaptive_sampling = False
    scene.frame_set(frame)
    result = bakeview.render_pixels(camera=camera, scene=scene, engine="CYCLES", images=False)
    return result.pixels["COMBINED"]


def bake_options(lit):
    return {"auto_uv": True} if lit.notes.get("auto_uv") else {}


# -- measurement ---------------------------------------------------------------------------------


def _measure(names, counts, baseline, bake_size, bake_samples):
    import bakeview

    for name in names:
        lit = SCENES[name]()
        views = [(c, f) for c in lit.cameras for f in lit.frames]
        if name.startswith("head_"):
            views = [(c, 1) for c in lit.cameras[::2]]  # 4 of the 8 for seed agreement
        print(f"== {name}: {len(views)} views", flush=True)
        found45 = found40 = None
        references = {}
        for samples in counts:
            worst, seconds = math.inf, []
            for camera, frame in views:
                start = time.perf_counter()
                a = cycles_reference(lit.scene, camera, frame, samples, 1)
                seconds.append(time.perf_counter() - start)
                b = cycles_reference(lit.scene, camera, frame, samples, 2)
                worst = min(worst, psnr(a, b))
                references[(camera.name, frame)] = a
            mean = sum(seconds) / len(seconds)
            print(f"{name} samples {samples}: seeds agree >= {worst:.1f} dB (worst view), "
                  f"Cycles {mean:.2f} s per view", flush=True)
            if found40 is None and worst >= 40.0:
                found40 = samples
            if worst >= 45.0:
                found45 = samples
                break
        print(f"RESULT {name}: 40 dB at {found40}, 45 dB at {found45}", flush=True)
        if baseline:
            lit.scene.frame_set(lit.frames[0])
            start = time.perf_counter()
            bakeview.bake(lit.objects, kind="COMBINED", size=bake_size, samples=bake_samples,
                          **bake_options(lit))
            bake_time = time.perf_counter() - start
            figures = []
            for camera, frame in views:
                lit.scene.frame_set(frame)
                view = bakeview.render_view(camera=camera, objects=lit.objects, width=SIZE,
                                            height=SIZE, premultiplied=True)
                figures.append(psnr(bakeview.pixels(view), references[(camera.name, frame)]))
            figures.sort()
            print(f"BASELINE {name}: COMBINED bake {bake_size} px {bake_samples} samples "
                  f"{bake_time:.1f} s; dB min {figures[0]:.1f} median "
                  f"{figures[len(figures) // 2]:.1f} max {figures[-1]:.1f}; all "
                  + " ".join(f"{x:.1f}" for x in figures), flush=True)


def main():
    import argparse

    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--scenes", default=",".join(SCENES))
    parser.add_argument("--counts", default="16,32,64,128,256,512,1024")
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--bake-size", type=int, default=512)
    parser.add_argument("--bake-samples", type=int, default=64)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.join(os.path.abspath(args.build), "python"))
    _measure(args.scenes.split(","), [int(c) for c in args.counts.split(",")], args.baseline,
             args.bake_size, args.bake_samples)


if __name__ == "__main__":
    main()
