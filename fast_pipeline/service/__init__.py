"""The HTTP service: yente-compatible `/match`, search, party pages and a small web page, over the screening
engine (`fast_pipeline.screening`) and the newest release, switched to without a restart when one is published.
"""
