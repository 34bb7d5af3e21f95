"""bakeview.render_pixels: a render by Blender's own renderer (Cycles, EEVEE, Workbench), its
pixels in memory.

Measured in Blender 3.4 (`blender -b`) and bpy 5.0: the Render Result image never has pixels
(size 0, and save_render refuses it: "does not have any image data"), and the compositor's Viewer
node is not run in background mode (3.4 gives an empty 256 x 256 image, 5.0 no image). So no way
gives the pixels without a file: Blender writes the render once, as an uncompressed 32-bit
OpenEXR, into a private folder in memory (/dev/shm where the system has it), we read it back
(bakeview.exr) and the folder goes, also on failure.

With a window (Blender 3.4 under Xvfb, measured) the Viewer node does run, and a private scene
whose compositor reads the user's scene through a Render Layers node gets its pixels exactly, in
memory; it is not used: Blender does not report the failures of a scene rendered that way (no
camera, denoising without OpenImageDenoise: printed, and the operator says FINISHED), so a failed
render would come back as old or empty pixels. The file's way reports them.

- Blender 3.4 to 4.x: the render's own file output (write_still), with the scene's output format
  and path switched for the one render and put back.
- Blender 5: a private compositor node group with a File Output node, assigned to the scene for
  the one render. The scene's output format is not touched (Blender 5 cannot take back the linear
  colour space it fills in when the format changes), and the user's compositor group, which
  other scenes may share, is left as it is: when the scene composites, our group only holds it
  as a group node, so the combined pixels are the composited ones, as write_still would write.
"""
import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass, field

import bpy

from . import _core, checks, exr, files, images, state
from .compat import VERSION, float_array

# name: (view layer flag, the pass's name in Blender's multilayer EXR, Render Layers output in 5.x)
PASSES = {
    "COMBINED": (None, "Combined", "Image"),
    "DEPTH": ("use_pass_z", "Depth", "Depth"),
    "MIST": ("use_pass_mist", "Mist", "Mist"),
    "POSITION": ("use_pass_position", "Position", "Position"),
    "NORMAL": ("use_pass_normal", "Normal", "Normal"),
    "VECTOR": ("use_pass_vector", "Vector", "Vector"),
    "UV": ("use_pass_uv", "UV", "UV"),
    "OBJECT_INDEX": ("use_pass_object_index", "IndexOB", "Object Index"),
    "DIFFUSE_COLOR": ("use_pass_diffuse_color", "DiffCol", "Diffuse Color"),
    "EMIT": ("use_pass_emit", "Emit", "Emission"),
    "AO": ("use_pass_ambient_occlusion", "AO", "Ambient Occlusion"),
}
_ORDER = "RGBUVXYZWA"  # components in pixel order: RGBA, UVA, XYZ, XYZW
ENGINES = ("CYCLES", "EEVEE", "WORKBENCH")  # besides Blender's own ids (BLENDER_EEVEE, ...)
_GPU_ENGINES = {"BLENDER_EEVEE", "BLENDER_EEVEE_NEXT", "BLENDER_WORKBENCH"}
_gpu_context = {}  # cached answer of the GPU context check, per process


@dataclass
class RenderPixels:
    """A render's pixels: per pass, float32, row 0 at the bottom (as Image.pixels), `channels[p]`
    values a pixel (COMBINED: RGBA, premultiplied scene-linear as the EXR holds it, or with
    display=True 8-bit codes / 255, straight, as the PNG holds them). `images[p]`: an Image of
    each pass when asked for."""
    width: int
    height: int
    engine: str
    pixels: dict = field(default_factory=dict)
    channels: dict = field(default_factory=dict)
    images: dict = field(default_factory=dict)


