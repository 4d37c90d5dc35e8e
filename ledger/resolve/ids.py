import hashlib
import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=65_536)  # the same few names recur in every article about them
def speaker_id(name: str) -> str:
    """A readable, stable id for a canonical name: "Jeff Flake" → "jeff-flake"."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    # names with no ASCII letter or digit ("Эрдоган", "''"): a digest, the same in every process
    return slug or "speaker-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
