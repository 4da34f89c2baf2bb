"""Evidence photos of audits (issue 13, point 2): photos checked by their content (JPEG, PNG,
WebP; size, count and pixel limits), re-encoded without their metadata (the GPS tags kept only
when the organization keeps them), stored under ``MEDIA_ROOT/evidence/<organization id>/`` with
random names and served only to those who may see the audit (docs/audits.md)."""
