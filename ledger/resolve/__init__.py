"""resolve: who a claim's speaker is (within one article), and the speakers table rows."""
from .ids import speaker_id
from .speakers import build_speakers

__all__ = ["speaker_id", "build_speakers"]