def engine_id(engine):
    """Blender's id of a render engine given by our name or Blender's (any case)."""
    if not isinstance(engine, str):
        raise TypeError(f"engine must be a render engine's name, got {engine!r}")
    upper = engine.upper()
    if upper == "EEVEE":  # EEVEE Next's id in 4.2 to 4.5
        return "BLENDER_EEVEE_NEXT" if (4, 2, 0) <= VERSION < (5, 0, 0) else "BLENDER_EEVEE"
    if upper == "WORKBENCH":
        return "BLENDER_WORKBENCH"
    builtin = "BLENDER_EEVEE_NEXT" if (4, 2, 0) <= VERSION < (5, 0, 0) else "BLENDER_EEVEE"
    known = {builtin, "BLENDER_WORKBENCH"} | {
        item.identifier for item in bpy.types.RenderSettings.bl_rna.properties["engine"].enum_items}
    known |= {cls.bl_idname for cls in bpy.types.RenderEngine.__subclasses__()
              if getattr(cls, "bl_idname", None)}
    match = {k.upper(): k for k in known}.get(upper)
    if match is None:
        raise ValueError(f"engine {engine!r} is not a render engine of this Blender; it has "
                         f"{', '.join(sorted(known))} (or EEVEE, WORKBENCH)")
    return match


def check_gpu_context(engine):
    """EEVEE and Workbench draw with the GPU. In background mode Blender makes an offscreen
    context (EGL), and aborts the whole process when it cannot: ask a child process once."""
    if engine not in _GPU_ENGINES or not bpy.app.background:
        return
    if "ok" not in _gpu_context:
        _gpu_context["ok"], _gpu_context["why"] = _probe_gpu_context()
    if not _gpu_context["ok"]:
        raise RuntimeError(
            f"{engine} needs a GPU context, and this background Blender cannot make one "
            f"({_gpu_context['why']}); run with a display (e.g. under xvfb-run) or use "
            "engine='CYCLES'")


_PROBE = ("import bpy; s = bpy.context.scene; s.render.engine = 'BLENDER_WORKBENCH'; "
          "s.render.resolution_x = s.render.resolution_y = 8; bpy.ops.render.render()")


def _probe_gpu_context():
    binary = bpy.app.binary_path
    if binary and os.path.basename(binary).startswith("blender"):
        command = [binary, "-b", "--factory-startup", "--python-expr", _PROBE]
    else:  # the bpy module: the same Python, importing it
        command = [sys.executable, "-c", _PROBE]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"the check could not run: {error}"
    if done.returncode == 0:
        return True, ""
    lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
    return False, lines[-1].strip() if lines else f"exit status {done.returncode}"


def view_layer_to_render(scene, view_layer=None):
    """The view layer whose passes a render gives (default: the context's, else the scene's
    first); refused when it is off for rendering, which Blender 3.4 crashes writing."""
    if view_layer is None:
        context_layer = bpy.context.view_layer
        use_context = bpy.context.scene == scene and context_layer is not None
        layer = context_layer if use_context else scene.view_layers[0]
    elif isinstance(view_layer, bpy.types.ViewLayer):
        layer = view_layer
    elif isinstance(view_layer, str) and view_layer in scene.view_layers:
        layer = scene.view_layers[view_layer]
    else:
        raise ValueError(f"view_layer {view_layer!r} is not a view layer of scene '{scene.name}'")
    if not layer.use:
        raise ValueError(f"view layer '{layer.name}' is off for rendering (its 'Use for "
                         "Rendering'); turn it on or pass another view_layer")
    return layer


