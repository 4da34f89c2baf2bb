"""The built-in audit checklists (``<code>.json``), read by :mod:`prima.audit_checklists.model`."""
