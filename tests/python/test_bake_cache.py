"""bakeview.bake_cache (pure Python): entries written whole and read back exactly, damaged ones a
miss, the size bound kept least recently used first, failed writes leaving nothing, and writers
racing on one key from several processes leaving one valid entry."""
import array
import errno
import multiprocessing
import os
import subprocess
import sys
import time

import pytest

ADDON = os.path.join(os.path.dirname(__file__), "..", "..", "addon")
sys.path.insert(0, ADDON)

from bakeview import bake_cache  # noqa: E402
from bakeview.bake_cache import BakeCache  # noqa: E402

KEY = "ab" + "0" * 62


def key(n):
    return f"{n:064x}"


def rgba(count, seed=0.0):
    return array.array("f", [seed + i * 0.25 for i in range(4 * count)])


def files_under(folder):
    return sorted(os.path.relpath(os.path.join(root, name), folder)
                  for root, _, names in os.walk(folder) for name in names)


def test_an_entry_reads_back_its_meta_and_pixels_exactly(tmp_path):
    cache = BakeCache(tmp_path / "cache")
    pixels = rgba(64, 0.5)
    assert cache.put(KEY, {"width": 8, "height": 8, "kind": "DIFFUSE", "coverage": None}, pixels)
    entry = cache.get(KEY)
    assert entry.key == KEY
    assert entry.meta == {"width": 8, "height": 8, "kind": "DIFFUSE", "coverage": None}
    assert bytes(entry.pixels) == pixels.tobytes()
    assert files_under(tmp_path / "cache") == [os.path.join("ab", KEY + ".bvbake")]
    with open(cache.path(KEY), "rb") as f:
        assert f.read(8) == b"BVBAKE\r\n"


def test_a_key_never_written_is_a_miss(tmp_path):
    assert BakeCache(tmp_path / "nothing").get(KEY) is None
    assert BakeCache(tmp_path / "nothing").size() == 0


def test_a_put_replaces_the_entry_of_its_key(tmp_path):
    cache = BakeCache(tmp_path)
    cache.put(KEY, {"n": 1}, rgba(4, 1.0))
    cache.put(KEY, {"n": 2}, rgba(4, 2.0))
    entry = cache.get(KEY)
    assert entry.meta == {"n": 2} and bytes(entry.pixels) == rgba(4, 2.0).tobytes()
    assert cache.entries() == [KEY]


@pytest.mark.parametrize("damage", ["truncated", "payload byte", "meta byte", "longer",
                                    "magic", "header only", "empty"])
def test_a_damaged_entry_is_a_miss_and_is_removed(tmp_path, damage):
    cache = BakeCache(tmp_path)
    assert cache.put(KEY, {"kind": "EMIT"}, rgba(16))
    path = cache.path(KEY)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if damage == "truncated":
        data = data[:-5]
    elif damage == "payload byte":
        data[-3] ^= 0x40
    elif damage == "meta byte":
        data[bake_cache.HEADER.size + 2] ^= 0x01
    elif damage == "longer":
        data += b"\0" * 16
    elif damage == "magic":
        data[0:1] = b"X"
    elif damage == "header only":
        data = data[:bake_cache.HEADER.size]
    else:
        data = b""
    with open(path, "wb") as f:
        f.write(data)
    assert cache.get(KEY) is None
    assert not os.path.exists(path)


def test_an_entry_of_another_format_version_is_a_miss_that_stays(tmp_path):
    cache = BakeCache(tmp_path)
    cache.put(KEY, {}, rgba(1))
    path = cache.path(KEY)
    with open(path, "r+b") as f:
        f.seek(8)
        f.write((bake_cache.VERSION + 1).to_bytes(4, "little"))
    assert cache.get(KEY) is None
    assert os.path.exists(path), "a newer bakeview sharing the folder keeps its entries"


@pytest.mark.parametrize("bad", ["", "a", "../" + "a" * 10, "AB" + "0" * 62, "g" * 64, 12])
def test_keys_are_lower_case_hex_so_no_key_names_another_path(tmp_path, bad):
    with pytest.raises(ValueError):
        BakeCache(tmp_path).get(bad)
    with pytest.raises(ValueError):
        BakeCache(tmp_path).put(bad, {}, rgba(1))


def test_pixels_that_are_not_whole_rgba_float_pixels_are_refused(tmp_path):
    with pytest.raises(ValueError, match="16 bytes"):
        BakeCache(tmp_path).put(KEY, {}, b"\0" * 12)
    assert files_under(tmp_path) == []


def test_eviction_keeps_the_bound_removing_the_least_recently_used_first(tmp_path):
    pixels = rgba(256)
    probe = BakeCache(tmp_path / "probe")
    probe.put(KEY, {"n": 0}, pixels)  # the size of each entry below
    one = probe.size()
    cache = BakeCache(tmp_path / "cache", max_bytes=3 * one)
    now = time.time()
    for n in range(3):  # written 30, 20 and 10 minutes ago: 0 the oldest
        assert cache.put(key(n), {"n": n}, pixels)
        os.utime(cache.path(key(n)), (now - 1800 + 600 * n, now - 1800 + 600 * n))
    assert cache.get(key(0)) is not None  # used now: 1 is the least recently used
    assert cache.put(key(3), {"n": 3}, pixels)
    assert sorted(cache.entries()) == [key(0), key(2), key(3)]
    assert cache.size() <= cache.max_bytes
    for n in range(4, 10):
        assert cache.put(key(n), {"n": n}, pixels)
        assert cache.size() <= cache.max_bytes
        assert key(n) in cache.entries()
    assert sorted(cache.entries()) == [key(7), key(8), key(9)]


