"""The screening engine: counterparty files in, explained matches and exposures out.

One engine (`engine.Screener`) serves the batch command, `screen-eval` and the HTTP service; it reads a
release's files (`release_reader`), never the warehouse's internals.
"""

ENGINE_VERSION = "1"
# is_match at or above this score; here rather than in `engine` so that the CLI's parser need not import it
DEFAULT_THRESHOLD = 0.8
