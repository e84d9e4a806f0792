"""netdb: the C library's name-service layer in pure Python.

(The public API is filled in as the layers land.)
"""

__version__ = "0.1.0"
