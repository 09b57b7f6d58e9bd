"""Plain-Python rules of the console: Indonesian formatting and the texts of notices."""
