"""MkDocs hooks for ``safetyatlas serve``: MkDocs loads this file by path; the work is in site.py."""

from safetyatlas.site import preview_pre_build as on_pre_build

__all__ = ["on_pre_build"]
