"""The ``prima`` command line."""
