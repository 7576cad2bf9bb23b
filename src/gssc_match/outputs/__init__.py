"""Outputs: result rows and every format they are shown or written in."""
