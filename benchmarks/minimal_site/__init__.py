"""A minimal Django project: one view that inserts one row (the baseline of submit_throughput)."""
