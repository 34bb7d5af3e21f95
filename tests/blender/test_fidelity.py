"""render_view of baked emission textures against Cycles renders of the same scenes.

The reference is Cycles with the Standard view transform, no dither, no denoising, no adaptive
sampling, enough samples that two seeds agree to >= 46 dB. bakeview bakes EMIT at the source
texture's resolution and renders with its defaults (4 x 4 samples, the scene's pixel filter).
Both are compared premultiplied (Cycles' EXR output is), over the whole frame."""
import array
import math

import bpy
import pytest

import bakeview

REFERENCE_SAMPLES = 256
SEEDS_AGREE_DB = 46.0
FIDELITY_DB = 40.0


def psnr(a, b):
    assert len(a) == len(b) and len(a) > 0
    error = sum((x - y) ** 2 for x, y in zip(a, b)) / len(a)
    return math.inf if error == 0 else 10.0 * math.log10(1.0 / error)


def source_texture(name, width, height, phase):
    """Smooth colour waves with a checker in blue: detail at several scales."""
    image = bpy.data.images.new(name, width, height, float_buffer=True, alpha=True)
    pixels = array.array("f", bytes(16 * width * height))
    for y in range(height):
        for x in range(width):
            u, v = (x + 0.5) / width, (y + 0.5) / height
            i = 4 * (y * width + x)
            pixels[i] = 0.5 + 0.5 * math.sin(2 * math.pi * (3 * u + phase))
            pixels[i + 1] = 0.5 + 0.5 * math.cos(2 * math.pi * 2 * v)
            pixels[i + 2] = 0.9 if (x // 4 + y // 4) % 2 else 0.1
            pixels[i + 3] = 1.0
    image.pixels.foreach_set(pixels)
    return image


def emissive_sphere(name, location, radius, texture):
    bpy.ops.mesh.primitive_uv_sphere_add(segments=48, ring_count=24, radius=radius, location=location)
    obj = bpy.context.active_object
    obj.name = name
    return emissive(obj, texture)


def emissive(obj, texture):
    """Gives obj a material that emits `texture` through an Image Texture node: Cycles' pixel is
    the texture integrated over the pixel filter, nothing else."""
    material = bpy.data.materials.new(f"{obj.name} emission")
    if bpy.app.version < (5, 0, 0):
        material.use_nodes = True
    tree = material.node_tree
    tree.nodes.clear()
    output = tree.nodes.new("ShaderNodeOutputMaterial")
    emission = tree.nodes.new("ShaderNodeEmission")
    image_node = tree.nodes.new("ShaderNodeTexImage")
    image_node.image = texture
    tree.links.new(image_node.outputs["Color"], emission.inputs["Color"])
    tree.links.new(emission.outputs["Emission"], output.inputs["Surface"])
    obj.data.materials.append(material)
    return obj


def cycles_reference(scene, seed, path, samples=REFERENCE_SAMPLES):
    cycles = scene.cycles
    cycles.device = "CPU"
    cycles.samples = samples
    cycles.seed = seed
    cycles.use_denoising = False
    cycles.use_adaptive_sampling = False
    scene.render.engine = "CYCLES"
    scene.render.film_transparent = True
    scene.render.dither_intensity = 0.0
    scene.view_settings.view_transform = "Standard"
    scene.render.image_settings.file_format = "OPEN_EXR"
    scene.render.image_settings.color_depth = "32"
    scene.render.filepath = str(path)
    bpy.ops.render.render(write_still=True)
    image = bpy.data.images.load(str(path))
    try:
        return bakeview.pixels(image), tuple(image.size)
    finally:
        bpy.data.images.remove(image)


def build_scene(case):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    emissive_sphere("Ball", (0.0, 0.0, 0.0), 1.0, source_texture("ball texture", 128, 64, 0.0))
    if case == "two_overlapping":
        emissive_sphere("Front", (0.7, -1.2, 0.3), 0.6, source_texture("front texture", 64, 32, 0.25))
    bpy.ops.object.camera_add(location=(0.0, -4.5, 0.8), rotation=(math.radians(80.0), 0.0, 0.0))
    camera = bpy.context.active_object
    scene.camera = camera
    render = scene.render
    render.resolution_x, render.resolution_y, render.resolution_percentage = 128, 96, 100
    if case == "orthographic":
        camera.data.type = "ORTHO"
        camera.data.ortho_scale = 3.0
    elif case == "shift":
        camera.data.shift_x, camera.data.shift_y = 0.12, -0.08
    elif case == "sensor_fit_vertical":
        camera.data.sensor_fit = "VERTICAL"
        camera.data.sensor_height = 30.0
    elif case == "non_square":
        render.resolution_x, render.resolution_y = 160, 72
    elif case == "pixel_aspect":
        render.pixel_aspect_x = 2.0
    elif case == "percentage_50":
        render.resolution_x, render.resolution_y, render.resolution_percentage = 256, 192, 50
    return scene


CASES = ["perspective", "orthographic", "shift", "sensor_fit_vertical", "non_square",
         "pixel_aspect", "percentage_50", "two_overlapping"]


@pytest.mark.parametrize("case", CASES)
def test_render_view_matches_cycles(case, tmp_path):
    scene = build_scene(case)
    for obj in [o for o in scene.objects if o.type == "MESH"]:
        texture = obj.active_material.node_tree.nodes["Image Texture"].image
        bakeview.bake(obj, kind="EMIT", size=tuple(texture.size), margin=4)

    reference, size = cycles_reference(scene, 1, tmp_path / "a.exr")
    second, _ = cycles_reference(scene, 2, tmp_path / "b.exr")
    assert psnr(reference, second) >= SEEDS_AGREE_DB, "the reference itself is too noisy"

    view = bakeview.render_view(premultiplied=True)
    assert tuple(view.size) == size
    ours = bakeview.pixels(view)
    frame_db = psnr(ours, reference)
    alpha_db = psnr(ours[3::4], reference[3::4])
    print(f"{case}: frame {frame_db:.1f} dB, alpha {alpha_db:.1f} dB")
    assert frame_db >= FIDELITY_DB
    assert alpha_db >= FIDELITY_DB
    # same silhouettes: coverage decided the same way almost everywhere
    pixels = size[0] * size[1]
    differing = sum((a > 0.5) != (b > 0.5) for a, b in zip(ours[3::4], reference[3::4]))
    assert differing <= max(2, pixels // 500), f"{differing} of {pixels} pixels change coverage"
