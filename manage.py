#!/usr/bin/env python
"""Django's manage.py; the `mutuals` command does the same and is what the README uses."""

from mutuals.cli import main

if __name__ == "__main__":
    main()
