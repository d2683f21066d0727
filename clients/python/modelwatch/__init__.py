"""Python client for the Modelwatch API: publish events, read metrics, manage alert rules."""

from .client import Client
from .errors import ModelwatchError

__all__ = ["Client", "ModelwatchError"]
__version__ = "0.1.0"
