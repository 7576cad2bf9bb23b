"""`python -m gssc_match`."""

from .cli import main

main()
