"""Material channels baked through emission: Cycles has no bake type for base colour, metallic,
specular or emission colour times strength (its DIFFUSE colour is black on metals, its ROUGHNESS
weights the diffuse and glossy closures by their colours), so each channel is baked as an EMIT
bake of the object's materials in which every shader node's closure is replaced by an Emission
shader of that node's value for the channel. Mix Shader and Add Shader nodes stay as they are, so
a mix of two shaders bakes the mix of their values; groups holding shaders are routed the same
way. Each tree is put back exactly after each bake, also when it fails (routed, with
state.restore_tree; state.preserved does it again for the whole call).

What each shader gives (scalars go to R, G and B):

- Principled BSDF: BASE_COLOR its Base Color, METALLIC Metallic, ROUGHNESS Roughness, SPECULAR
  Specular (3.x) or Specular IOR Level (4+), EMISSION its emission colour x Emission Strength;
- Diffuse BSDF: its Color, metallic 0, roughness 1, specular 0, no emission;
- Glossy, Anisotropic, Metallic BSDF (4.3+): its (Base) Color, metallic 1, its Roughness,
  specular 0.5, no emission;
- Emission, Background: base colour 0, metallic 0, roughness 1, specular 0, Color x Strength;
- Transparent BSDF, Holdout: no opacity (see below);
- anything else: its Color (or 0), metallic 0, its Roughness (or 1), specular 0, and it is named
  in a warning (unexpressed).

Each value is weighted by the shader's opacity (a Principled BSDF's Alpha; 0 for Transparent
and Holdout, 1 otherwise), and the bake is divided by the material's alpha afterwards (bakeview's
ALPHA bake, Cycles' film alpha): where a surface lets light through, the channels hold the values
of its opaque part, straight, not darkened by its transparency.
"""
import contextlib

import bpy

from . import material_alpha, state
from .material_surface import _above

ROUTED = ("BASE_COLOR", "METALLIC", "ROUGHNESS", "SPECULAR", "EMISSION")
COLOUR = {"BASE_COLOR", "EMISSION"}  # the others are scalars (Strength of a white emission)

_WHITE = (1.0, 1.0, 1.0, 1.0)
_BLACK = (0.0, 0.0, 0.0, 1.0)
# Principled BSDF inputs per channel, Blender 3.x name first, then 4.0+
_PRINCIPLED = {
    "BASE_COLOR": ("Base Color",),
    "METALLIC": ("Metallic",),
    "ROUGHNESS": ("Roughness",),
    "SPECULAR": ("Specular", "Specular IOR Level"),
    "EMISSION": ("Emission", "Emission Color"),
}
# what a Principled BSDF has and the channels cannot hold: (its inputs by version, the feature)
_PRINCIPLED_FEATURES = (
    (("Subsurface", "Subsurface Weight"), "subsurface"),
    (("Transmission", "Transmission Weight"), "transmission (glass)"),
    (("Sheen", "Sheen Weight"), "sheen"),
    (("Clearcoat", "Coat Weight"), "coat"),
    (("Anisotropic",), "anisotropy"),
    (("Thin Film Thickness",), "thin film"),
)
_GLOSSY = {"BSDF_GLOSSY", "BSDF_ANISOTROPIC", "BSDF_METALLIC"}
_EMITTERS = {"EMISSION", "BACKGROUND"}
_SEE_THROUGH = {"BSDF_TRANSPARENT", "HOLDOUT"}
_UNEXPRESSED = {  # shaders the channels cannot hold, by what they are
    "BSDF_GLASS": "glass",
    "BSDF_REFRACTION": "refraction",
    "BSDF_TRANSLUCENT": "translucency",
    "SUBSURFACE_SCATTERING": "subsurface",
    "BSDF_VELVET": "sheen",
    "BSDF_SHEEN": "sheen",
    "BSDF_HAIR": "hair",
    "BSDF_HAIR_PRINCIPLED": "hair",
    "BSDF_TOON": "toon",
    "EEVEE_SPECULAR": "EEVEE Specular",
    "BSDF_RAY_PORTAL": "ray portal",
    "PRINCIPLED_VOLUME": "volume",
    "VOLUME_ABSORPTION": "volume",
    "VOLUME_SCATTER": "volume",
}
# nodes that carry closures through unchanged: kept as they are
_STRUCTURE = {"MIX_SHADER", "ADD_SHADER", "REROUTE", "GROUP", "GROUP_INPUT", "GROUP_OUTPUT",
              "OUTPUT_MATERIAL"}


