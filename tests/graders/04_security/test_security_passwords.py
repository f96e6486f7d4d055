"""v2 graders of security.passwords: Argon2id with argon2-cffi.

The learner's `hash_password` runs in the sandbox at most twice per submission (its cost
is the lesson; the two hashes are kept here, on the judge's side, for every test). The
judge parses them with `argon2.extract_parameters` and makes its own fixture hashes with
cheap parameters (m=8 KiB, t=1, p=1): cost is not what the fixtures are about, and they
stand for an old hash made with lower parameters. Results come back with exact types:
`True` and `False`, never a truthy value.
"""

from __future__ import annotations

import ast
import hashlib

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError
from security_helpers import ruff_findings

from zendo.judge import Learner, Submitted, exercise, expect, fail, show

PASSWORD = "placeholder-pw-SENTINEL"  # noqa: S105 - a test sentinel, not a secret
UNICODE_PASSWORD = "pässwörd-ÜNICODE-✓"  # noqa: S105 - a test sentinel
WRONG_PASSWORD = "wrong guess"  # noqa: S105 - a test sentinel
# Cheap on purpose: these fixtures stand for an old, low-cost hash; cost is not the point.
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
FAST_HASH_MODULES = {"hashlib", "passlib", "crypt"}

# The current learner's hashes, slow on purpose: made twice per submission, no more. One
# slot only (a Learner is not hashable, and a batch must not keep every learner alive):
# a new learner replaces the last one.
_HASHES: list[tuple[Learner, dict[str, str]]] = []


def learner_hash(learner: Learner, slot: str) -> str:
    """hash_password(PASSWORD), made at most once per slot ("first", "second") per learner."""
    if not _HASHES or _HASHES[0][0] is not learner:
        _HASHES[:] = [(learner, {})]
    made = _HASHES[0][1]
    if slot not in made:
        stored = learner.call("hash_password", PASSWORD).value
        expect(
            type(stored) is str,
            f"hash_password({PASSWORD!r}) returned {show(stored)}; expected the PHC string.",
            hint="slow_hash",
        )
        made[slot] = stored
    return made[slot]


def verified(learner: Learner, stored: str, password: str, *, hint: str) -> object:
    observed = learner.call("verify_password", stored, password)
    if observed.raised is not None and not observed.raised.is_a(NotImplementedError):
        fail(
            f"verify_password({short(stored)}, {password!r}) raised "
            f"{observed.raised.describe()}; it returns True or False and never raises.",
            hint=hint,
        )
    return observed.value


def short(stored: str) -> str:
    return repr(stored if len(stored) <= 24 else stored[:24] + "...")


@exercise("security.passwords", title="Hashes are Argon2id PHC strings")
def test_hash_is_argon2id(learner: Learner) -> None:
    stored = learner_hash(learner, "first")
    expect(
        stored.startswith("$argon2id$v=19$"),
        f"hash_password returned {short(stored)}; expected an Argon2id PHC string starting "
        "with '$argon2id$v=19$'.",
        hint="slow_hash",
    )


@exercise("security.passwords", title="The cost meets OWASP's minimum")
def test_cost_meets_owasp(learner: Learner) -> None:
    stored = learner_hash(learner, "first")
    try:
        parameters = extract_parameters(stored)
    except (InvalidHashError, ValueError):
        fail(
            f"the parameters of {short(stored)} cannot be read: not an Argon2 hash.",
            hint="slow_hash",
        )
    got = (parameters.memory_cost, parameters.time_cost, parameters.parallelism)
    expect(
        got[0] >= 19456 and got[1] >= 2 and got[2] >= 1,
        f"your hashes use m={got[0]}, t={got[1]}, p={got[2]}; OWASP's minimum is m=19456 "
        "(19 MiB), t=2, p=1.",
        hint="owasp_minimum",
    )


@exercise("security.passwords", title="Each hash has its own salt")
def test_hash_is_salted(learner: Learner) -> None:
    first, second = learner_hash(learner, "first"), learner_hash(learner, "second")
    expect(
        first != second,
        "two hashes of the same password are equal: each needs a fresh random salt.",
        hint="fresh_salt",
    )
    expect(PASSWORD not in first, "the hash contains the password itself.", hint="slow_hash")


@exercise("security.passwords", title="The right password verifies")
def test_right_password_verifies(learner: Learner) -> None:
    got = verified(learner, learner_hash(learner, "first"), PASSWORD, hint="argon2_order")
    expect(
        got is True,
        f"verify_password(hash_password(pw), pw) returned {show(got)}; expected True.",
        hint="argon2_order",
    )
    got = verified(learner, CHEAP.hash(UNICODE_PASSWORD), UNICODE_PASSWORD, hint="argon2_order")
    expect(
        got is True,
        f"the non-ASCII password {UNICODE_PASSWORD!r} did not verify against its own hash "
        f"(returned {show(got)}).",
        hint="argon2_order",
    )


@exercise("security.passwords", title="A wrong password gives False")
def test_wrong_password_is_false(learner: Learner) -> None:
    for stored in (learner_hash(learner, "first"), CHEAP.hash(PASSWORD)):
        got = verified(learner, stored, WRONG_PASSWORD, hint="verify_raises")
        expect(
            got is False,
            f"verify_password({short(stored)}, {WRONG_PASSWORD!r}) returned {show(got)}; "
            "expected False.",
            hint="verify_raises",
        )


@exercise("security.passwords", title="A broken hash gives False")
def test_malformed_hash_is_false(learner: Learner) -> None:
    damaged = CHEAP.hash(PASSWORD)[:-10] + "!" * 10
    for stored in (
        "not-a-hash",
        "",
        hashlib.sha256(PASSWORD.encode()).hexdigest(),
        "$argon2id$v=19$m=65536,t=3,p=4$garbage",
        damaged,
    ):
        got = verified(learner, stored, PASSWORD, hint="invalid_hash")
        expect(
            got is False,
            f"verify_password({short(stored)}, ...) returned {show(got)}; expected False.",
            hint="invalid_hash",
        )


@exercise("security.passwords", title="Old hashes still verify")
def test_verifies_hashes_from_older_parameters(learner: Learner) -> None:
    got = verified(learner, CHEAP.hash(PASSWORD), PASSWORD, hint="params_in_hash")
    expect(
        got is True,
        f"a hash made with older parameters (m=8, t=1, p=1) returned {show(got)} for the "
        "right password; expected True.",
        hint="params_in_hash",
    )


@exercise("security.passwords", title="Old hashes are flagged for rehashing")
def test_rehash_old_parameters(learner: Learner) -> None:
    got = learner.call("needs_rehash", CHEAP.hash(PASSWORD)).value
    expect(
        got is True,
        f"needs_rehash of an old m=8, t=1, p=1 hash returned {show(got)}; expected True.",
        hint="rehash_on_login",
    )
    got = learner.call("needs_rehash", learner_hash(learner, "first")).value
    expect(
        got is False,
        f"needs_rehash of a hash hash_password just made returned {show(got)}; expected False.",
        hint="rehash_on_login",
    )


@exercise("security.passwords", title="No fast hashes in the cell")
def test_no_fast_hashes(learner: Learner, submitted: Submitted) -> None:
    learner_hash(learner, "first")  # only working code earns this check
    tree = ast.parse(submitted.cell_source())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    banned = sorted(imported & FAST_HASH_MODULES)
    expect(not banned, f"your cell imports {', '.join(banned)}: a fast hash.", hint="slow_hash")
    ruff_findings(submitted, ["S324"], hint="slow_hash", why="Use argon2-cffi alone.")
