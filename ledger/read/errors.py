def one_line(e: BaseException | str) -> str:
    """An error's message as one line of at most 300 characters, for a batch's error lines."""
    text = " ".join(str(e).split())
    return text[:300] or type(e).__name__


class ReadError(Exception):
    """A document that could not be read; `str()` is one line naming the file (and line)."""

    def __init__(self, path, problem: str, line: int | None = None):
        self.path = str(path)
        self.problem = problem
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.problem}"