def _input(node, names):
    return next((node.inputs[n] for n in names if n in node.inputs), None)


def _nonzero(socket):
    """Whether an input may differ from 0 (linked, or its own value does)."""
    if socket is None:
        return False
    if socket.is_linked:
        return True
    own = socket.default_value
    return any(v != 0.0 for v in (list(own)[:3] if hasattr(own, "__len__") else [own]))


def unexpressed(material):
    """What of the material's surface the channels cannot hold, as sorted 'feature (node name)'
    strings: glass, refraction, subsurface, sheen, coat, anisotropy, thin film, hair, toon,
    volume, ... (Principled inputs that are linked or above 0, shaders of those kinds)."""
    found = set()
    for node in material_alpha.surface_nodes(material):
        kind = node.type
        if kind == "BSDF_PRINCIPLED":
            for names, feature in _PRINCIPLED_FEATURES:
                if _above(_input(node, names), 0.0):
                    found.add(f"{feature} ('{node.name}')")
        elif kind in _GLOSSY:
            if _nonzero(node.inputs.get("Anisotropy")):
                found.add(f"anisotropy ('{node.name}')")
            if getattr(node, "fresnel_type", "") == "PHYSICAL_CONDUCTOR":
                found.add(f"conductor IOR and extinction ('{node.name}')")
        elif kind in _UNEXPRESSED:
            found.add(f"{_UNEXPRESSED[kind]} ('{node.name}')")
        elif (kind not in _STRUCTURE and kind not in _EMITTERS and kind not in _SEE_THROUGH
              and kind != "BSDF_DIFFUSE" and any(s.type == "SHADER" for s in node.outputs)):
            found.add(f"{node.bl_label} ('{node.name}')")
    tree = material.node_tree if material is not None else None
    output = material_alpha._active_output(tree) if tree is not None else None
    if output is not None and "Volume" in output.inputs and output.inputs["Volume"].is_linked:
        found.add(f"volume ('{output.name}')")
    return sorted(found)


def _value(node, kind):
    """(colour, [strength factors]) of a shader node for a channel: each an input socket of the
    node (its link or value is used) or a constant."""
    inputs, kind_of = node.inputs, node.type
    if kind_of in _SEE_THROUGH:
        return _BLACK, [0.0]
    if kind_of == "BSDF_PRINCIPLED":
        source = _input(node, _PRINCIPLED[kind])
        opacity = inputs.get("Alpha", 1.0)
        if kind == "EMISSION":
            return source, [inputs.get("Emission Strength", 1.0), opacity]
        if kind == "BASE_COLOR":
            return source, [opacity]
        return _WHITE, [source, opacity]
    if kind_of in _EMITTERS:
        if kind == "EMISSION":
            return inputs["Color"], [inputs["Strength"]]
        return _WHITE, [0.0 if kind != "ROUGHNESS" else 1.0]
    colour = _input(node, ("Color", "Base Color"))
    if kind_of in _GLOSSY:
        scalar = {"METALLIC": 1.0, "ROUGHNESS": inputs.get("Roughness", 1.0), "SPECULAR": 0.5}
    else:  # diffuse, and what the channels cannot hold (named by unexpressed)
        scalar = {"METALLIC": 0.0, "ROUGHNESS": 1.0 if kind_of == "BSDF_DIFFUSE" else
                  inputs.get("Roughness", 1.0), "SPECULAR": 0.0}
    if kind == "BASE_COLOR":
        return (colour if colour is not None else _BLACK), [1.0]
    if kind == "EMISSION":
        return _BLACK, [0.0]
    return _WHITE, [scalar[kind]]


