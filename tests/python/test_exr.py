"""bakeview.exr (pure Python): the uncompressed scanline EXRs Blender writes for render_pixels,
read back exactly; any other or damaged file refused with a ValueError naming what is wrong.
Files written by Blender itself are read in tests/blender/test_render_pixels.py; here they are
built by hand after openexr.com's "OpenEXR File Layout", to reach every refusal."""
import array
import os
import struct
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "addon"))

from bakeview import exr  # noqa: E402

FLOAT, HALF = 2, 1


def _attribute(name, kind, value):
    return name.encode() + b"\0" + kind.encode() + b"\0" + struct.pack("<i", len(value)) + value


def _header(channels, width, height, compression=0, part=None):
    chlist = b"".join(n.encode() + b"\0" + struct.pack("<iB3xii", k, 0, 1, 1)
                      for n, k in channels) + b"\0"
    out = _attribute("channels", "chlist", chlist)
    out += _attribute("compression", "compression", bytes([compression]))
    out += _attribute("dataWindow", "box2i", struct.pack("<4i", 0, 0, width - 1, height - 1))
    out += _attribute("displayWindow", "box2i", struct.pack("<4i", 0, 0, width - 1, height - 1))
    out += _attribute("lineOrder", "lineOrder", b"\0")
    if part is not None:
        out += _attribute("name", "string", part.encode())
        out += _attribute("type", "string", b"scanlineimage")
        out += _attribute("chunkCount", "int", struct.pack("<i", height))
    return out + b"\0"


def _line(channels, values, width, y):
    """The bytes of scanline y: each channel's values in turn (values[name][y][x])."""
    out = b""
    for name, kind in channels:
        row = values[name][y]
        out += struct.pack(f"<{width}{'f' if kind == FLOAT else 'e'}", *row)
    return out


def exr_file(channels, values, width, height, multipart=False, compression=0):
    """channels: [(name, kind)] per part ([[...], [...]] with multipart, parts named P0, P1)."""
    parts = channels if multipart else [channels]
    version = 2 | (0x1000 if multipart else 0)
    head = struct.pack("<ii", exr.MAGIC, version)
    for i, part in enumerate(parts):
        head += _header(part, width, height, compression, f"P{i}" if multipart else None)[:-1] + b"\0"
    if multipart:
        head += b"\0"
    table_at = len(head)
    body, offsets = b"", []
    start = table_at + 8 * height * len(parts)
    for i, part in enumerate(parts):
        for y in range(height):
            offsets.append(start + len(body))
            line = _line(part, values, width, y)
            body += (struct.pack("<i", i) if multipart else b"") + struct.pack("<ii", y, len(line)) + line
    return head + struct.pack(f"<{len(offsets)}Q", *offsets) + body


def _values(names, width, height):
    return {n: [[(k + 1) * 100.0 + y * 10.0 + x for x in range(width)] for y in range(height)]
            for k, n in enumerate(names)}


def test_float_channels_are_read_exactly_with_row_0_at_the_bottom():
    channels = [("A", FLOAT), ("B", FLOAT), ("G", FLOAT), ("R", FLOAT)]
    values = _values("ABGR", 3, 2)
    got = exr.parse(exr_file(channels, values, 3, 2))
    assert (got.width, got.height) == (3, 2)
    assert list(got.planes["R"]) == values["R"][1] + values["R"][0]  # the file's top is last
    rgba = got.interleaved(("R", "G", "B", "A"))
    assert list(rgba[:4]) == [values[c][1][0] for c in "RGBA"]


def test_half_channels_are_widened_to_float():
    values = {"Z": [[0.5, -2.0], [65504.0, 0.0009765625]]}
    got = exr.parse(exr_file([("Z", HALF)], values, 2, 2))
    assert list(got.planes["Z"]) == [65504.0, 0.0009765625, 0.5, -2.0]


def test_a_multipart_file_names_channels_by_their_part():
    parts = [[("R", FLOAT), ("G", FLOAT)], [("Z", FLOAT)], [("Layer.X", FLOAT)]]
    values = _values(["R", "G", "Z", "Layer.X"], 2, 3)
    got = exr.parse(exr_file(parts, values, 2, 3, multipart=True))
    assert sorted(got.planes) == ["Layer.X", "P0.G", "P0.R", "P1.Z"]
    assert list(got.planes["P1.Z"]) == values["Z"][2] + values["Z"][1] + values["Z"][0]


@pytest.mark.parametrize("change, words", [
    (lambda d: b"\0\0\0\0" + d[4:], "is not an OpenEXR file"),
    (lambda d: d[:4] + struct.pack("<i", 2 | 0x200) + d[8:], "tiled or deep"),
    (lambda d: d[:4] + struct.pack("<i", 2 | 0x800) + d[8:], "tiled or deep"),
])
def test_other_kinds_of_exr_are_refused(change, words):
    data = exr_file([("Z", FLOAT)], _values("Z", 2, 2), 2, 2)
    with pytest.raises(ValueError, match=words):
        exr.parse(change(data))


def test_a_compressed_file_is_refused():
    data = exr_file([("Z", FLOAT)], _values("Z", 2, 2), 2, 2, compression=3)
    with pytest.raises(ValueError, match=r"is compressed \(codec 3\)"):
        exr.parse(data)


def test_every_truncation_and_every_damaged_byte_is_a_value_error():
    """Cut at every length, and each byte set to 0xFF: a ValueError or a read of the same size,
    never another exception."""
    parts = [[("R", FLOAT), ("Z", HALF)], [("V", FLOAT)]]
    data = exr_file(parts, _values(["R", "Z", "V"], 3, 2), 3, 2, multipart=True)
    for n in range(len(data)):
        with pytest.raises(ValueError):
            exr.parse(data[:n])
    for i in range(len(data)):
        damaged = bytearray(data)
        damaged[i] = 0xFF
        try:
            got = exr.parse(bytes(damaged))
        except ValueError:
            continue
        assert all(len(p) == got.width * got.height for p in got.planes.values())


def test_a_missing_scanline_is_refused():
    data = bytearray(exr_file([("Z", FLOAT)], _values("Z", 2, 2), 2, 2))
    table = len(data) - 2 * (8 + 8) - 16  # two offsets before two lines of 8 + 8 bytes
    first = struct.unpack_from("<Q", data, table)[0]
    struct.pack_into("<Q", data, table + 8, first)  # both entries point at line 0
    with pytest.raises(ValueError, match="missing scanlines"):
        exr.parse(bytes(data))
