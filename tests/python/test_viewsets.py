"""View sets for sprite sheets and impostors (pure Python, no Blender)."""
import math
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "addon"))

from bakeview import viewsets  # noqa: E402


def close(a, b, tol=1e-9):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def test_azimuth_zero_looks_at_the_front_and_ninety_at_the_right():
    assert close(viewsets.direction(0, 0), (0, -1, 0))
    assert close(viewsets.direction(90, 0), (1, 0, 0))
    assert close(viewsets.direction(0, 90), (0, 0, 1))


def test_angles_invert_direction():
    for azimuth in range(0, 360, 15):
        for elevation in (-60, -10, 0, 25, 80):
            a, e = viewsets.angles(viewsets.direction(azimuth, elevation))
            assert a == pytest.approx(azimuth, abs=1e-9) and e == pytest.approx(elevation, abs=1e-9)


def test_turntable_spaces_azimuths_evenly_at_each_elevation():
    views = viewsets.turntable(8, elevations=(0, 30))
    assert len(views) == 16
    assert [v.azimuth for v in views[:8]] == [45.0 * i for i in range(8)]
    assert {v.elevation for v in views[8:]} == {30.0}
    assert len({v.name for v in views}) == 16


def test_compass_names_say_where_the_camera_stands():
    views = {v.name: v for v in viewsets.compass(8, elevation=0)}
    assert list(views) == ["S", "SE", "E", "NE", "N", "NW", "W", "SW"]
    assert close(views["S"].direction, (0, -1, 0))
    assert close(views["E"].direction, (1, 0, 0))
    assert close(views["N"].direction, (0, 1, 0))
    assert close(views["W"].direction, (-1, 0, 0))
    assert len(viewsets.compass(16)) == 16


@pytest.mark.parametrize("bad", [0, 7, 12, "8"])
def test_compass_refuses_other_counts(bad):
    with pytest.raises(ValueError, match="8 or 16"):
        viewsets.compass(bad)


def test_full_octahedron_centre_looks_down_from_above_and_corners_from_below():
    views = {v.cell: v for v in viewsets.octahedral(8)}
    for cell in [(3, 3), (4, 3), (3, 4), (4, 4)]:
        assert views[cell].direction[2] > 0.9
    for cell in [(0, 0), (7, 0), (0, 7), (7, 7)]:
        assert views[cell].direction[2] < -0.9


def test_octahedral_mapping_matches_the_documented_formula():
    size = 8
    for view in viewsets.octahedral(size):
        col, row = view.cell
        u = (col + 0.5) / size * 2 - 1
        v = 1 - (row + 0.5) / size * 2
        z = 1 - abs(u) - abs(v)
        if z < 0:
            u, v = (1 - abs(v)) * math.copysign(1, u), (1 - abs(u)) * math.copysign(1, v)
        length = math.sqrt(u * u + v * v + z * z)
        assert close(view.direction, (u / length, v / length, z / length))


def test_hemi_octahedron_stays_above_the_horizon():
    views = viewsets.octahedral(8, hemisphere=True)
    assert all(v.direction[2] >= 0 for v in views)
    centre = [v for v in views if v.cell in [(3, 3), (4, 4), (3, 4), (4, 3)]]
    assert all(v.direction[2] > 0.9 for v in centre)


@pytest.mark.parametrize("hemisphere", [False, True])
@pytest.mark.parametrize("size", [2, 4, 8, 16])
def test_octahedral_cell_inverts_octahedral_direction(size, hemisphere):
    for view in viewsets.octahedral(size, hemisphere):
        assert viewsets.octahedral_cell(view.direction, size, hemisphere) == view.cell


def test_views_are_unit_vectors_with_unique_names():
    for views in (viewsets.turntable(12, (0, 45)), viewsets.compass(16), viewsets.octahedral(6),
                  viewsets.octahedral(6, True)):
        assert len({v.name for v in views}) == len(views)
        for v in views:
            assert math.sqrt(sum(c * c for c in v.direction)) == pytest.approx(1.0)
