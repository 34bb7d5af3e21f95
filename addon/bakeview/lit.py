"""Lit views: what render_view and sprite_sheet hand the core when lighting is not BAKED. Each
object's material channels (bake(kind="MATERIAL")) become a base-colour texture and a
_core.Material; the lights and world come from the scene (bakeview.lighting reads them in the
core's units), or from the caller as a light rig, in world space or turning with the camera.
An object's AO bake (bake(kind="AO")), when it has one, occludes the world's light on it; its
INDIRECT bake (bake(kind="INDIRECT")), the diffuse light that reached it after a bounce, is added
to its emission: the core traces no bounce, and frozen bounce light beats none for objects that
do not move.

lighting, as the public functions take it:
- "BAKED" (default): the bake as it is, unlit (a COMBINED bake holds its own lighting);
- "SCENE": the scene's lights and world at each frame;
- a dict {"lights": [light dicts], "world": {"color": (r, g, b), "environment": Image or None},
  "space": "WORLD" or "CAMERA", "shading_rate": "PIXEL" or "SAMPLE", "shadow_map_size": int,
  "shadow_memory_limit": bytes}: a light rig. Light dicts have the fields of the core's bv_light
  (type SUN, POINT, SPOT or AREA; color in W/m^2 for a sun, W/sr for the others; position,
  direction, ...). With space CAMERA, positions and directions are in the camera's space (x right,
  y up, looking down -z) and turn with every view.
"""
import warnings

import bpy

from . import _core, checks, images, records, textures as texture_cache
from .compat import VERSION

LIGHTINGS = ("BAKED", "SCENE")
# the bakes a lit view reads besides BASE_COLOR: packed into the core's channels (R, G, B), and
# the others
PACKED = ("METALLIC", "ROUGHNESS", "SPECULAR")
# optional: the world light's occlusion (the packed channels' A; 1 without it)
OCCLUSION = "AO"
# optional: the bounced diffuse light, added to the emission
INDIRECT = "INDIRECT"
CHANNELS = {"emission": "EMISSION", "normal": "NORMAL"}
_RIG_KEYS = {"lights", "world", "space", "shading_rate", "shadow_map_size", "shadow_memory_limit"}
_SPACES = ("WORLD", "CAMERA")
_RATES = ("PIXEL", "SAMPLE")


def bsdf():
    """The Principled BSDF of the running Blender's Cycles."""
    return "PRINCIPLED_V1" if VERSION < (4, 0, 0) else "PRINCIPLED_V2"


def check(lighting):
    """BAKED, SCENE (any case) or a light-rig dict, checked; returns BAKED, SCENE or the dict."""
    if isinstance(lighting, str):
        return checks.choice(lighting, "lighting", LIGHTINGS)
    if not isinstance(lighting, dict):
        raise TypeError(f"lighting must be 'BAKED', 'SCENE' or a dict of lights and world, got "
                        f"{type(lighting).__name__}")
    unknown = sorted(set(lighting) - _RIG_KEYS)
    if unknown:
        raise ValueError(f"lighting has unknown keys {unknown}; it takes {sorted(_RIG_KEYS)}")
    rig = dict(lighting)
    rig["space"] = checks.choice(rig.get("space", "WORLD"), "lighting['space']", _SPACES)
    rig["shading_rate"] = checks.choice(rig.get("shading_rate", "PIXEL"),
                                        "lighting['shading_rate']", _RATES)
    lights = rig.get("lights", [])
    if not isinstance(lights, (list, tuple)) or not all(isinstance(x, dict) for x in lights):
        raise TypeError("lighting['lights'] must be a list of light dicts")
    world = rig.get("world") or {}
    if not isinstance(world, dict):
        raise TypeError("lighting['world'] must be a dict (color, environment)")
    environment = world.get("environment")
    if environment is not None and not isinstance(environment, bpy.types.Image):
        raise TypeError(f"lighting['world']['environment'] must be an Image or None, got "
                        f"{type(environment).__name__}")
    return rig


def need_kinds(lighting):
    """The bake kinds a view lit this way draws."""
    return None if lighting == "BAKED" else "BASE_COLOR"


class Materials:
    """Each object's base-colour texture and _core.Material, made once for a call. An object with
    an AO bake (bake(kind="AO"), the size of its MATERIAL bakes) has the world's light occluded by
    it, diffuse and glossy alike; without one the world reaches every point unoccluded."""

    def __init__(self, objects, mipmaps=False):
        self.textures = {}
        self.materials = {}
        for obj in objects:
            missing = [kind for kind in ("BASE_COLOR",) + PACKED + tuple(CHANNELS.values())
                       if records.baked_image(obj, kind) is None]
            if missing:
                raise ValueError(
                    f"object '{obj.name}' has no {', '.join(missing)} bake, which lit views "
                    f"need: bake it with bakeview.bake(kind='MATERIAL')")
            base = records.baked_image(obj, "BASE_COLOR")
            self.textures[obj.name] = self._texture(base, mipmaps)
            indirect = records.baked_image(obj, INDIRECT)
            channels = {name: self._texture(records.baked_image(obj, kind), False)
                        for name, kind in CHANNELS.items()
                        if name != "emission" or indirect is None}
            if indirect is not None:  # one texture of both
                channels["emission"] = _with_indirect(records.baked_image(obj, "EMISSION"),
                                                      indirect)
            channels["channels"] = _packed([records.baked_image(obj, k) for k in PACKED],
                                           records.baked_image(obj, OCCLUSION))
            ior = _ior(obj)
            plain = _core.Material(**dict(channels, normal=None), ior=ior, bsdf=bsdf())
            # without a normal map or bump the NORMAL bake is the mesh's own normal, up to its
            # texels' resolution: the mesh's interpolated normal is what Cycles shades with
            mapped = (_core.Material(**channels, ior=ior, bsdf=bsdf()) if _perturbs_normal(obj)
                      else plain)
            self.materials[obj.name] = (mapped, plain)

    def _texture(self, image, mipmaps):
        key = (image.name, mipmaps)
        if key not in self.textures:
            self.textures[key] = texture_cache.texture(image, mipmaps=mipmaps)
        return self.textures[key]

    def base(self, obj):
        return self.textures[obj.name]

    def material(self, obj):
        """(the object's _core.Material, the same without its normal map), for extract.core_mesh."""
        return self.materials[obj.name]


