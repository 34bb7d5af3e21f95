"""Sets of view directions for sprite sheets and impostors. Pure Python (no bpy), so the layouts
are tested without Blender.

A view is named and points from the object's centre towards the camera, in Blender's world
axes (Z up, -Y the front): azimuth 0 looks at the front (camera on -Y), azimuth 90 at the right
side (camera on +X); elevation 90 looks straight down.

Octahedral impostor grids (Amplify Impostors, Unreal's ImpostorBaker, Godot-Octahedral-
Impostors) map a frame's cell to a direction through the unit octahedron:
  cell (col, row) of an N x N grid, row 0 at the top of the sheet, gives
  u = (col + 0.5) / N * 2 - 1,  v = 1 - (row + 0.5) / N * 2       (both in [-1, 1])
  full sphere:  d = (u, v, 1 - |u| - |v|); where that z < 0, (x, y) = ((1 - |v|) sign u,
                (1 - |u|) sign v); then normalised.
  hemisphere:   x = (u + v) / 2, y = (u - v) / 2, d = (x, y, 1 - |x| - |y|), normalised.
The octahedron's z is the world's Z (up), its x the world's X, its y the world's Y.
"""
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    name: str
    direction: tuple  # unit vector from the object's centre to the camera
    azimuth: float    # degrees
    elevation: float  # degrees
    cell: tuple = None  # (col, row) in an impostor grid, row 0 at the top


def direction(azimuth, elevation):
    """Unit vector towards a camera at azimuth/elevation (degrees)."""
    a, e = math.radians(azimuth), math.radians(elevation)
    return (math.cos(e) * math.sin(a), -math.cos(e) * math.cos(a), math.sin(e))


def angles(d):
    """(azimuth, elevation) in degrees of a unit direction."""
    x, y, z = d
    elevation = math.degrees(math.asin(max(-1.0, min(1.0, z))))
    azimuth = math.degrees(math.atan2(x, -y)) % 360.0 if abs(x) + abs(y) > 1e-12 else 0.0
    return azimuth, elevation


def _normalise(v):
    length = math.sqrt(sum(c * c for c in v))
    return tuple(c / length for c in v)


def _positive_int(value, what, minimum=1):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{what} must be a whole number >= {minimum}, got {value!r}")
    return value


def turntable(count, elevations=(0.0,), start=0.0):
    """`count` azimuths evenly around the object at each elevation (degrees)."""
    _positive_int(count, "count")
    views = []
    for elevation in elevations:
        if not -90.0 <= float(elevation) <= 90.0:
            raise ValueError(f"elevation must be within -90..90 degrees, got {elevation!r}")
        for i in range(count):
            azimuth = (start + 360.0 * i / count) % 360.0
            name = f"az{azimuth:05.1f}_el{float(elevation):+05.1f}"
            views.append(View(name, direction(azimuth, elevation), azimuth, float(elevation)))
    return views


_COMPASS_8 = ("S", "SE", "E", "NE", "N", "NW", "W", "SW")
_COMPASS_16 = ("S", "SSE", "SE", "ESE", "E", "ENE", "NE", "NNE",
               "N", "NNW", "NW", "WNW", "W", "WSW", "SW", "SSW")


# Elevations of the classic projections of tiled games. An orthographic camera at azimuth 45
# degrees and elevation e draws the ground's x and y axes at atan(sin e) to the horizontal on
# screen (the camera's right vector is (cos a, sin a, 0) and its up vector (-sin e sin a,
# sin e cos a, cos e): a ground axis moves 1/sqrt(2) across and sin(e)/sqrt(2) up). So:
# 2:1 pixel-art "isometric" (dimetric): edges 2 pixels across for 1 up, atan(1/2) = 26.565
# degrees, needs sin e = 1/2, e = 30 degrees; true isometric: edges at 30 degrees, the three
# axes foreshortened alike, needs sin e = tan 30 = 1/sqrt(3), e = atan(1/sqrt(2)) = 35.264.
DIMETRIC_ELEVATION = math.degrees(math.asin(0.5))  # 30
ISOMETRIC_ELEVATION = math.degrees(math.atan(1.0 / math.sqrt(2.0)))  # 35.264


def compass(count=8, elevation=30.0):
    """8 or 16 compass directions at `elevation` degrees (default 30: 2:1 dimetric, see
    DIMETRIC_ELEVATION); the name says where the camera stands: S is the front (-Y), E the
    right (+X), N the back, W the left. The diagonal views (SE, NE, NW, SW) see a ground grid's
    edges at atan(sin(elevation)) on screen."""
    names = {8: _COMPASS_8, 16: _COMPASS_16}.get(count)
    if names is None:
        raise ValueError(f"compass views come in 8 or 16 directions, got {count!r}")
    if isinstance(elevation, bool) or not isinstance(elevation, (int, float)) or not (
            -90.0 <= elevation <= 90.0):
        raise ValueError(f"elevation must be within -90..90 degrees, got {elevation!r}")
    return [View(name, direction(360.0 * i / count, elevation), 360.0 * i / count, float(elevation))
            for i, name in enumerate(names)]


def octahedral_direction(col, row, size, hemisphere=False):
    """The direction of cell (col, row) of a size x size impostor grid (see the module doc)."""
    u = (col + 0.5) / size * 2.0 - 1.0
    v = 1.0 - (row + 0.5) / size * 2.0
    if hemisphere:
        x, y = (u + v) * 0.5, (u - v) * 0.5
        return _normalise((x, y, 1.0 - abs(x) - abs(y)))
    z = 1.0 - abs(u) - abs(v)
    if z < 0.0:
        u, v = (1.0 - abs(v)) * math.copysign(1.0, u), (1.0 - abs(u)) * math.copysign(1.0, v)
    return _normalise((u, v, z))


def octahedral_cell(d, size, hemisphere=False):
    """The (col, row) cell whose direction is nearest a unit direction (the inverse mapping)."""
    x, y, z = d
    s = abs(x) + abs(y) + abs(z)
    x, y, z = x / s, y / s, z / s
    if hemisphere:
        u, v = x + y, x - y
    elif z >= 0.0:
        u, v = x, y
    else:
        u, v = (1.0 - abs(y)) * math.copysign(1.0, x), (1.0 - abs(x)) * math.copysign(1.0, y)
    col = min(size - 1, max(0, int((u + 1.0) * 0.5 * size)))
    row = min(size - 1, max(0, int((1.0 - v) * 0.5 * size)))
    return col, row


def octahedral(size, hemisphere=False):
    """size x size impostor views in sheet order (rows top to bottom, columns left to right)."""
    _positive_int(size, "size", 2)
    views = []
    for row in range(size):
        for col in range(size):
            d = octahedral_direction(col, row, size, hemisphere)
            azimuth, elevation = angles(d)
            views.append(View(f"oct_{col:02d}_{row:02d}", d, azimuth, elevation, (col, row)))
    return views
