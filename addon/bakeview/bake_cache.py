"""A bake cache: finished bakes stored in a folder that every worker of a farm shares, so that
a bake made once (Cycles, seconds to minutes) is read back in milliseconds by every later run,
on any machine. Pure Python, no bpy: bakeview.bake_keys says what a bake's key is, the command
line (bakeview.cli, --bake-cache) puts bakes in and takes them out.

    cache = BakeCache("/farm/bake-cache", max_bytes=20 * 2**30)
    entry = cache.get(key)                  # Entry(key, meta, pixels) or None
    if entry is None:
        ...bake...
        cache.put(key, {"width": 64, "height": 64}, pixels)   # True, or False if it failed

Layout: one file per entry, FOLDER/KEY[:2]/KEY.bvbake (KEY: lower-case hex, 2 to 128 digits):

    header  28 bytes, little-endian: magic b"BVBAKE\\r\\n", format version (uint32), meta
            length (uint32), payload length (uint64), CRC-32 of meta + payload
    meta    JSON (UTF-8), a dict
    payload the pixels: raw float32 RGBA, row 0 at the bottom (as Blender's Image.pixels)

Reading: an entry that is truncated, longer than its header says, or whose digest does not match
is a miss, and is removed (only if the file is still the one read: a writer may have replaced
it meanwhile); a read error is a miss. An entry of another format version is a miss but stays:
a newer bakeview may share the folder.

Writing (put) is safe when several processes, on several machines sharing the folder over NFS
or the like, write one key at once: each writes a temporary file of its own in the entry's
folder (.tmp-PID-RANDOM), flushes and fsyncs it, and renames it into place with os.replace,
which is atomic. Readers see the old entry or a whole new one, never a part; the last rename
wins. Temporary files left by writers that were killed are removed by evict() once they are an
hour old. A put that fails (disk full, file too large, read-only or missing folder, permissions)
removes its temporary file and returns False: the cache is an optimisation, the bake it was
given is still good.

Size and eviction: the entries are kept under max_bytes (default 20 GiB), least recently used
first out. get() touches an entry's modification time, so an entry's mtime is its last use
(written or read); after each put, if the entries take more than max_bytes, the ones with the
oldest mtime are removed until they fit, never the entry just written (which alone may be
larger than the bound). Every process evicts by the same rule, so a shared folder needs no
coordinator; two processes evicting at once may remove a few entries more than needed. Temporary
files of writes under way are not counted."""
import errno
import json
import os
import re
import secrets
import struct
import time
import zlib
from typing import NamedTuple

MAGIC = b"BVBAKE\r\n"
VERSION = 1
HEADER = struct.Struct("<8sIIQI")  # magic, version, meta length, payload length, CRC-32
SUFFIX = ".bvbake"
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600  # a temporary file older than this belongs to a writer that died
DEFAULT_MAX_BYTES = 20 * 2**30
_KEY = re.compile(r"[0-9a-f]{2,128}\Z")


class Entry(NamedTuple):
    """A cache entry: its key, its meta dict and its pixels (a bytes-like object of float32
    RGBA)."""
    key: str
    meta: dict
    pixels: memoryview


def _digest(meta, payload):
    """CRC-32: finds a torn or damaged file at 4 GB/s (BLAKE2b, at 0.7 GB/s, took a fifth of
    a cache hit's time); the key, not this, says which bake an entry is."""
    return zlib.crc32(payload, zlib.crc32(meta))


def encode(meta, pixels):
    """(header + meta, payload): an entry's bytes, the payload as a byte view of `pixels`."""
    if not isinstance(meta, dict):
        raise TypeError(f"meta must be a dict, got {type(meta).__name__}")
    text = json.dumps(meta, sort_keys=True, separators=(",", ":")).encode("utf-8")
    payload = memoryview(pixels).cast("B")
    if len(payload) % 16:
        raise ValueError(f"pixels must be whole float32 RGBA pixels (16 bytes each), got "
                         f"{len(payload)} bytes")
    return HEADER.pack(MAGIC, VERSION, len(text), len(payload), _digest(text, payload)) + text, \
        payload


