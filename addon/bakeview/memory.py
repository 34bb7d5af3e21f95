"""Memory the system can still hand out, so that work which cannot fit is refused before it
starts (a MemoryError naming the numbers) instead of failing, or swapping, half way."""

MIB = 1 << 20


def available():
    """Bytes the system can still hand out without swapping (MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return None
