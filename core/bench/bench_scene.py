"""The benchmarks' scene, made in code: a UV sphere of about 16 k triangles with a 1024 x 1024
emission texture (smooth colour waves and a 16-texel checker: detail a 512 view resolves without
aliasing, so Cycles' seeds can agree), and Cycles set up the way the fidelity tests compare."""
import array
import math
import resource


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


class PeakMemory:
    """The extra memory a part of a benchmark uses: its peak resident set size above what was
    resident when it started. ru_maxrss alone cannot say that: it is the high-water mark of the
    whole process (Blender, Cycles and the bake included) and never goes down. On Linux the mark
    can be reset (writing 5 to /proc/self/clear_refs), and VmHWM then rises from the resident size
    of that moment; elsewhere `extra_mib` is None. Create it just before the part. Sizes in MiB."""

    def __init__(self):
        self._before_reset = self._maxrss_mib()
        self.start_mib = None  # resident when the part started
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self.start_mib = self._status_mib("VmRSS")
        except (OSError, ValueError):
            pass

    @staticmethod
    def _maxrss_mib():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kilobytes

    @staticmethod
    def _status_mib(key):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024.0
        raise ValueError(f"no {key} in /proc/self/status")

    def extra_mib(self):
        """The peak since the start above the resident size then (call right after the part)."""
        if self.start_mib is None:
            return None
        try:
            return self._status_mib("VmHWM") - self.start_mib
        except (OSError, ValueError):
            return None

    def process_peak_mib(self):
        """The peak resident size of the whole process so far (across the reset)."""
        return max(self._before_reset, self._maxrss_mib())


def memory_lines(part, memory, extra):
    """Lines for a benchmark's output: the process peak and the part's extra peak."""
    lines = [f"peak memory: {memory.process_peak_mib():8.1f} MiB for the process (ru_maxrss: "
             f"Blender, the bake and Cycles included)"]
    if extra is None:
        lines.append(f"peak memory: {part}: not measured (no /proc/self/clear_refs)")
    else:
        lines.append(f"peak memory: {extra:8.1f} MiB more for {part} (VmHWM above the "
                     f"{memory.start_mib:.1f} MiB resident before it)")
    return lines
