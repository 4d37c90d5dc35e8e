import re
import unicodedata


def speaker_id(name: str) -> str:
    """A readable, stable id for a canonical name: "Jeff Flake" → "jeff-flake"."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or "speaker-" + format(abs(hash(name)) % 10**8, "08d")
