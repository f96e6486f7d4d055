"""Renderers: one output format per module, each a function of a Report."""
