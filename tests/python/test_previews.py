"""bakeview.previews without Blender (plain CPython, the core alone): a hand-made sheet (PNG page and
TexturePacker JSON written by the core) with trimmed and rotated frames becomes an APNG per
animation whose chunks are those of the APNG specification, whose frames are the untrimmed frames
(rotated ones turned back) and whose timing is 1 / frame rate; write_apng refuses what it cannot
write; and the frame rate written in meta.bakeview is what the preview plays at."""
import array
import os
import struct
import subprocess
import sys
import zlib

import pytest

from bakeview import _core, previews

sys.path.insert(0, __file__.rsplit("/", 2)[0])
import png_decode  # noqa: E402  (tests/png_decode.py)


def chunks(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, out = 8, []
    while at < len(data):
        length, = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        crc, = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(data[at + 4:at + 8 + length]), kind
        out.append((kind.decode(), body))
        at += 12 + length
    return out


def frames_of(path):
    """An APNG's frames as RGBA8 bytes, rows top-down, decoded from its chunks (every frame
    covers the canvas, as bakeview writes them), and each frame's (delay_num, delay_den)."""
    found = chunks(path)
    ihdr = found[0][1]
    width, height = struct.unpack(">II", ihdr[:8])
    frames, delays, data = [], [], None
    for kind, body in found[1:]:
        if kind == "fcTL":
            if data is not None:
                frames.append(data)
            _, w, h, x, y, num, den, dispose, blend = struct.unpack(">IIIIIHHBB", body)
            assert (w, h, x, y, dispose, blend) == (width, height, 0, 0, 0, 0)
            delays.append((num, den))
            data = b""
        elif kind == "IDAT":
            data += body
        elif kind == "fdAT":
            data += body[4:]
    frames.append(data)
    return width, height, [png_decode.unfilter(zlib.decompress(d), width, height, 4)
                           for d in frames], delays, found


def make_sheet(folder, frame_rate=None):
    """A 6 x 5 page holding two 2-frame animations: 'a' trimmed (3 x 2 of a 4 x 4 frame) and 'b'
    rotated (a 2 x 3 frame stored turned clockwise as 3 x 2)."""
    width, height = 6, 5
    page = array.array("f", [0.0] * (width * height * 4))
    for y in range(height):  # row 0 at the bottom, as the core takes it; every texel its own
        for x in range(width):
            i = 4 * (y * width + x)
            page[i:i + 4] = array.array("f", [x / 8, y / 8, (x + y) / 16, 1.0 if x % 2 else 0.5])
    _core.write_png(str(folder / "s.png"), page, width, height, 4, encoding="LINEAR")
    frames = [
        {"name": "a/1", "frame": (0, 0, 3, 2), "rotated": False, "trimmed": True,
         "source": (1, 1, 3, 2), "source_size": (0, 0, 4, 4)},
        {"name": "a/2", "frame": (3, 0, 3, 2), "rotated": False, "trimmed": True,
         "source": (0, 2, 3, 2), "source_size": (0, 0, 4, 4)},
        {"name": "b/1", "frame": (0, 2, 2, 3), "rotated": True, "trimmed": False,
         "source": (0, 0, 2, 3), "source_size": (0, 0, 2, 3)},
        {"name": "b/2", "frame": (3, 2, 2, 3), "rotated": True, "trimmed": False,
         "source": (0, 0, 2, 3), "source_size": (0, 0, 2, 3)},
    ]
    extra = {} if frame_rate is None else {"frame_rate": frame_rate}
    _core.write_json(str(folder / "s.json"), frames, image="s.png", size=(width, height),
                     animations={"a": ["a/1", "a/2"], "b": ["b/1", "b/2"]}, **extra)
    return png_decode.read_png(folder / "s.png")


def test_every_animation_is_an_apng_of_its_untrimmed_frames(tmp_path):
    _, _, _, _, page, _ = make_sheet(tmp_path, frame_rate=12.5)
    page = bytes(page)
    written = previews.preview(tmp_path / "s.json")
    assert [p.rsplit("/", 1)[1] for p in written] == ["s-preview-a.png", "s-preview-b.png",
                                                       "s-preview.html"]
    width, height, frames, delays, found = frames_of(tmp_path / "s-preview-a.png")
    assert [k for k, _ in found] == ["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "IEND"]
    assert struct.unpack(">II", found[1][1]) == (2, 0)  # two frames, played for ever
    sequence = [struct.unpack(">I", b[:4])[0] for k, b in found if k in ("fcTL", "fdAT")]
    assert sequence == [0, 1, 2]
    assert delays == [(2, 25), (2, 25)]  # 1 / 12.5 s
    assert (width, height) == (4, 4)

    def texel(x, y):
        return page[4 * (y * 6 + x):4 * (y * 6 + x) + 4]

    # a/1: page (0..2, 0..1) at (1, 1) of the 4 x 4 frame, transparent around it
    expected = bytearray(4 * 16)
    for v in range(2):
        for u in range(3):
            expected[4 * ((1 + v) * 4 + 1 + u):4 * ((1 + v) * 4 + 2 + u)] = texel(u, v)
    assert bytes(frames[0]) == bytes(expected)
    # b/1 stored turned clockwise: the frame's (u, v) is the page's (x + h - 1 - v, y + u)
    _, _, turned, _, _ = frames_of(tmp_path / "s-preview-b.png")
    expected = b"".join(texel(0 + 3 - 1 - v, 2 + u) for v in range(3) for u in range(2))
    assert bytes(turned[0]) == expected


def test_the_command_line_runs_without_blender(tmp_path):
    make_sheet(tmp_path)
    root = __file__.rsplit("/", 3)[0]
    run = subprocess.run([sys.executable, "-c", "import sys, bakeview.cli as c; "
                          "assert 'bpy' not in sys.modules; c.main()", "preview",
                          str(tmp_path / "s.json"), "--fps", "24"],
                         capture_output=True, text=True, timeout=60, cwd=root,
                         env={**os.environ, "PYTHONPATH": previews.__file__.rsplit("/", 2)[0]})
    assert run.returncode == 0, run.stderr
    assert "wrote" in run.stdout
    assert frames_of(tmp_path / "s-preview-a.png")[3] == [(1, 24)] * 2


@pytest.mark.parametrize("rate, fraction", [(24.0, (1, 24)), (29.97002997, (1001, 30000)),
                                            (0.5, (2, 1)), (1 / 70000, None)])
def test_delays_are_16_bit_fractions(rate, fraction):
    if fraction is None:
        with pytest.raises(ValueError, match="fps must be"):
            previews.delay(rate)
    else:
        assert previews.delay(rate) == fraction


@pytest.mark.parametrize("call, error, message", [
    (lambda p: _core.write_apng(p, [], 1, 1), ValueError, "frames holds 0 frames"),
    (lambda p: _core.write_apng(p, [b"1234"], 2, 1), ValueError, "holds 4 bytes, 2 x 1 RGBA8 needs 8"),
    (lambda p: _core.write_apng(p, [b"1234"], 1, 1, delay=(1, 0)), ValueError, "delay 1 / 0"),
    (lambda p: _core.write_apng(p, [b"1234"], 0, 1), ValueError, "size 0 x 1"),
    (lambda p: _core.write_apng(p, "frames", 1, 1), TypeError, "sequence of RGBA8 buffers"),
    (lambda p: _core.write_apng(p + "/no/such/folder/x.png", [b"1234"], 1, 1), OSError, "x.png"),
])
def test_write_apng_refuses_what_it_cannot_write(tmp_path, call, error, message):
    with pytest.raises(error, match=message):
        call(str(tmp_path / "x.png"))
    assert not (tmp_path / "x.png").exists()


def test_read_png_names_a_file_that_is_not_png(tmp_path):
    (tmp_path / "x.png").write_bytes(b"not a png")
    with pytest.raises(OSError, match="x.png"):
        _core.read_png(str(tmp_path / "x.png"))
