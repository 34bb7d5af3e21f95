"""Cameras for sprite-sheet views: one scale for every frame of a sheet, so sprites never jitter or
change size between frames. Pure Python (no bpy); matrices are row-major 4 x 4 lists, as the
core takes them, built like Blender's (camera looks down -Z, OpenGL clip space)."""
import math
from dataclasses import dataclass

PROJECTIONS = ("ORTHOGRAPHIC", "PERSPECTIVE")


@dataclass(frozen=True)
class Framing:
    """How views frame the object: fitted to a bounding sphere, or at a fixed pixels per unit."""
    center: tuple
    radius: float
    width: int
    height: int
    projection: str = "ORTHOGRAPHIC"  # or "PERSPECTIVE"
    margin: float = 0.05              # fraction of the fitted size left free around the sphere
    pixels_per_unit: float = None     # orthographic only: fixed scale instead of fitting
    lens: float = 50.0                # perspective: focal length and sensor width (mm)
    sensor: float = 36.0


def _sub(a, b):
    return tuple(x - y for x, y in zip(a, b))


def _cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def _normalise(v):
    length = math.sqrt(_dot(v, v))
    return tuple(x / length for x in v)


def look_at(eye, target, up=(0.0, 0.0, 1.0)):
    """World -> camera matrix of a camera at `eye` looking at `target`, Z up; straight up or down
    views keep the world's +Y at the top of the image."""
    forward = _normalise(_sub(target, eye))
    if abs(_dot(forward, up)) > 0.999999:
        up = (0.0, 1.0, 0.0) if forward[2] < 0 else (0.0, -1.0, 0.0)
    right = _normalise(_cross(forward, up))
    true_up = _cross(right, forward)
    back = tuple(-x for x in forward)
    rows = (right, true_up, back)
    return [[*r, -_dot(r, eye)] for r in rows] + [[0.0, 0.0, 0.0, 1.0]]


def orthographic(scale, width, height, near, far):
    """Blender's orthographic projection: `scale` spans the larger image side."""
    sx = sy = 2.0 / scale
    if width >= height:
        sy *= width / height
    else:
        sx *= height / width
    return [[sx, 0.0, 0.0, 0.0], [0.0, sy, 0.0, 0.0],
            [0.0, 0.0, -2.0 / (far - near), -(far + near) / (far - near)], [0.0, 0.0, 0.0, 1.0]]


def perspective(lens, sensor, width, height, near, far):
    """Blender's perspective projection, sensor fit AUTO (the sensor spans the larger side)."""
    fx = fy = 2.0 * lens / sensor
    if width >= height:
        fy *= width / height
    else:
        fx *= height / width
    return [[fx, 0.0, 0.0, 0.0], [0.0, fy, 0.0, 0.0],
            [0.0, 0.0, -(far + near) / (far - near), -2.0 * far * near / (far - near)],
            [0.0, 0.0, -1.0, 0.0]]


def check(framing):
    if not (framing.radius > 0.0 and math.isfinite(framing.radius)):
        raise ValueError(f"the objects have no size to frame (radius {framing.radius!r})")
    if not all(math.isfinite(c) for c in framing.center):
        raise ValueError("the objects' bounds are not finite")
    for value, what in ((framing.width, "frame width"), (framing.height, "frame height")):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 16384:
            raise ValueError(f"{what} must be between 1 and 16384 pixels, got {value!r}")
    if framing.projection not in ("ORTHOGRAPHIC", "PERSPECTIVE"):
        raise ValueError(f"projection must be ORTHOGRAPHIC or PERSPECTIVE, got {framing.projection!r}")
    if not (0.0 <= framing.margin < 1.0):
        raise ValueError(f"margin must be within 0 and 1 (a fraction), got {framing.margin!r}")
    ppu = framing.pixels_per_unit
    if ppu is not None:
        if framing.projection != "ORTHOGRAPHIC":
            raise ValueError("pixels_per_unit needs the orthographic projection")
        if not (ppu > 0.0 and math.isfinite(ppu)):
            raise ValueError(f"pixels_per_unit must be a positive number, got {ppu!r}")
    if not (framing.lens > 0.0 and framing.sensor > 0.0):
        raise ValueError("lens and sensor must be positive")


def _placement(framing):
    """(distance of the eye from the centre, near, far, orthographic scale or None)."""
    w, h = framing.width, framing.height
    r = framing.radius
    short_over_long = min(w, h) / max(w, h)
    if framing.projection == "ORTHOGRAPHIC":
        if framing.pixels_per_unit is not None:
            scale = max(w, h) / framing.pixels_per_unit
        else:  # the sphere fills the shorter side, less the margin
            scale = 2.0 * r / (1.0 - framing.margin) / short_over_long
        distance = 2.0 * r + 1.0
        return distance, distance - 1.5 * r - 0.5, distance + 1.5 * r + 0.5, scale
    half_fov = math.atan(framing.sensor * short_over_long / (2.0 * framing.lens))
    distance = r / (1.0 - framing.margin) / math.sin(half_fov)
    return distance, max(distance - 1.5 * r, distance * 1e-3), distance + 1.5 * r, None


def camera(framing, direction):
    """(view, projection) for a view direction (unit vector from the centre to the camera)."""
    w, h = framing.width, framing.height
    distance, near, far, scale = _placement(framing)
    if scale is not None:
        projection = orthographic(scale, w, h, near, far)
    else:
        projection = perspective(framing.lens, framing.sensor, w, h, near, far)
    eye = tuple(c + d * distance for c, d in zip(framing.center, direction))
    return look_at(eye, framing.center), projection


def blender_lens(framing):
    """{Blender camera data property: value} of a camera whose projection is camera()'s, for a
    render at framing's width x height with square pixels."""
    _, near, far, scale = _placement(framing)
    settings = {"sensor_fit": "AUTO", "clip_start": near, "clip_end": far, "shift_x": 0.0,
                "shift_y": 0.0}
    if scale is not None:
        return {"type": "ORTHO", "ortho_scale": scale, **settings}
    return {"type": "PERSP", "lens_unit": "MILLIMETERS", "lens": framing.lens,
            "sensor_width": framing.sensor, **settings}


def project(view, projection, point, width, height):
    """Pixel position (x right, y down from the top-left corner) of a world point."""
    p = (*point, 1.0)
    eye = [_dot(row, p) for row in view]
    clip = [_dot(row, eye) for row in projection]
    x, y = clip[0] / clip[3], clip[1] / clip[3]
    return ((x * 0.5 + 0.5) * width, (0.5 - y * 0.5) * height)


def flat(matrix):
    return [float(x) for row in matrix for x in row]
