import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=65_536)  # the same few names recur in every article about them
def speaker_id(name: str) -> str:
    """A readable, stable id for a canonical name: "Jeff Flake" → "jeff-flake"."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or "speaker-" + format(abs(hash(name)) % 10**8, "08d")
