"""The libraries a build that finds nothing new must not load (issue 15: the no-op build in under a second),
for the tests that look at what a fresh interpreter imported."""

# what parsing, validating or fetching needs, and a no-op build from a mirror does not
PARSING_LIBRARIES = ("pandera", "requests", "urllib3", "bs4", "lxml", "openpyxl", "pdfplumber", "xlrd")
DATAFRAME_LIBRARIES = ("pandas", "numpy", "pyarrow")