def _source(socket):
    """A live link's socket feeding `socket`, else None (its own value counts)."""
    for link in socket.links:
        if getattr(link, "is_valid", True) and not getattr(link, "is_muted", False):
            return link.from_socket
    return None


def _plain(value, colour):
    """An input's own value, or a constant, as an RGBA tuple (colour) or a float."""
    if hasattr(value, "__len__"):
        value = tuple(value)
        if colour:
            return (value + (1.0,))[:4] if len(value) == 3 else value[:4]
        return value[0]
    return (float(value),) * 3 + (1.0,) if colour else float(value)


def _feed(tree, value, target):
    """Sets the input `target` from `value`: a socket (its link, else its own value) or a
    constant."""
    colour = target.type == "RGBA"
    if isinstance(value, bpy.types.NodeSocket):
        source = _source(value)
        if source is not None:
            tree.links.new(source, target)
            return
        value = value.default_value
    target.default_value = _plain(value, colour)


def _product(tree, factors, target, location):
    """Sets the float input `target` to the product of `factors` (sockets or constants): the
    constants multiplied here, linked ones through Math nodes."""
    constant, linked = 1.0, []
    for factor in factors:
        source = _source(factor) if isinstance(factor, bpy.types.NodeSocket) else None
        if source is not None:
            linked.append(source)
        else:
            own = factor.default_value if isinstance(factor, bpy.types.NodeSocket) else factor
            constant *= _plain(own, False)
    if not linked:
        target.default_value = constant
        return
    current = None
    for source in linked:
        if current is None and constant == 1.0 and len(linked) == 1:
            current = source
            break
        math = tree.nodes.new("ShaderNodeMath")
        math.operation = "MULTIPLY"
        math.location = location
        tree.links.new(source, math.inputs[0])
        if current is None:
            math.inputs[1].default_value = constant
        else:
            tree.links.new(current, math.inputs[1])
        current = math.outputs[0]
    tree.links.new(current, target)


def _route_tree(tree, kind, routed_groups):
    """Replaces, in `tree`, every shader node's closure by an Emission of its value for `kind`
    (the shader nodes stay, unlinked); groups holding shaders are routed too, once each (their
    names in `routed_groups`)."""
    for node in list(tree.nodes):
        if node.type == "GROUP" and node.node_tree is not None:
            inner = node.node_tree
            if inner.name not in routed_groups and any(s.type == "SHADER" for s in node.outputs):
                routed_groups.add(inner.name)
                _route_tree(inner, kind, routed_groups)
            continue
        if node.type in _STRUCTURE:
            continue
        targets = [link.to_socket for output in node.outputs if output.type == "SHADER"
                   for link in output.links]
        if not targets:
            continue
        colour, factors = _value(node, kind)
        emission = tree.nodes.new("ShaderNodeEmission")
        emission.location = node.location
        _feed(tree, colour, emission.inputs["Color"])
        _product(tree, factors, emission.inputs["Strength"], node.location)
        for target in targets:
            tree.links.new(emission.outputs[0], target)
    for node in tree.nodes:  # volumes do not bake into surface channels
        if node.type == "OUTPUT_MATERIAL" and "Volume" in node.inputs:
            for link in list(node.inputs["Volume"].links):
                tree.links.remove(link)


@contextlib.contextmanager
def routed(obj, kind):
    """The object's materials (every slot has a node material: bake_images._ensure_materials)
    and the groups they use emit their `kind` channel while the body runs; afterwards, also on
    failure, every tree is exactly as it was (state.restore_tree: added nodes removed, links
    and every node and socket property put back). Editing in place rather than baking copies:
    Blender 3.4's ID.copy() counts the images and groups a material uses once more than its
    removal gives back."""
    own = [m.node_tree for m in {s.material for s in obj.material_slots if s.material}]
    saved = [(tree, state.tree_state(tree)) for tree in own + state.groups_of(own)]
    try:
        routed_groups = set()
        for tree in own:
            _route_tree(tree, kind, routed_groups)
        yield
    finally:
        for tree, before in saved:
            state.restore_tree(tree, before)
