"""Prima: pelayanan prima (service excellence) surveys and analytics."""

__version__ = "0.1.0"
