"""Allow `python -m zendo` as a synonym of the `zendo` command."""

from __future__ import annotations

from zendo.cli import main

main()
