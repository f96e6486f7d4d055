"""The observer: everything that runs beside learner code, inside the sandbox.

This package is the whole of what a submission can touch. It loads the learner's source
as a module, answers the judge's requests (call a function, build an object, read or set
an attribute, apply an operator) over two dedicated pipes, and encodes what happened as
plain data with exact type tags. It holds no expected value, no verdict, no nonce and no
results channel: a submission that takes it over can only misreport what its own code
did.

It imports only the standard library and nothing else of `zendo` (a test parses every
module here to prove it), so it can be bound read-only into the sandbox on its own. See
docs/grading-protocol.md for the wire format.
"""

from __future__ import annotations

PROTOCOL_VERSION = 2  # 2: the `preload` request
