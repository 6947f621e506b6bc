"""Bangkom: competency development (pengembangan kompetensi) for Indonesian civil servants."""

__version__ = "0.1.0"
