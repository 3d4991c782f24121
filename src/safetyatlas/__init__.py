"""safetyatlas: a validated, cross-linked knowledge base of large-model safety research."""

__version__ = "0.1.0"
