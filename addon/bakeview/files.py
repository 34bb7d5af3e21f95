"""Output files of sprite_sheet and pack_atlas: the folder checked before any work, and the files
of one call written all or nothing.

    staged = Staged()
    try:
        _core.write_png(staged.path(final), ...)   # written beside `final` under another name
        ...
        staged.commit()                            # every file takes its final name
    except BaseException:
        staged.discard()                           # nothing written is left; old files stay
        raise
"""
import os
import tempfile


def check_folder(path):
    """Refuses a path whose folder is missing or cannot take new files, before any work."""
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    if not os.path.isdir(folder):
        raise OSError(f"folder {folder} does not exist")
    try:  # a real file: permission bits say nothing to root, nor about read-only file systems
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise OSError(f"folder {folder} is not writable: {error.strerror or error}") from None
    return folder


class Staged:
    """Files written under temporary names beside their final paths, put in place together."""

    def __init__(self):
        self.moves = []  # (temporary path, final path)

    def path(self, final):
        """Where to write the file meant for `final`."""
        folder, name = os.path.split(os.path.abspath(os.fspath(final)))
        temporary = os.path.join(folder, f".{name}.bakeview-{os.getpid()}-{len(self.moves)}")
        self.moves.append((temporary, os.fspath(final)))
        return temporary

    def commit(self):
        """Gives every file its final name, replacing what was there."""
        for temporary, final in self.moves:
            os.replace(temporary, final)
        self.moves = []

    def discard(self):
        """Removes what was written and not committed."""
        for temporary, _ in self.moves:
            try:
                os.remove(temporary)
            except FileNotFoundError:
                pass
        self.moves = []
