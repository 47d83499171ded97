"""The impact report: a reform measured over a member file, as JSON and as one HTML page."""
