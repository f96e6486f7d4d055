"""Probe: can Grading v2, as it is in the tree, make the observations graders.md needs?

Loads the reference cell of each exercise (and two wrong answers) in a real v2 sandbox
and makes each kind of observation the graders need through the v2 client. Needs
bubblewrap. Usage, from the repository root:

    .venv/bin/python drafts/04_security/probe_v2.py
"""

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from check_drafts import notebook_cells  # noqa: E402

from zendo.judge.client import Learner  # noqa: E402
from zendo.judge.sandbox import Sandbox  # noqa: E402

setup, cells = notebook_cells()


def learner_for(exercise: str) -> Learner:
    source = setup + "\n\n\n" + cells[exercise] + "\n"
    learner = Learner(Sandbox(module="submission", source=source), budget_seconds=60)
    began = time.monotonic()
    learner.start()
    print(f"  [{exercise}] sandbox started and cell loaded in {time.monotonic() - began:.2f} s")
    return learner


def describe(observation):
    return observation.describe()


print("E4.2 environment through the learner module's os.environ handle")
learner = learner_for("security.settings")
environ = learner.get("os").handle.get("environ").handle
print("  empty env, load_settings:", describe(learner.call("load_settings"))[:160])
environ.call("__setitem__", "PAY_API_KEY", "pk_test_SENTINEL_0123456789")
environ.call("__setitem__", "DATABASE_URL", "postgresql://app:db-SENTINEL-pw@db.invalid/app")
settings = learner.call("load_settings")
print("  with env:", settings.describe()[:120])
print("  repr:", learner.op("repr", settings.handle).value)
key = settings.handle.get("pay_api_key").handle
print("  key is SecretStr:", key.is_a("SecretStr"), "| value:", key.call("get_secret_value").value)
environ.call("__setitem__", "PAY_API_KEY", "pk_SENTINEL_13")
short = learner.call("load_settings")
print(
    "  short key raised:",
    short.raised.name if short.raised else None,
    "| sentinel in message:",
    "pk_SENTINEL_13" in (short.raised.message if short.raised else ""),
)
print("  output so far:", repr(learner.output()))
learner.sandbox.close()

print("E4.3 a sqlite3 connection made in the sandbox, passed as a handle")
learner = learner_for("security.queries")
sqlite3 = learner.get("sqlite3").handle
conn = sqlite3.call("connect", "/tmp/users.db").handle
conn.call("execute", learner.get("USERS_SCHEMA").value)
conn.call(
    "executemany",
    "INSERT INTO users VALUES (?, ?, ?)",
    [[1, "alice@example.com", "2026-01-05"], [3, "o'brien@example.com", "2026-02-11"]],
)
conn.call("commit")
print("  find_user payload:", describe(learner.call("find_user", conn, "' OR '1'='1")))
print(
    "  find_user O'Brien:", describe(learner.call("find_user", conn, "o'brien@example.com"))[:120]
)
closed = sqlite3.call("connect", "/tmp/users.db").handle
closed.call("close")
print(
    "  closed conn, order_by='id':",
    describe(learner.call("search_users", closed, "a", order_by="id")),
)
learner.sandbox.close()

print("E4.4 hashes as plain strings")
learner = learner_for("security.passwords")
began = time.monotonic()
stored = learner.call("hash_password", "placeholder-pw-SENTINEL").value
print(f"  hash in {time.monotonic() - began:.2f} s:", stored[:31])
print("  verify wrong:", describe(learner.call("verify_password", stored, "wrong")))
learner.sandbox.close()

print("E4.5 YAML payload and grep without a shell, inside the sandbox")
learner = learner_for("security.dangerous_apis")
print(
    "  yaml print payload:",
    describe(learner.call("load_config", "!!python/object/apply:builtins.print ['SENTINEL-YAML']")),
)
pathlib = learner.get("Path").handle
notes = pathlib.invoke("/tmp/notes.txt").handle
notes.call("write_text", "x marks the spot\n")
print("  grep payload:", describe(learner.call("grep_file", "x; touch /tmp/p1", notes)))
print(
    "  /tmp/p1 exists (asked of the sandbox):",
    pathlib.invoke("/tmp/p1").handle.call("exists").value,
)
print("  output:", repr(learner.output()))
learner.sandbox.close()

print("Two wrong answers: what a payload does when the code is wrong")
for name in ["unsafe_loader", "shell_true"]:
    cell = (HERE / "wrong" / "security.dangerous_apis" / f"{name}.py").read_text()
    learner = Learner(Sandbox(module="submission", source=setup + "\n\n\n" + cell), 60)
    learner.start()
    observed = learner.call("load_config", "!!python/object/apply:builtins.print ['SENTINEL-YAML']")
    print(f"  {name}: load_config printed {observed.printed!r}")
    path = learner.get("Path").handle
    notes = path.invoke("/tmp/notes.txt").handle
    notes.call("write_text", "x\n")
    learner.call("grep_file", "x; touch /tmp/p1", notes)
    print(
        f"  {name}: /tmp/p1 exists after grep_file:",
        path.invoke("/tmp/p1").handle.call("exists").value,
    )
    learner.sandbox.close()