def _with_indirect(emission, indirect):
    """The emission bake plus the INDIRECT bake, one texture (the same size: one UV layout)."""
    _check_size(INDIRECT, indirect, emission)
    width, height = emission.size
    return _core.Texture(_core.add_rgb(images.rgba(emission), images.rgba(indirect),
                                       width * height),
                         width, height, alpha=images.texture_alpha(emission))


def _check_size(kind, bake, material_bake):
    """Refuses an optional bake (AO, INDIRECT) whose size differs from the MATERIAL bakes'."""
    if tuple(bake.size) != tuple(material_bake.size):
        raise ValueError(f"{kind} bake '{bake.name}' ({bake.size[0]} x {bake.size[1]}) differs in "
                         f"size from bake '{material_bake.name}' ({material_bake.size[0]} x "
                         f"{material_bake.size[1]}); bake {kind} at the size of the material "
                         f"channels")


def _packed(bakes, occlusion=None):
    """One channel-packed texture of the metallic, roughness and specular bakes and the
    occlusion (the red of an AO bake, or 1 without one): the core taps it once for all four."""
    width, height = bakes[0].size
    for image in bakes[1:]:
        if tuple(image.size) != (width, height):
            raise ValueError(f"bakes '{bakes[0].name}' ({width} x {height}) and '{image.name}' "
                             f"({image.size[0]} x {image.size[1]}) differ in size; bake the "
                             f"object's material channels again, in one call (kind='MATERIAL')")
    if occlusion is not None:
        _check_size(OCCLUSION, occlusion, bakes[0])
    optional = [occlusion] if occlusion is not None else []
    sources = [images.rgba(image) for image in bakes + optional]
    if occlusion is None:
        sources.append(1.0)
    packed = _core.pack_channels(tuple(sources), width * height)
    return _core.Texture(packed, width, height, alpha="CHANNEL_PACKED")


def _perturbs_normal(obj):
    """Whether a material of the object feeds a shader's Normal input (a normal map, bump)."""
    for slot in obj.material_slots:
        tree = slot.material.node_tree if slot.material is not None else None
        for node in tree.nodes if tree is not None else ():
            socket = node.inputs.get("Normal") if hasattr(node, "inputs") else None
            if socket is not None and socket.is_linked and not node.mute:
                return True
    return False


def _ior(obj):
    """The IOR of the object's first Principled BSDF when it is a constant (0: the default)."""
    for slot in obj.material_slots:
        material = slot.material
        tree = material.node_tree if material is not None else None
        for node in tree.nodes if tree is not None else ():
            if node.type == "BSDF_PRINCIPLED":
                socket = node.inputs.get("IOR")
                if socket is not None and not socket.is_linked:
                    return float(socket.default_value)
    return 0.0


class Lighting:
    """The core's lighting argument for each view: the scene's at the current frame, or a rig."""

    def __init__(self, lighting, scene):
        self.lighting = lighting
        self.scene = scene
        self.environments = {}
        self.warned = set()

    def frame(self, depsgraph):
        """The lighting of the current frame, before per-view turning (CAMERA rigs)."""
        if self.lighting == "SCENE":
            from .lighting import scene_lighting  # reads lights and world in the core's units

            found = scene_lighting(self.scene, depsgraph)
            for what in found.unsupported:
                if what not in self.warned:
                    self.warned.add(what)
                    warnings.warn(f"lighting='SCENE': {what}", stacklevel=3)
            rig = {"lights": list(found.lights), "world": dict(found.world), "space": "WORLD",
                   "shading_rate": "PIXEL"}
        else:
            rig = self.lighting
        world = dict(rig.get("world") or {})
        image = world.get("environment")
        world["environment"] = self._environment(image) if image is not None else None
        world.setdefault("color", (0.0, 0.0, 0.0))
        out = {"lights": [dict(x) for x in rig.get("lights", ())], "world": world,
               "shading_rate": rig.get("shading_rate", "PIXEL")}
        for key in ("shadow_map_size", "shadow_memory_limit"):
            if key in rig:
                out[key] = rig[key]
        return out, rig.get("space", "WORLD")

    def _environment(self, image):
        if image.name not in self.environments:
            self.environments[image.name] = texture_cache.texture(image, extension="REPEAT")
        return self.environments[image.name]


def for_view(frame_lighting, view_matrix):
    """The core's lighting for one view: a CAMERA rig's lights turned into world space by the
    view's camera (view_matrix: world -> camera, a mathutils.Matrix or its rows)."""
    from mathutils import Matrix

    lighting, space = frame_lighting
    if space != "CAMERA":
        return lighting
    to_world = Matrix(view_matrix).inverted()
    rotation = to_world.to_3x3()
    lights = []
    for light in lighting["lights"]:
        light = dict(light)
        if "position" in light:
            light["position"] = tuple(to_world @ _vector(light["position"]))
        for key in ("direction", "axis_x"):
            if key in light:
                light[key] = tuple((rotation @ _vector(light[key])).normalized())
        lights.append(light)
    return dict(lighting, lights=lights)


def _vector(values):
    from mathutils import Vector

    return Vector(tuple(float(v) for v in values))
