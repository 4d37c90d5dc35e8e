"""extract: an article's text → claims, through a spaCy pipeline of our own components."""
from .pipeline import ModelNotFound, extract_claims, load_pipeline

__all__ = ["ModelNotFound", "extract_claims", "load_pipeline"]
