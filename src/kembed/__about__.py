"""The single source of kembed's version."""

__version__ = "0.1.0"
