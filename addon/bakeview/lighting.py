"""The scene's lights and world in the core's units (core/include/bakeview/light.h), read as the
Cycles of the running Blender converts them. Pure reading: nothing here changes the scene or calls
the core.

Conversions (Cycles' scene/light.cpp device_update_lights and kernel/light/*.h, by version;
P = the light's energy x colour x 2^exposure (4.x+) x temperature colour (use_temperature, 4.5+)):

- SUN: irradiance E on a surface facing it; h = half the angle. 3.4: each sample of the disc
  (radius tan h, one unit away) brings P x cos: E = P x 2 cos h / (1 + cos h) (P when sharp).
  4.0+: normalize (default): radiance P / (pi sin^2 h), E = P; without normalize radiance P,
  E = P x pi sin^2 h.
- POINT, SPOT: intensity I (W/sr). 3.4: radiance P / (4 pi) x 1 / (pi r^2) over the disc that
  faces the point, so I = P / (4 pi). 4.0+: radiance P / (pi x 4 pi r^2) on a sphere, I = P / (4 pi)
  also; without normalize I = P r^2 (4.0 to 4.3: P / (4 pi) at r = 0), 4.4+: P r^2, or P / pi at
  r = 0.
- AREA: intensity along the axis. 3.4: radiance P / (4 A), I = P / 4. 4.0+: radiance P / (pi A),
  I = P / pi; without normalize radiance P / pi, I = P A / pi. A = the emitter's area in world
  units (size x the object's scale; x pi / 4 for an ellipse).
- World: a Background node's colour x strength, or an Environment Texture (equirectangular,
  default vector, no mapping) with the strength as the colour.
"""
import math
from dataclasses import dataclass, field

import bpy

from .compat import VERSION

LIGHT_TYPES = ("SUN", "POINT", "SPOT", "AREA")


@dataclass(frozen=True)
class SceneLighting:
    """lights: dicts keyed as bv_light's fields; world: dict(color, environment); bsdf: the
    running Cycles' Principled BSDF; unsupported: what Cycles renders that these units leave out
    or approximate, one sentence each, starting with the light's or world's name."""
    lights: list = field(default_factory=list)
    world: dict = field(default_factory=lambda: dict(color=(0.0, 0.0, 0.0), environment=None))
    bsdf: str = "PRINCIPLED_V2"
    unsupported: list = field(default_factory=list)


def bsdf_kind():
    return "PRINCIPLED_V1" if VERSION < (4, 0, 0) else "PRINCIPLED_V2"


def scene_lighting(scene, depsgraph, objects_hidden=()):
    """The lights and world of `scene` as `depsgraph` (evaluated at its frame) has them.

    Lights hidden from render (hide_render, not in the depsgraph's view layer) or named in
    `objects_hidden` (objects or names) are skipped. Lights the depsgraph does not evaluate are
    absent: a viewport depsgraph (context.evaluated_depsgraph_get()) leaves out objects disabled
    in viewports (hide_viewport) that a render would light with. Camera visibility of a lamp is
    not reported: it only decides whether the camera sees the lamp itself."""
    if not isinstance(scene, bpy.types.Scene):
        raise TypeError(f"scene must be a bpy Scene, got {type(scene).__name__}")
    if not isinstance(depsgraph, bpy.types.Depsgraph):
        raise TypeError(f"depsgraph must be a bpy Depsgraph, got {type(depsgraph).__name__}")
    if depsgraph.scene_eval.original != scene:
        raise ValueError(f"depsgraph is of scene '{depsgraph.scene_eval.original.name}', "
                         f"not of scene '{scene.name}'")
    if isinstance(objects_hidden, (str, bpy.types.ID)):
        objects_hidden = (objects_hidden,)
    hidden = set()
    for item in objects_hidden:
        if isinstance(item, bpy.types.Object):
            hidden.add(item.original.name)
        elif isinstance(item, str):
            hidden.add(item)
        else:
            raise TypeError(f"objects_hidden must hold objects or names, got "
                            f"{type(item).__name__}")
    unsupported = []
    lights = []
    for instance in depsgraph.object_instances:
        obj = instance.object
        if obj.type != "LIGHT":
            continue
        original = obj.original
        if original.hide_render or original.name in hidden:
            continue
        if instance.is_instance and instance.parent and instance.parent.original.name in hidden:
            continue
        light = _light(obj, instance.matrix_world, unsupported)
        if light is not None:
            lights.append(light)
    world = _world(depsgraph.scene_eval.world, unsupported)
    return SceneLighting(lights=lights, world=world, bsdf=bsdf_kind(), unsupported=unsupported)


# -- lights --------------------------------------------------------------------------------------