def decode(data):
    """(meta, pixels) of an entry's bytes; raises ValueError if they are not a whole, intact
    entry, and LookupError for another format version."""
    view = memoryview(data)
    if len(view) < HEADER.size:
        raise ValueError("shorter than the header")
    magic, version, meta_length, payload_length, digest = HEADER.unpack_from(view)
    if magic != MAGIC:
        raise ValueError("not a bake cache entry")
    if version != VERSION:
        raise LookupError(f"format version {version}")
    if len(view) != HEADER.size + meta_length + payload_length:
        raise ValueError("its length is not the one its header gives")
    meta = view[HEADER.size:HEADER.size + meta_length]
    payload = view[HEADER.size + meta_length:]
    if _digest(meta, payload) != digest:
        raise ValueError("its digest does not match")
    try:
        values = json.loads(bytes(meta).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValueError("its meta is not JSON") from None
    if not isinstance(values, dict):
        raise ValueError("its meta is not a dict")
    return values, payload


class BakeCache:
    """Bakes stored in `folder` (made when the first entry is written), at most `max_bytes` of
    entries. See the module's documentation for the layout, concurrent writers and eviction."""

    def __init__(self, folder, max_bytes=DEFAULT_MAX_BYTES):
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
            raise ValueError(f"max_bytes must be a whole number of bytes >= 0, got {max_bytes!r}")
        self.folder = os.fspath(folder)
        self.max_bytes = max_bytes

    def path(self, key):
        """The file of `key`'s entry: FOLDER/KEY[:2]/KEY.bvbake."""
        if not isinstance(key, str) or not _KEY.match(key):
            raise ValueError(f"a bake cache key is 2 to 128 lower-case hex digits, got {key!r}")
        return os.path.join(self.folder, key[:2], key + SUFFIX)

    def get(self, key):
        """The entry of `key`, or None: a miss, also when the entry is damaged (it is then
        removed) or cannot be read. A hit touches the entry's modification time (its last
        use, which eviction goes by)."""
        path = self.path(key)
        try:
            with open(path, "rb") as f:
                data = f.read()
                identity = _identity(os.fstat(f.fileno()))
        except OSError:
            return None
        try:
            meta, pixels = decode(data)
        except LookupError:  # another format version: a newer bakeview's, left alone
            return None
        except ValueError:
            _remove_if_same(path, identity)
            return None
        try:
            os.utime(path)
        except OSError:
            pass  # a read-only cache still serves
        return Entry(key, meta, pixels)

    def put(self, key, meta, pixels):
        """Stores `pixels` (float32 RGBA, any buffer) with `meta` (a dict that JSON holds) as
        `key`'s entry, replacing any; then evicts the least recently used entries while the
        cache is larger than max_bytes. Returns True if the entry was written, False if the
        write failed (disk full, file too large, read-only or missing folder, permissions):
        nothing is left behind then, and nothing is raised, since a cache is an optimisation
        (the bake is still good). A meta JSON cannot hold or pixels that are not whole RGBA
        float32 pixels are an error of the caller: TypeError or ValueError."""
        path = self.path(key)
        head, payload = encode(meta, pixels)
        folder = os.path.dirname(path)
        temp = os.path.join(folder, f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(8)}")
        fd = None
        try:
            os.makedirs(folder, exist_ok=True)
            # 0o666 less the umask: every worker of the farm may read the entry (mkstemp: 0o600)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)
            _write_all(fd, head)
            _write_all(fd, payload)
            os.fsync(fd)
            os.close(fd)
            fd = None
            os.replace(temp, path)
        except OSError:
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
            try:
                os.remove(temp)
            except OSError:
                pass
            return False
        self._evict(keep=path)
        return True

    def evict(self):
        """Removes temporary files of writers that died (older than an hour), then the least
        recently used entries while the entries take more than max_bytes. Returns how many
        entries it removed. Never raises for a file system error: what it cannot remove stays."""
        return self._evict(keep=None)

    def size(self):
        """The bytes the entries take (temporary files of writes under way not counted)."""
        return sum(size for _, size, _ in self._scan(remove_stale=False))

    def entries(self):
        """The keys of the entries, in no particular order."""
        return [os.path.basename(path)[:-len(SUFFIX)]
                for path, _, _ in self._scan(remove_stale=False)]

    def _evict(self, keep):
        try:
            found = self._scan(remove_stale=True)
        except OSError:
            return 0
        total = sum(size for _, size, _ in found)
        removed = 0
        for path, size, _ in sorted(found, key=lambda item: (item[2], item[0])):
            if total <= self.max_bytes:
                break
            if path == keep:
                continue
            try:
                os.remove(path)
                removed += 1
            except FileNotFoundError:
                pass  # another process evicted it first
            except OSError:
                continue  # it stays, and counts
            total -= size
        return removed

    def _scan(self, remove_stale):
        """[(path, size, mtime_ns)] of the entries; removes stale temporary files on the way."""
        found = []
        now = time.time()
        try:
            tops = list(os.scandir(self.folder))
        except (FileNotFoundError, NotADirectoryError):
            return found
        for top in tops:
            if len(top.name) != 2 or not _is_dir(top):
                continue
            try:
                items = list(os.scandir(top.path))
            except OSError:
                continue
            for item in items:
                try:
                    if item.name.endswith(SUFFIX):
                        stat = item.stat()
                        found.append((item.path, stat.st_size, stat.st_mtime_ns))
                    elif item.name.startswith(TEMP_PREFIX) and remove_stale:
                        if now - item.stat().st_mtime > STALE_TEMP_SECONDS:
                            os.remove(item.path)
                except OSError:
                    continue  # gone meanwhile, or not ours to remove
        return found


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:  # never for a regular file; guards the loop
            raise OSError(errno.EIO, "write wrote nothing")
        view = view[written:]


def _identity(stat):
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _remove_if_same(path, identity):
    """Removes the damaged entry at `path` unless another writer has replaced it since it was
    read."""
    try:
        if _identity(os.stat(path))[:3] == identity[:3]:
            os.remove(path)
    except OSError:
        pass


def _is_dir(entry):
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def parse_size(text):
    """A size in bytes from "20G", "500M", "64k", "1.5T", "4096" (K, M, G, T: powers of 1024; a
    trailing B or iB is allowed: "20GB", "20GiB"). Raises ValueError for anything else."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]?)(i?b)?\s*", str(text), re.I)
    if not match:
        raise ValueError(f"expected a size such as 20G, 500M or 4096, got {text!r}")
    number, unit = match.group(1), match.group(2).lower()
    scale = 1024 ** " kmgt".index(unit or " ")
    return int(float(number) * scale)
