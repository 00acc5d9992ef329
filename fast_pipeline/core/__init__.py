"""Framework shared by every source: errors, HTTP, archive, canonical schema, IDs, text helpers.

Nothing in here knows about a particular publisher; sources live in `fast_pipeline.sources.<source_id>`.
"""
