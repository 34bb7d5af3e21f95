"""Sprite-sheet cameras (pure Python): one fitted scale, Blender's matrices, pivots."""
import math
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "addon"))

from bakeview import framing, viewsets  # noqa: E402


def sphere_points(center, radius, count=200):
    golden = math.pi * (3 - math.sqrt(5))
    for i in range(count):
        z = 1 - 2 * (i + 0.5) / count
        r = math.sqrt(1 - z * z)
        yield (center[0] + radius * r * math.cos(golden * i), center[1] + radius * r * math.sin(golden * i),
               center[2] + radius * z)


@pytest.mark.parametrize("projection", ["ORTHOGRAPHIC", "PERSPECTIVE"])
@pytest.mark.parametrize("size", [(128, 128), (200, 100), (90, 160)])
def test_fitted_sphere_fills_the_shorter_side_less_the_margin(projection, size):
    f = framing.Framing((1.0, -2.0, 0.5), 1.5, *size, projection=projection, margin=0.1)
    for view in viewsets.turntable(8, (0, 45)) + viewsets.octahedral(4):
        v, p = framing.camera(f, view.direction)
        xs, ys = zip(*(framing.project(v, p, q, *size) for q in sphere_points(f.center, f.radius)))
        short = min(size)
        assert min(xs) >= -1e-6 and max(xs) <= size[0] + 1e-6
        assert min(ys) >= -1e-6 and max(ys) <= size[1] + 1e-6
        extent = max(max(xs) - min(xs), max(ys) - min(ys))
        assert extent <= short * 0.9 + 1e-6
        assert extent >= short * 0.9 * (0.97 if projection == "ORTHOGRAPHIC" else 0.8)
        cx, cy = framing.project(v, p, f.center, *size)
        assert cx == pytest.approx(size[0] / 2) and cy == pytest.approx(size[1] / 2)


def test_pixels_per_unit_sets_the_scale():
    f = framing.Framing((0, 0, 0), 1.0, 100, 50, pixels_per_unit=25.0)
    v, p = framing.camera(f, viewsets.direction(0, 0))
    x0, _ = framing.project(v, p, (0, 0, 0), 100, 50)
    x1, _ = framing.project(v, p, (1, 0, 0), 100, 50)  # one unit to the right, seen from the front
    assert x1 - x0 == pytest.approx(25.0)


def test_front_view_keeps_up_up_and_right_right():
    f = framing.Framing((0, 0, 0), 1.0, 64, 64)
    v, p = framing.camera(f, viewsets.direction(0, 0))
    cx, cy = framing.project(v, p, (0, 0, 0), 64, 64)
    rx, _ = framing.project(v, p, (0.5, 0, 0), 64, 64)
    _, uy = framing.project(v, p, (0, 0, 0.5), 64, 64)
    assert rx > cx and uy < cy  # +X to the right, +Z up (y down in pixels)


def test_top_view_has_the_front_at_the_bottom():
    f = framing.Framing((0, 0, 0), 1.0, 64, 64)
    v, p = framing.camera(f, (0.0, 0.0, 1.0))
    _, cy = framing.project(v, p, (0, 0, 0), 64, 64)
    _, fy = framing.project(v, p, (0, -0.5, 0), 64, 64)
    assert fy > cy


def test_matrices_match_blenders_shapes():
    p = framing.orthographic(4.0, 200, 100, 0.1, 10.0)
    assert p[0][0] == pytest.approx(0.5) and p[1][1] == pytest.approx(1.0)
    q = framing.perspective(50.0, 36.0, 1920, 1080, 0.1, 100.0)
    assert q[0][0] == pytest.approx(2.7778, abs=1e-4) and q[1][1] == pytest.approx(4.9383, abs=1e-4)
    assert q[2][2] == pytest.approx(-1.002, abs=1e-4) and q[2][3] == pytest.approx(-0.2002, abs=1e-4)


@pytest.mark.parametrize("kwargs, message", [
    ({"radius": 0.0}, "no size"),
    ({"radius": float("nan")}, "no size"),
    ({"width": 0}, "frame width"),
    ({"height": 10**6}, "frame height"),
    ({"projection": "FISHEYE"}, "projection"),
    ({"margin": 1.0}, "margin"),
    ({"pixels_per_unit": -1.0}, "pixels_per_unit"),
    ({"pixels_per_unit": 10.0, "projection": "PERSPECTIVE"}, "orthographic"),
])
def test_bad_framing_is_refused(kwargs, message):
    args = {"center": (0, 0, 0), "radius": 1.0, "width": 64, "height": 64, **kwargs}
    with pytest.raises(ValueError, match=message):
        framing.check(framing.Framing(**args))
