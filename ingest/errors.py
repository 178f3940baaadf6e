"""Domain errors shared by every layer. Messages name the bad value and the fix."""


class PolicykbError(Exception):
    """Base class for errors the user can act on."""


class LoadError(PolicykbError):
    """A source file cannot be read: unsupported, empty, binary, corrupt or oversized."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class EmptyDocumentError(LoadError):
    """A file that holds nothing but boilerplate once cleaned."""


class ConfigError(PolicykbError):
    """A setting has a value that cannot work."""


class BackendError(PolicykbError):
    """An external backend (embedding server, LLM endpoint, Chroma server) failed."""
