"""``python -m netdb`` runs the ``lookup`` command."""

from .cli import main

main()
