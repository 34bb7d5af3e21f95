"""The benchmarks' scene, made in code: a UV sphere of about 16 k triangles with a 1024 x 1024
emission texture (smooth colour waves and a 16-texel checker: detail a 512 view resolves without
aliasing, so Cycles' seeds can agree), and Cycles set up the way the fidelity tests compare."""
import array
import math


def emissive_sphere(bpy, size=1024):
    """Builds the sphere in the current (empty) scene; returns (object, triangle count)."""
    bpy.ops.mesh.primitive_uv_sphere_add(segments=128, ring_count=65, radius=1.0)
    sphere = bpy.context.active_object
    triangles = sum(len(p.vertices) - 2 for p in sphere.data.polygons)
    texture = bpy.data.images.new("bench texture", size, size, float_buffer=True, alpha=True)
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
    return sphere, triangles


def cycles_like_a_reference(scene):
    """Cycles on the CPU, no denoising (not in every build), no dither (noise of its own), the
    Standard view transform, transparent film, PNG files."""
    render = scene.render
    render.engine = "CYCLES"
    render.film_transparent = True
    render.dither_intensity = 0.0
    scene.view_settings.view_transform = "Standard"
    render.image_settings.file_format = "PNG"
    render.image_settings.color_mode = "RGBA"
    scene.cycles.device = "CPU"
    scene.cycles.use_denoising = False


def psnr_premultiplied(a, b):
    """PSNR in dB over premultiplied values: the colour of an almost transparent pixel is noise."""
    def premultiplied(p):
        return [p[i] * p[i | 3] if i % 4 != 3 else p[i] for i in range(len(p))]

    a, b = premultiplied(a), premultiplied(b)
    error = sum((x - y) ** 2 for x, y in zip(a, b)) / len(a)
    return math.inf if error == 0 else 10 * math.log10(1 / error)
