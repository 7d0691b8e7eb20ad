"""Serving: bundles made from finished runs (and, in later parts, the index and the HTTP app)."""
