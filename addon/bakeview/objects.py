"""Turning what a caller passes as objects (objects, names, lists of them) into Blender objects,
with errors that name what is wrong. Shared by bake, render_view, sprite_sheet and pack_atlas."""
import bpy


def find(value, what="objects"):
    """One object from an object or its name."""
    if isinstance(value, str):
        found = bpy.data.objects.get(value)
        if found is None:
            raise ValueError(f"no object named '{value}'")
        return found
    if not isinstance(value, bpy.types.Object):
        raise TypeError(f"{what} must be Blender objects or names, got {type(value).__name__}")
    return value


def meshes(objects, purpose="a mesh"):
    """Mesh objects, in order and without repeats, from one object, a name, or an iterable of
    them; `purpose` completes "object 'X' is a camera, not ..." in errors."""
    if isinstance(objects, (str, bpy.types.Object)):
        objects = [objects]
    try:
        objects = list(objects)
    except TypeError:
        raise TypeError(
            f"objects must be an object, a name or a list of them, got {type(objects).__name__}"
        ) from None
    chosen = []
    for value in objects:
        obj = find(value)
        if obj.type != "MESH":
            raise ValueError(f"object '{obj.name}' is a {obj.type.lower()}, not {purpose}")
        if obj not in chosen:
            chosen.append(obj)
    return chosen
