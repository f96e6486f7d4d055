"""The batch judge's process: its zygote starts before the judge imports the rest.

`zendo grade` runs `python -P -m zendo.judge.batch_start` (spawned by the console script
before the engine imports itself, `judge/prestart.py`). A batch judge spends about
0.2 s importing pytest, pydantic and the graders' toolkit, and then collects the
graders; its zygote (`judge/zygote.py`) and the first submission's host it forks wait
mostly on other processes and on the kernel. `HeadStart` starts them in a thread first,
so they boot beside those imports; `batch_server.serve` takes them over.
"""

from __future__ import annotations

import gc

# Imports and collection allocate much and free little: without the cyclic collector
# walking that heap again and again, they take about a tenth less (143 -> 130 ms for
# the judge's imports). `batch_server` turns it back on once the graders are collected,
# before the first submission's child is forked.
gc.disable()

import shutil  # noqa: E402 - after the collector is off
import sys  # noqa: E402

from zendo.judge import zygote  # noqa: E402
from zendo.judge.sandbox import Isolation, SandboxLimits  # noqa: E402


def main() -> None:
    head_start = None
    if sys.platform.startswith("linux") and shutil.which("bwrap"):
        head_start = zygote.HeadStart(SandboxLimits(), Isolation.BUBBLEWRAP)
    from zendo.judge.batch_server import serve  # imported after the head start began

    serve(head_start)


if __name__ == "__main__":
    main()
