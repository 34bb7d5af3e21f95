"""What a material's surface is made of, read from its node tree without changing it (as
material_alpha reads transparency), so that a DIFFUSE bake that comes out black says why and
which kind holds the material instead.

A DIFFUSE bake holds the diffuse colour. Measured in Blender 3.4 and 5.0: Diffuse, Toon,
Translucent and Subsurface Scattering shaders bake their colour, a Principled BSDF its base
colour times (1 - metallic) (1 - transmission); emission (Emission, a Background shader on a
surface, Principled emission), metals (Principled metallic 1, Metallic BSDF), glass (Glass,
Refraction, Principled transmission 1) and glossy shaders (Glossy, Anisotropic, Velvet, hair)
bake black, and Blender 4's Sheen BSDF a few percent of its colour. EMIT holds emission; what
reflects or refracts its surroundings shows in a lighting bake, COMBINED."""
from dataclasses import dataclass

from . import material_alpha
from .compat import uses_nodes

_DIFFUSE = {"BSDF_DIFFUSE", "BSDF_TRANSLUCENT", "SUBSURFACE_SCATTERING"}
_LOOKS = {  # shaders without diffuse colour, by what they look like
    "BSDF_METALLIC": "metal",
    "BSDF_GLASS": "glass",
    "BSDF_REFRACTION": "glass",
    "BSDF_GLOSSY": "glossy",
    "BSDF_ANISOTROPIC": "glossy",
    "BSDF_VELVET": "glossy",
    "BSDF_SHEEN": "glossy",
    "BSDF_HAIR": "glossy",
    "BSDF_HAIR_PRINCIPLED": "glossy",
}
# Principled BSDF inputs by Blender version: 3.x names first, then 4.0+
_TRANSMISSION = ("Transmission", "Transmission Weight")
_EMISSION_COLOR = ("Emission", "Emission Color")


@dataclass(frozen=True)
class Surface:
    """diffuse: the material may have a diffuse colour (False only when none of its shaders can
    have one); emission: it may emit light; looks: what of it shows only lit, among 'metal',
    'glass', 'glossy', sorted."""
    diffuse: bool
    emission: bool
    looks: tuple

    def fitting_kind(self):
        """The bake kind that holds what DIFFUSE does not: COMBINED for what shows lit (a lighting
        bake holds emission too), EMIT for emission alone; None when nothing is missed."""
        if self.looks:
            return "COMBINED"
        return "EMIT" if self.emission else None

    def description(self):
        parts = list(self.looks) + (["emission"] if self.emission else [])
        return " and ".join(parts) if parts else "diffuse"


def _input(node, names):
    return next((node.inputs[n] for n in names if n in node.inputs), None)


def _above(socket, value):
    """Whether an input may exceed `value`: linked, or its own value does (any channel but
    alpha of a colour)."""
    if socket is None:
        return False
    if socket.is_linked:
        return True
    own = socket.default_value
    channels = list(own)[:3] if hasattr(own, "__len__") else [own]
    return max(channels) > value


def _at_least_one(socket):
    return socket is not None and not socket.is_linked and socket.default_value >= 1.0


def _emits(color, strength):
    return _above(color, 0.0) and (strength is None or _above(strength, 0.0))


def surface(material):
    """The Surface of a material as Cycles renders it (its active output's Surface, through
    mixes, adds, reroutes and groups); a material without nodes (Blender < 5) by its viewport
    colour and metallic, as Cycles renders it."""
    if material is None:
        return Surface(diffuse=True, emission=False, looks=())
    if not uses_nodes(material):
        metal = material.metallic >= 1.0
        return Surface(diffuse=not metal, emission=False,
                       looks=("metal",) if material.metallic > 0.0 else ())
    diffuse, emission, looks = False, False, set()
    for node in material_alpha.surface_nodes(material):
        kind = node.type
        if kind in _DIFFUSE or (kind == "BSDF_TOON" and node.component == "DIFFUSE"):
            diffuse = True
        elif kind == "BSDF_TOON":
            looks.add("glossy")
        elif kind in _LOOKS:
            looks.add(_LOOKS[kind])
            diffuse = diffuse or kind == "BSDF_SHEEN"  # Blender 4+ bakes a little of it
        elif kind in {"EMISSION", "BACKGROUND"}:  # a Background shader on a surface emits
            emission = emission or _emits(node.inputs.get("Color"), node.inputs.get("Strength"))
        elif kind == "BSDF_PRINCIPLED":
            metallic = node.inputs.get("Metallic")
            transmission = _input(node, _TRANSMISSION)
            if not _at_least_one(metallic) and not _at_least_one(transmission):
                diffuse = True
            if _above(metallic, 0.0):
                looks.add("metal")
            if _above(transmission, 0.0):
                looks.add("glass")
            emission = emission or _emits(_input(node, _EMISSION_COLOR),
                                          node.inputs.get("Emission Strength"))
    return Surface(diffuse=diffuse, emission=emission, looks=tuple(sorted(looks)))