def render_pixels(camera=None, scene=None, engine=None, passes=("COMBINED",), *, view_layer=None,
                  display=False, images=True, name=None):
    """Render the scene with Blender's renderer and return a RenderPixels.

    camera: a camera object or name (default: the scene camera), used for this render only.
    engine: CYCLES, EEVEE, WORKBENCH or Blender's id of an engine (default: the scene's).
    passes: any of PASSES (DEPTH is Blender's Z pass); each is turned on in the view layer for
        this render only. Pixels come from `view_layer` (default: the context's).
    display: COMBINED as the 8-bit codes Blender writes to a PNG for the scene's render output
        (view transform, look, exposure, ...), instead of scene-linear floats.
    images: also make an Image of each pass, named "NAME PASS" (name default "Render"):
        COMBINED premultiplied (linear, or the codes with display=True), others Non-Color;
        an earlier render_pixels image of that name is replaced.

    Everything is the scene's own: resolution, samples, seed, film, colour management. The
    scene's camera, engine, passes, output path and format, and compositor are as they were
    afterwards, also when Blender refuses the render (its reason is the error's message).
    """
    scene = checks.scene(scene) or bpy.context.scene
    from .view import _resolve_camera

    camera = _resolve_camera(camera, scene)
    engine = engine_id(scene.render.engine if engine is None else engine)
    passes = checks.choices(passes, "passes", tuple(PASSES))
    if not passes:
        raise ValueError("passes is empty")
    checks.boolean(display, "display")
    if display and passes != ("COMBINED",):
        raise ValueError("display=True gives the COMBINED pass only (a render writes one PNG; "
                         f"data passes are not display-referred), got passes={passes!r}")
    checks.boolean(images, "images")
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    layer = view_layer_to_render(scene, view_layer)
    check_gpu_context(engine)
    with files.private_folder("bakeview-render-") as folder, \
            _scene_for_render(scene, camera, engine, layer, passes):
        if hasattr(scene, "compositing_node_group"):
            planes = _render_through_file_output(scene, layer, passes, folder, display)
        else:
            planes = _render_through_write_still(scene, layer, passes, folder, display)
    result = RenderPixels(planes.width, planes.height, engine)
    for p in passes:
        names = _channels_of(planes, p)
        result.pixels[p] = planes.interleaved(names)
        result.channels[p] = len(names)
    if images:
        result.images = _make_images(result, name or "Render", display)
    return result


@contextlib.contextmanager
def _scene_for_render(scene, camera, engine, layer, passes):
    """The camera, engine and view layer passes set for one render, put back afterwards."""
    kept_camera, kept_engine = scene.camera, scene.render.engine
    flags = [PASSES[p][0] for p in passes if PASSES[p][0]]
    kept_flags = {flag: getattr(layer, flag) for flag in flags}
    try:
        scene.camera = camera
        if scene.render.engine != engine:
            scene.render.engine = engine
        for flag in flags:
            setattr(layer, flag, True)
        yield
    finally:
        for flag, value in kept_flags.items():
            if getattr(layer, flag) != value:
                setattr(layer, flag, value)
        if scene.render.engine != kept_engine:
            scene.render.engine = kept_engine
        if scene.camera != kept_camera:
            scene.camera = kept_camera


def _render(scene, **options):
    """bpy.ops.render.render, Blender's refusal as a RuntimeError of its own words."""
    try:
        result = bpy.ops.render.render(scene=scene.name, **options)
    except RuntimeError as error:
        reason = str(error).strip()
        reason = reason[len("Error: "):] if reason.startswith("Error: ") else reason
        raise RuntimeError(f"Blender did not render scene '{scene.name}': {reason}") from None
    if "FINISHED" not in result:
        raise RuntimeError(f"Blender did not render scene '{scene.name}' ({', '.join(result)})")


def _render_through_write_still(scene, layer, passes, folder, display):
    """Blender 3.4 to 4.x: the scene's output switched to an uncompressed 32-bit multilayer EXR
    (display: an 8-bit RGBA PNG) in `folder` for one render with write_still, and put back."""
    render = scene.render
    settings = render.image_settings
    kept_path, kept_extension = render.filepath, render.use_file_extension
    kept_settings = state.rna_values(settings)
    path = os.path.join(folder, "render.png" if display else "render.exr")
    try:
        render.filepath = path
        render.use_file_extension = False
        if display:
            _png_format(settings)
        else:
            _exr_format(settings)
        _render(scene, write_still=True)
    finally:
        for _ in range(2):  # an enum's choices may depend on one set after it
            state.restore_rna(settings, kept_settings)
        render.use_file_extension = kept_extension
        render.filepath = kept_path
    if display:
        return _read_png(path)
    planes = _read(path)
    composite = {k: v for k, v in planes.planes.items() if k.startswith("Composite.Combined.")}
    own = {}
    for p in passes:
        prefix = f"{layer.name}.{PASSES[p][1]}."
        own.update({p + k[len(prefix) - 1:]: v for k, v in planes.planes.items()
                    if k.startswith(prefix)})
    if composite:  # what write_still writes when the scene composites
        own.update({"COMBINED" + k[len("Composite.Combined"):]: v for k, v in composite.items()})
    planes.planes = own
    return planes


