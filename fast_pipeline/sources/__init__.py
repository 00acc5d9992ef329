"""One folder per publication. See `fast_pipeline.core.source` for the contract."""
