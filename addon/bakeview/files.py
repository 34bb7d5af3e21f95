"""Output files of sprite_sheet, pack_atlas and the command line: where they go, the one overwrite
rule, and the files of one call written all or nothing.

The rule, for every file a call writes (PNG pages, companion sheets, JSON, the multi-pack JSON,
the atlas PNG and JSON, the command line's .blend and .glb): a file that exists is replaced only
with overwrite=True; without it the call refuses before any work, naming the file. `path` naming
a folder (one that exists, or a path ending in a separator) means NAME.png inside it. A missing
output folder is made (parents too) when the files are written, after every argument is checked
and the work is done; a call that fails removes the folders it made, so it leaves nothing behind.

    staged = Staged()
    try:
        _core.write_png(staged.path(final), ...)   # written beside `final` under another name
        ...
        staged.commit()                            # every file takes its final name
    finally:
        staged.discard()                           # nothing written is left; old files stay
"""
import contextlib
import os
import shutil
import tempfile
import uuid


def in_folder(path, name, extension=".png"):
    """`path` as the file to write: NAME + extension inside it when it names a folder (an existing
    folder, or a path ending in a separator), else `path` itself."""
    path = os.fspath(path)
    separators = (os.sep, os.altsep) if os.altsep else (os.sep,)
    if path.endswith(separators) or os.path.isdir(path):
        return os.path.join(path, name + extension)
    return path


def _existing_ancestor(folder):
    """The nearest folder above (or at) `folder` that exists, and the ones missing below it."""
    missing = []
    while not os.path.exists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        missing.append(folder)
        folder = parent
    return folder, missing


def check_folder(path):
    """Refuses, before any work, a path whose folder cannot take new files: a folder (or the
    nearest one above it that exists, where the missing ones will be made) that is a file or is
    not writable. Returns the folder."""
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    existing, missing = _existing_ancestor(folder)
    if not os.path.isdir(existing):
        raise OSError(f"{existing} is a file, not a folder: {folder} cannot be made")
    try:  # a real file: permission bits say nothing to root, nor about read-only file systems
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        what = f"folder {existing}" if not missing else f"folder {existing} (to make {folder} in)"
        raise OSError(f"{what} is not writable: {error.strerror or error}") from None
    return folder


def refuse_existing(paths, overwrite):
    """FileExistsError naming the first of `paths` that exists (and how many more do), unless
    overwrite is true."""
    if overwrite:
        return
    existing = [os.fspath(p) for p in paths if os.path.lexists(os.fspath(p))]
    if existing:
        more = (f" (and {len(existing) - 1} more of the files it writes)"
                if len(existing) > 1 else "")
        them = "them" if len(existing) > 1 else "it"
        raise FileExistsError(f"{existing[0]} exists{more}; pass overwrite=True to replace {them}")


class Staged:
    """Files written under temporary names beside their final paths, put in place together.
    Missing folders are made on the first file written into them, and removed again (when
    empty) by discard()."""

    def __init__(self):
        self.moves = []  # (temporary path, final path)
        self.made = []   # folders made, parents first

    def path(self, final):
        """Where to write the file meant for `final` (hidden, with the same extension, so that
        writers that add or check an extension keep it)."""
        folder, name = os.path.split(os.path.abspath(os.fspath(final)))
        existing, missing = _existing_ancestor(folder)
        for made in reversed(missing):
            os.mkdir(made)
            self.made.append(made)
        root, extension = os.path.splitext(name)
        temporary = os.path.join(
            folder, f".{root}.bakeview-{os.getpid()}-{len(self.moves)}{extension}")
        self.moves.append((temporary, os.fspath(final)))
        return temporary

    def commit(self):
        """Gives every file its final name, replacing what was there."""
        for temporary, final in self.moves:
            os.replace(temporary, final)
        self.moves, self.made = [], []

    def discard(self):
        """Removes what was written and not committed, and the folders made for it."""
        for temporary, _ in self.moves:
            try:
                os.remove(temporary)
            except FileNotFoundError:
                pass
        for folder in reversed(self.made):
            try:
                os.rmdir(folder)
            except OSError:
                pass  # something else was put there meanwhile: it stays
        self.moves, self.made = [], []


@contextlib.contextmanager
def private_folder(prefix):
    """A folder of our own for files Blender writes and we read back at once: in memory (/dev/shm)
    where the system has it, else in the system's temporary folder; removed afterwards, also on
    failure."""
    shm = "/dev/shm"
    parent = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    folder = tempfile.mkdtemp(prefix=prefix, dir=parent)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_whole(path, parts):
    """Writes bytes (or an iterable of bytes-like parts) to `path` through a temporary file in the
    same folder, flushed to the disk, then renamed over `path`: a reader, or a process killed
    meanwhile, never leaves half a file at `path`."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temporary, "wb") as f:
            for part in [parts] if isinstance(parts, bytes) else parts:
                f.write(part)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