def _render_through_file_output(scene, layer, passes, folder, display):
    """Blender 5: a private compositor group writing the passes with a File Output node (an
    uncompressed 32-bit multilayer EXR; display: an 8-bit RGBA PNG saved as render)."""
    group = bpy.data.node_groups.new("bakeview render", "CompositorNodeTree")
    kept_group, kept_compositing = scene.compositing_node_group, scene.render.use_compositing
    try:
        nodes, links = group.nodes, group.links
        layers = nodes.new("CompositorNodeRLayers")
        layers.scene = scene
        layers.layer = layer.name
        output = nodes.new("CompositorNodeOutputFile")
        output.directory = folder
        output.file_name = "render"
        if display:
            output.format.media_type = "IMAGE"
            _png_format(output.format)
            output.save_as_render = True
        else:  # scene-linear, as write_still writes an EXR: no view transform
            _exr_format(output.format)
            output.save_as_render = False
        combined = layers.outputs["Image"]
        if kept_group is not None and kept_compositing:  # the user's compositor, as it is
            user = nodes.new("CompositorNodeGroup")
            user.node_tree = kept_group
            combined = next(s for s in user.outputs if s.type == "RGBA")
        group.interface.new_socket("Image", in_out="OUTPUT", socket_type="NodeSocketColor")
        links.new(combined, nodes.new("NodeGroupOutput").inputs[0])  # Render Result shows it
        for p in passes:
            source = combined if p == "COMBINED" else layers.outputs[PASSES[p][2]]
            kind = {"RGBA": "RGBA", "VECTOR": "VECTOR"}.get(source.type, "FLOAT")
            output.file_output_items.new(kind, p)
            links.new(source, output.inputs[p])
        scene.compositing_node_group = group
        scene.render.use_compositing = True
        _render(scene)
    finally:
        scene.render.use_compositing = kept_compositing
        scene.compositing_node_group = kept_group
        bpy.data.node_groups.remove(group)
    files = os.listdir(folder)
    if len(files) != 1:
        raise RuntimeError(f"Blender's File Output wrote {len(files)} files, not one")
    path = os.path.join(folder, files[0])
    return _read_png(path) if display else _read(path)


def _exr_format(settings):
    settings.file_format = "OPEN_EXR_MULTILAYER"
    settings.color_depth = "32"
    settings.exr_codec = "NONE"


def _png_format(settings):
    settings.file_format = "PNG"
    settings.color_depth = "8"
    settings.color_mode = "RGBA"
    settings.compression = 0


def _read(path):
    if not os.path.exists(path):
        raise RuntimeError("Blender rendered but wrote no file")
    return exr.read(path)


def _read_png(path):
    """The codes of an 8-bit RGBA PNG / 255, as planes "COMBINED.R" ... (row 0 at the bottom)."""
    if not os.path.exists(path):
        raise RuntimeError("Blender rendered but wrote no file")
    image = bpy.data.images.load(path)
    try:
        width, height = image.size
        values = float_array(4 * width * height)
        image.pixels.foreach_get(values)  # an 8-bit image: its codes / 255, as stored
    finally:
        bpy.data.images.remove(image)
    return exr.Exr(width, height, {f"COMBINED.{c}": values[k::4] for k, c in enumerate("RGBA")})


def _channels_of(planes, p):
    names = sorted((k for k in planes.planes if k.rpartition(".")[0] == p),
                   key=lambda k: _ORDER.find(k.rpartition(".")[2]))
    if not names:
        raise RuntimeError(f"the render has no {p} pass (its engine may not make one)")
    return names


def _make_images(result, base, display):
    made = {}
    with images.all_or_none():
        for p, values in result.pixels.items():
            n = result.channels[p]
            rgba = values if n == 4 else _core.to_rgba(values, n, fill=(0.0, 0.0, 0.0, 1.0))
            image = images.store(f"{base} {p.lower()}", result.width, result.height, rgba,
                                 non_color=p != "COMBINED" or display)
            if p == "COMBINED":
                image.alpha_mode = "STRAIGHT" if display else "PREMUL"
            made[p] = image
    for p, image in made.items():
        images.take_name(image, f"{base} {p.lower()}")
    return made
