"""Auditors' agreement on the same encounters (calibration, issue 13 point 4)."""