def _normalized(v):
    length = math.sqrt(sum(c * c for c in v))
    return tuple(c / length for c in v) if length > 0.0 else (0.0, 0.0, 0.0)


def _column(matrix, k):
    return (matrix[0][k], matrix[1][k], matrix[2][k])


def _length(v):
    return math.sqrt(sum(c * c for c in v))


def _power(data):
    """The light's colour x strength as Cycles' sync gives it (before the per-type factors)."""
    scale = data.energy * 2.0 ** getattr(data, "exposure", 0.0)
    rgb = tuple(data.color)
    if getattr(data, "use_temperature", False):
        rgb = tuple(c * t for c, t in zip(rgb, data.temperature_color))
    return tuple(c * scale for c in rgb)


def _casts_shadow(data):
    if VERSION < (4, 0, 0):  # 3.x Cycles reads its own setting
        return bool(data.cycles.cast_shadow)
    return bool(data.use_shadow)


def _normalize(data):
    return bool(getattr(data, "normalize", True)) if VERSION >= (4, 0, 0) else True


def _light(obj, matrix, unsupported):
    data = obj.data
    kind = data.type
    name = f"light '{obj.name}'"
    if kind not in LIGHT_TYPES:
        unsupported.append(f"{name}: type {kind} is not supported; skipped")
        return None
    power = _power(data)
    if any(c < 0.0 for c in power):
        unsupported.append(f"{name}: negative strength (kept: it subtracts light)")
    # visible_camera only says whether the camera sees the lamp itself (off by default in 3.4),
    # which bakeview never draws: not reported
    for flag in ("visible_diffuse", "visible_glossy"):
        if not getattr(obj, flag, True):
            unsupported.append(f"{name}: {flag} is off (the light is used as if on)")
    if data.use_nodes and data.node_tree is not None:
        if any(n.bl_idname == "ShaderNodeTexIES" for n in data.node_tree.nodes):
            unsupported.append(f"{name}: IES texture (the light shines evenly)")
        if not _trivial_light_nodes(data.node_tree):
            unsupported.append(f"{name}: light nodes (only the light's colour and power are used)")
    linking = getattr(obj, "light_linking", None)
    if linking is not None and (linking.receiver_collection or linking.blocker_collection):
        unsupported.append(f"{name}: light linking (the light reaches every object)")
    position = tuple(matrix.translation)
    direction = _normalized(tuple(-c for c in _column(matrix, 2)))
    axis_x = _normalized(_column(matrix, 0))
    result = dict(type=kind, color=power, position=position, direction=direction, axis_x=axis_x,
                  angle=0.0, radius=0.0, spot_size=0.0, spot_blend=0.0,
                  spot_falloff="COSINE_SMOOTHSTEP" if VERSION < (4, 0, 0) else "SMOOTHSTEP",
                  shape="RECTANGLE", size=(0.0, 0.0), shadow=_casts_shadow(data))
    normalize = _normalize(data)
    if kind == "SUN":
        result["angle"] = float(data.angle)
        factor = _sun_irradiance(data.angle, normalize)
    elif kind in ("POINT", "SPOT"):
        radius = float(data.shadow_soft_size)
        result["radius"] = radius
        factor = _point_intensity(radius, normalize)
        if kind == "SPOT":
            result["spot_size"] = float(data.spot_size)
            result["spot_blend"] = float(data.spot_blend)
            sx, sy = _length(_column(matrix, 0)), _length(_column(matrix, 1))
            if abs(sx - sy) > 1e-4 * max(sx, sy):
                unsupported.append(f"{name}: non-uniform scale ({sx:g} x {sy:g}) makes an "
                                   "elliptic cone (a round cone is used)")
            if data.use_square:
                unsupported.append(f"{name}: square spot (a round cone is used)")
    else:  # AREA
        sx, sy = _length(_column(matrix, 0)), _length(_column(matrix, 1))
        square = data.shape in ("SQUARE", "DISK")
        size = (data.size * sx, (data.size if square else data.size_y) * sy)
        result["shape"] = "ELLIPSE" if data.shape in ("DISK", "ELLIPSE") else "RECTANGLE"
        result["size"] = size
        area = size[0] * size[1] * (math.pi / 4.0 if result["shape"] == "ELLIPSE" else 1.0)
        if data.spread < math.pi - 1e-6:
            unsupported.append(f"{name}: spread {math.degrees(data.spread):.1f} deg < 180 "
                               "(a Lambertian emitter is used)")
        if VERSION < (4, 0, 0):
            factor = 0.25
        else:
            factor = 1.0 / math.pi if normalize else area / math.pi
    result["color"] = tuple(c * factor for c in power)
    return result


