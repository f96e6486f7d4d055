"""Allow `python -m zendo` as a synonym of the `zendo` command."""

from __future__ import annotations

from zendo._entry import main

main()