def test_an_entry_larger_than_the_bound_is_kept_until_the_next_put(tmp_path):
    cache = BakeCache(tmp_path, max_bytes=10)
    assert cache.put(key(1), {}, rgba(64))
    assert cache.entries() == [key(1)], "never the entry just written"
    assert cache.put(key(2), {}, rgba(64))
    assert cache.entries() == [key(2)]
    assert cache.evict() == 1 and cache.entries() == []


def test_evict_removes_temporary_files_older_than_an_hour_only(tmp_path):
    cache = BakeCache(tmp_path)
    cache.put(KEY, {}, rgba(4))
    folder = os.path.dirname(cache.path(KEY))
    stale, fresh = (os.path.join(folder, f".tmp-{n}-00ff") for n in (1, 2))
    for path in (stale, fresh):
        with open(path, "wb") as f:
            f.write(b"partial")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    assert cache.evict() == 0
    assert not os.path.exists(stale) and os.path.exists(fresh)
    assert cache.get(KEY) is not None


def test_a_write_that_fails_returns_false_and_leaves_no_file(tmp_path, monkeypatch):
    cache = BakeCache(tmp_path)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bake_cache.os, "fsync", full)
    assert cache.put(KEY, {}, rgba(64)) is False
    monkeypatch.undo()
    assert files_under(tmp_path) == []
    assert cache.get(KEY) is None
    assert cache.put(KEY, {}, rgba(64)) is True


def test_a_cache_folder_that_is_a_file_fails_every_put_without_raising(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_bytes(b"not a folder")
    cache = BakeCache(blocker)
    assert cache.put(KEY, {}, rgba(4)) is False
    assert cache.get(KEY) is None and cache.size() == 0 and cache.evict() == 0


FSIZE_SCRIPT = """
import array, os, resource, sys
sys.path.insert(0, sys.argv[1])
from bakeview.bake_cache import BakeCache
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
cache = BakeCache(sys.argv[2])
big = cache.put("ab" + "1" * 62, {}, array.array("f", [0.5]) * (4 * 8192))   # 128 KiB: EFBIG
small = cache.put("ab" + "2" * 62, {}, array.array("f", [0.5]) * (4 * 64))   # 1 KiB: fits
print(big, small)
"""


def test_a_write_past_the_file_size_limit_returns_false_and_leaves_no_temporary_file(tmp_path):
    """RLIMIT_FSIZE makes write() fail with EFBIG part way, as a full disk fails with ENOSPC
    (Python ignores the SIGXFSZ that comes with it)."""
    done = subprocess.run([sys.executable, "-c", FSIZE_SCRIPT, ADDON, str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
    assert files_under(tmp_path) == [os.path.join("ab", "ab" + "2" * 62 + ".bvbake")]


def _race_writer(folder, value, start, rounds):
    cache = BakeCache(folder)
    pixels = array.array("f", [value]) * (4 * 16384)  # 256 KiB: writes take a while
    start.wait()
    for _ in range(rounds):
        assert cache.put(KEY, {"value": value}, pixels)


def _race_reader(folder, start, stop, seen):
    cache = BakeCache(folder)
    start.wait()
    hits = misses = 0  # misses once the entry exists: a reader saw a part of one
    while not stop.is_set():
        entry = cache.get(KEY)
        if entry is not None:
            value = entry.meta["value"]
            assert bytes(entry.pixels) == (array.array("f", [value]) * (4 * 16384)).tobytes()
            hits += 1
        elif hits:
            misses += 1
    seen.put((hits, misses))


def test_processes_racing_to_write_one_key_leave_one_valid_entry(tmp_path):
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    start = context.Barrier(3)
    stop = context.Event()
    seen = context.Queue()
    writers = [context.Process(target=_race_writer, args=(str(tmp_path), v, start, 50))
               for v in (1.0, 2.0)]
    reader = context.Process(target=_race_reader, args=(str(tmp_path), start, stop, seen))
    for process in writers + [reader]:
        process.start()
    for process in writers:
        process.join(120)
    stop.set()
    reader.join(60)
    assert [p.exitcode for p in writers + [reader]] == [0, 0, 0], \
        "a writer failed, or the reader saw a partial or wrong entry"
    hits, misses = seen.get(timeout=10)
    assert hits > 0, "the reader never found the entry while it was rewritten"
    assert misses == 0, "once written, the entry was always there, whole"
    assert files_under(tmp_path) == [os.path.join("ab", KEY + ".bvbake")], "no temporary file"
    entry = BakeCache(tmp_path).get(KEY)
    assert entry.meta["value"] in (1.0, 2.0)
    assert bytes(entry.pixels) == (array.array("f", [entry.meta["value"]]) * (4 * 16384)).tobytes()


@pytest.mark.parametrize("text, size", [("20G", 20 * 2**30), ("500M", 500 * 2**20),
                                        ("64k", 65536), ("4096", 4096), ("1.5G", 3 * 2**29),
                                        ("20GB", 20 * 2**30), ("2GiB", 2 * 2**30)])
def test_sizes_are_read_with_binary_units(text, size):
    assert bake_cache.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "G", "20X", "-5M", "twenty"])
def test_a_size_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        bake_cache.parse_size(text)