def _sun_irradiance(angle, normalize):
    """E / strength on a surface facing a sun of angular diameter `angle` (half angle h)."""
    half = 0.5 * angle
    if half <= 0.0:
        return 1.0
    if VERSION < (4, 0, 0):
        # 3.x samples the disc of radius tan h one unit away with pdf = eval_fac: each sample
        # brings strength x cos, whose mean over that disc is 2 cos h / (1 + cos h)
        return 2.0 * math.cos(half) / (1.0 + math.cos(half))
    if normalize:  # radiance strength / (pi sin^2 h) over the cap: E = strength
        return 1.0
    return math.pi * math.sin(half) ** 2  # radiance = strength; the cap's projected solid angle


def _point_intensity(radius, normalize):
    """I / strength for a point or spot light of `radius` (the sphere's, or 3.x's disc)."""
    if VERSION < (4, 0, 0) or normalize:
        return 1.0 / (4.0 * math.pi)
    if radius == 0.0:
        return 1.0 / (4.0 * math.pi) if VERSION < (4, 4, 0) else 1.0 / math.pi
    return radius * radius  # radiance P / pi on a sphere seen as a disc of pi r^2


def _trivial_light_nodes(tree):
    """A Light Output fed by an Emission node left at colour 1 and strength 1 (the default)."""
    outputs = [n for n in tree.nodes if n.bl_idname == "ShaderNodeOutputLight"
               and getattr(n, "is_active_output", True)]
    if not outputs:
        return True  # Cycles falls back to the light's own emission
    surface = outputs[0].inputs["Surface"]
    if not surface.is_linked:
        return False  # no emission: the light is dark
    node = surface.links[0].from_node
    if node.bl_idname != "ShaderNodeEmission":
        return False
    color, strength = node.inputs["Color"], node.inputs["Strength"]
    if color.is_linked or strength.is_linked:
        return False
    return tuple(color.default_value)[:3] == (1.0, 1.0, 1.0) and strength.default_value == 1.0


# -- world ---------------------------------------------------------------------------------------


def _world(world, unsupported):
    black = dict(color=(0.0, 0.0, 0.0), environment=None)
    if world is None:
        return black
    name = f"world '{world.name}'"
    uses_nodes = world.node_tree is not None and (VERSION >= (5, 0, 0) or world.use_nodes)
    if not uses_nodes:
        unsupported.append(f"{name}: use_nodes is off (its colour is used)")
        return dict(color=tuple(world.color), environment=None)
    tree = world.node_tree
    outputs = [n for n in tree.nodes if n.bl_idname == "ShaderNodeOutputWorld"
               and n.target in ("ALL", "CYCLES")]
    active = [n for n in outputs if n.is_active_output] or outputs
    if not active or not active[0].inputs["Surface"].is_linked:
        return black
    node = active[0].inputs["Surface"].links[0].from_node
    if node.bl_idname != "ShaderNodeBackground":
        unsupported.append(f"{name}: {node.bl_idname} '{node.name}' feeds the World Output, not "
                           "a Background node (black is used)")
        return black
    color_in, strength_in = node.inputs["Color"], node.inputs["Strength"]
    strength = float(strength_in.default_value)
    if strength_in.is_linked:
        unsupported.append(f"{name}: the Background's Strength is linked (its default "
                           f"{strength:g} is used)")
    if strength < 0.0:
        unsupported.append(f"{name}: negative strength (kept)")
    default = tuple(color_in.default_value)[:3]
    if not color_in.is_linked:
        return dict(color=tuple(c * strength for c in default), environment=None)
    source = color_in.links[0].from_node
    if source.bl_idname == "ShaderNodeTexEnvironment":
        problems = _environment_problems(source)
        if not problems:
            return dict(color=(strength,) * 3, environment=source.image)
        reasons = "; ".join(problems)
    else:
        reasons = f"{source.bl_idname} '{source.name}' feeds the Background's Color"
    unsupported.append(f"{name}: {reasons} (the Background's default colour x strength, "
                       f"{tuple(round(c * strength, 4) for c in default)}, is used)")
    return dict(color=tuple(c * strength for c in default), environment=None)


def _environment_problems(node):
    problems = []
    if node.image is None:
        problems.append(f"Environment Texture '{node.name}' has no image")
    if node.projection != "EQUIRECTANGULAR":
        problems.append(f"Environment Texture '{node.name}' projection {node.projection}")
    if node.inputs["Vector"].is_linked:
        problems.append(f"Environment Texture '{node.name}' has its Vector linked "
                        "(mapping/rotation)")
    mapping = node.texture_mapping
    if (tuple(mapping.translation) != (0.0, 0.0, 0.0) or tuple(mapping.rotation) != (0.0, 0.0, 0.0)
            or tuple(mapping.scale) != (1.0, 1.0, 1.0)):
        problems.append(f"Environment Texture '{node.name}' has a texture mapping")
    return problems
