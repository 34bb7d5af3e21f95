"""Which materials let light through as Cycles renders them (film alpha below 1 somewhere), read
from their node trees without changing them, so that bakes of opaque materials cost nothing
extra and bakes of materials with holes carry the material's alpha.

Cycles' DIFFUSE and COMBINED bakes write the film's alpha (1 - transparency) into the image's
alpha, with the colour already weighted by it; EMIT, GLOSSY and the data bakes write alpha 1
(measured in Blender 3.4 and 5.0). What Cycles cannot bake into alpha and so bakeview cannot
draw is named by `unbakeable`."""

# shader nodes whose own closure lets light through
_TRANSPARENT = {"BSDF_TRANSPARENT", "HOLDOUT"}
# inputs that decide transparency when linked or not 1: Principled BSDF's Alpha
_ALPHA_INPUTS = {"BSDF_PRINCIPLED": "Alpha"}
# nodes whose value depends on the ray, which a bake (rays along the normal, from no camera)
# cannot give as the camera sees it
_VIEW_DEPENDENT = {"LIGHT_PATH", "FRESNEL", "LAYER_WEIGHT", "CAMERA"}


def _active_output(tree):
    """The Material Output node Cycles renders with, or None."""
    outputs = [n for n in tree.nodes if n.type == "OUTPUT_MATERIAL"
               and getattr(n, "target", "ALL") in {"ALL", "CYCLES"}]
    active = [n for n in outputs if getattr(n, "is_active_output", False)]
    return (active or outputs or [None])[0]


def _upstream(socket, seen):
    """Nodes feeding `socket` (links followed through reroutes), each once."""
    for link in socket.links:
        if not getattr(link, "is_valid", True) or getattr(link, "is_muted", False):
            continue
        node = link.from_node
        if node.as_pointer() in seen:
            continue
        seen.add(node.as_pointer())
        yield node


def _shader_nodes(tree, socket, seen):
    """Every node whose closure reaches `socket` through shader links (mixes, adds, reroutes,
    groups followed), and the non-shader nodes that feed a Mix Shader's factor."""
    for node in _upstream(socket, seen):
        yield node
        if node.type == "GROUP" and node.node_tree is not None:
            inner = next((n for n in node.node_tree.nodes if n.type == "GROUP_OUTPUT"
                          and getattr(n, "is_active_output", True)), None)
            if inner is not None:
                for inner_socket in inner.inputs:
                    if inner_socket.type == "SHADER":
                        yield from _shader_nodes(node.node_tree, inner_socket, seen)
        for input_socket in node.inputs:
            if input_socket.type == "SHADER" or node.type == "REROUTE":
                yield from _shader_nodes(tree, input_socket, seen)


def surface_nodes(material):
    """Every node whose closure reaches the surface Cycles renders (mixes, adds, reroutes and
    groups followed); none for a material without a node tree or Material Output."""
    tree = material.node_tree if material is not None else None
    output = _active_output(tree) if tree is not None else None
    if output is None or "Surface" not in output.inputs:
        return []
    return list(_shader_nodes(tree, output.inputs["Surface"], set()))


def _lets_light_through(node):
    if node.type in _TRANSPARENT:
        return True
    name = _ALPHA_INPUTS.get(node.type)
    if name and name in node.inputs:
        alpha = node.inputs[name]
        return alpha.is_linked or alpha.default_value < 1.0
    return False


def transparent(material):
    """True when the material's surface, as Cycles renders it, may let light through: a
    Transparent BSDF or Holdout in its shader, or a Principled BSDF whose Alpha is linked or
    below 1 (group nodes followed)."""
    tree = material.node_tree if material is not None else None
    if tree is None:
        return False
    output = _active_output(tree)
    if output is None or "Surface" not in output.inputs:
        return False
    return any(_lets_light_through(n) for n in _shader_nodes(tree, output.inputs["Surface"], set()))


def _feeding(socket, seen):
    """Every node upstream of `socket`, through any link."""
    for node in _upstream(socket, seen):
        yield node
        if node.type == "GROUP" and node.node_tree is not None:
            for inner in node.node_tree.nodes:
                yield inner
        for input_socket in node.inputs:
            yield from _feeding(input_socket, seen)


def unbakeable(material):
    """Names of the nodes that make the material's transparency depend on the camera ray (Light
    Path, Fresnel, Layer Weight, Camera Data upstream of it): a bake sees them from no camera,
    so render_view cannot show them as Cycles renders them."""
    tree = material.node_tree if material is not None else None
    output = _active_output(tree) if tree is not None else None
    if output is None or "Surface" not in output.inputs:
        return []
    names = []
    for node in _shader_nodes(tree, output.inputs["Surface"], set()):
        if node.type == "MIX_SHADER" and node.inputs[0].is_linked and any(
                _lets_light_through(n) for i in (1, 2)
                for n in _shader_nodes(tree, node.inputs[i], set())):
            where = node.inputs[0]
        elif _ALPHA_INPUTS.get(node.type) and node.inputs[_ALPHA_INPUTS[node.type]].is_linked:
            where = node.inputs[_ALPHA_INPUTS[node.type]]
        else:
            continue
        names += [n.name for n in _feeding(where, set()) if n.type in _VIEW_DEPENDENT]
    return sorted(set(names))
