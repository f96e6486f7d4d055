"""The v2 protocol between the judge and the sandboxed observer, with real sandboxes.

Each test starts a real observer (in bubblewrap) on a small learner source and talks to
it through `Learner`, as graders do: values arrive with exact types, exceptions as data,
other objects as handles, and a lying or broken observer is that submission's error.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from zendo.judge import (
    Handle,
    Iterate,
    Learner,
    LearnerFailure,
    SandboxDied,
    SubmissionBroken,
    TooSlow,
)
from zendo.judge.sandbox import OBSERVER_DIR, Sandbox, choose_isolation

Start = Callable[[str], Learner]


@pytest.fixture
def start() -> Iterator[Start]:
    started: list[Learner] = []

    def make(source: str, budget: float = 5.0) -> Learner:
        sandbox = Sandbox(module="learner_code", source=source, isolation=choose_isolation())
        learner = Learner(sandbox=sandbox, budget_seconds=budget)
        started.append(learner)
        learner.start()
        return learner

    yield make
    for learner in started:
        learner.close()


def test_the_observer_imports_only_the_standard_library() -> None:
    for path in sorted(OBSERVER_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level > 0:  # relative: inside the observer package itself
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names, f"{path.name} imports {name}"
                assert top != "zendo", f"{path.name} imports {name}"


WARM_UP_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from observer.__main__ import warm_up
before = sorted(sys.modules)
warm_up()
print(json.dumps({"before": before, "after": sorted(sys.modules)}))
"""


def test_the_warm_up_before_forks_leaves_the_modules_learner_code_sees() -> None:
    """A zygote and a host warm up before they fork observers (`warm_up`): learner code
    must find the same interpreter as in a sandbox that never did."""
    done = subprocess.run(
        [sys.executable, "-S", "-s", "-P", "-B", "-c", WARM_UP_PROBE, str(OBSERVER_DIR.parent)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    seen = json.loads(done.stdout)
    assert seen["after"] == seen["before"]


def test_plain_values_arrive_with_exact_types(start: Start) -> None:
    learner = start(
        "from decimal import Decimal\n"
        "from fractions import Fraction\n"
        "def echo(value):\n    return value\n"
        "def sample():\n"
        "    return [1, True, 2.5, float('nan'), 'é', b'\\x00', None, (1, 2), {(1, 'a'): {3}},\n"
        "            Decimal('-0.50'), Fraction(1, 3), frozenset({4}), 10**300]\n"
    )
    got = learner.call("sample").value
    assert [type(item) for item in got] == [
        int, bool, float, float, str, bytes, type(None), tuple, dict,
        Decimal, Fraction, frozenset, int,
    ]  # fmt: skip
    assert got[9].as_tuple() == Decimal("-0.50").as_tuple()
    assert got[8] == {(1, "a"): {3}}
    assert got[10] == Fraction(1, 3)
    assert got[12] == 10**300
    sent = [Decimal("12.340"), Fraction(-2, 7), {"k": [1, (2, 3)]}, {5, 6}, b"raw", 1e-300]
    assert learner.call("echo", sent).value == sent


def test_subclasses_and_lying_objects_arrive_as_handles(start: Start) -> None:
    learner = start(
        "from decimal import Decimal\n"
        "class Liar(int):\n    def __eq__(self, other):\n        return True\n"
        "    __hash__ = int.__hash__\n"
        "class Cents(Decimal):\n    pass\n"
        "class AlwaysEqual:\n    def __eq__(self, other):\n        return True\n"
        "def liars():\n    return [Liar(3), Cents('1.00'), AlwaysEqual(), True]\n"
    )
    liar, cents, always, flag = learner.call("liars").value
    assert isinstance(liar, Handle)
    assert liar.class_name == "Liar"
    assert liar.is_a("builtins.int")
    assert isinstance(cents, Handle)
    assert cents.is_a("Cents")
    assert isinstance(always, Handle)
    assert always.shown == "<learner_code.AlwaysEqual object at 0x...>"  # same text every run
    assert always != 5
    assert liar != 3
    assert flag is True


def test_exceptions_travel_as_data(start: Start) -> None:
    learner = start(
        "class MismatchError(ValueError):\n    pass\n"
        "def mismatch():\n    raise MismatchError('EUR and USD')\n"
        "def todo():\n    raise NotImplementedError\n"
        "def model():\n"
        "    import pydantic\n"
        "    class Form(pydantic.BaseModel):\n        age: int\n"
        "    return Form(age='old')\n"
    )
    observed = learner.call("mismatch")
    assert observed.raised is not None
    assert observed.raised.is_a(ValueError)
    assert observed.raised.is_a("MismatchError")
    assert not observed.raised.is_a(TypeError)
    assert observed.describe() == "raised MismatchError: EUR and USD"
    with pytest.raises(LearnerFailure, match="not done yet"):
        _ = learner.call("todo").value
    validation = learner.call("model").raised
    assert validation is not None
    assert validation.errors[0]["loc"] == ["age"]
    assert "age:" in validation.describe()


def test_handles_support_methods_attributes_and_operators(start: Start) -> None:
    learner = start(
        "from dataclasses import dataclass\n"
        "@dataclass(frozen=True)\nclass Money:\n    minor: int\n    currency: str\n"
        "    def double(self):\n        print('doubling')\n"
        "        return Money(self.minor * 2, self.currency)\n"
        "def total(items):\n    return sum(items)\n"
    )
    price = learner.call("Money", 150, "EUR").handle
    doubled = price.call("double")
    assert doubled.printed == "doubling\n"
    assert doubled.handle.get("minor").value == 300
    assert doubled.shown == "Money(150, 'EUR').double()"
    refused = price.set("minor", 1)
    assert refused.raised is not None
    assert refused.raised.is_a(AttributeError)
    again = learner.call("Money", 150, "EUR").handle
    assert learner.op("eq", price, again).value is True
    assert learner.op("hash", price).value == learner.op("hash", again).value
    assert learner.op("add", price, 1).raised is not None
    assert learner.call("total", Iterate([1, 2, 3])).value == 6
    money_class = learner.get("Money").handle
    assert money_class.invoke(5, "USD").handle.get("currency").value == "USD"


def test_a_submission_that_cannot_load_is_broken_with_its_line(start: Start) -> None:
    with pytest.raises(SubmissionBroken, match=r"SyntaxError.*line 2"):
        start("x = 1\ndef broken(:\n")
    with pytest.raises(SubmissionBroken, match="ZeroDivisionError"):
        start("1 / 0\n")


def test_forged_or_malformed_answers_are_the_submissions_error(start: Start) -> None:
    source = (
        "import os, sys\n"
        "OUT = int(sys.argv[sys.argv.index('--out') + 1])\n"
        'def forge():\n    os.write(OUT, b\'{"id": 999, "ok": {"t": "int", "v": "5"}}\\n\')\n'
        "    return 4\n"
        "def garbage():\n    os.write(OUT, b'not json\\n')\n"
        "def huge():\n    os.write(OUT, b'[' * 20_000_000)\n"
        'def bad_tag():\n    os.write(OUT, b\'{"id": 2, "ok": {"t": "int", "v": 5}}\\n\')\n'
        "def nested():\n    os.write(OUT, b'[' * 200_000 + b'\\n')\n"
    )
    for name in ["forge", "garbage", "huge", "bad_tag", "nested"]:
        learner = start(source)
        with pytest.raises(SandboxDied):
            learner.call(name)
        with pytest.raises(SandboxDied):  # and the sandbox stays gone for that exercise
            learner.call("forge")


def test_learner_prints_are_kept_apart_and_capped(start: Start) -> None:
    learner = start(
        "import os\n"
        "def noisy():\n    print('x' * 50_000)\n    return 1\n"
        "def low_level():\n    os.write(1, b'y' * 50_000)\n    os.write(2, b'z')\n    return 2\n"
    )
    observed = learner.call("noisy")
    assert observed.value == 1
    assert len(observed.printed) == 20_000
    assert learner.call("low_level").value == 2
    output = learner.output()
    assert output.startswith("y")
    assert output.endswith("[output cut]")
    assert len(output) < 10_100


def test_values_beyond_the_limits_stay_in_the_sandbox(start: Start) -> None:
    learner = start(
        "def deep():\n    value = []\n    for _ in range(100):\n        value = [value]\n"
        "    return value\n"
        "def wide():\n    return [str(n) for n in range(1_100_000)]\n"
    )
    for name in ["deep", "wide"]:
        got = learner.call(name).value
        assert isinstance(got, Handle)
        assert got.class_name == "list"
        assert "too large" in got.note


def test_the_sandbox_sees_only_python_the_observer_and_its_own_code(start: Start) -> None:
    repo = Path(__file__).resolve().parents[1]
    learner = start(
        "import os\n"
        "def exists(path):\n    return os.path.exists(path)\n"
        "def listing(path):\n    return sorted(os.listdir(path))\n"
        "def write(path):\n    with open(path, 'w') as f:\n        f.write('x')\n    return True\n"
    )
    assert learner.call("exists", str(repo / "src" / "zendo" / "_grade.py")).value is False
    assert learner.call("exists", str(repo / "tests")).value is False
    assert learner.call("exists", str(Path(__file__))).value is False
    assert learner.call("listing", "/submission").value == ["learner_code.py"]
    assert learner.call("listing", "/run/zendo/observer")
    private = "/tmp/mine.txt"  # noqa: S108 - the sandbox's own tmpfs
    assert learner.call("write", private).value is True
    for outside in ["/submission/x.py", "/usr/evil.pth", "/run/zendo/observer/x.py"]:
        refused = learner.call("write", outside)
        assert refused.raised is not None, outside
        assert refused.raised.is_a(OSError), outside


def test_exceptions_name_the_line_of_the_exercise_cell_and_names_from_other_cells() -> None:
    source = (
        "# setup\nimport math\n\n"
        "# exercise: calc.split\n"
        "def split(total, count):\n"
        "    share = total // count\n"
        "    return [share] * count\n"
        "def uses_helper():\n"
        "    return helper()\n"
    )
    sandbox = Sandbox(module="calc_split", source=source, isolation=choose_isolation())
    learner = Learner(
        sandbox=sandbox,
        budget_seconds=5,
        exercise_id="calc.split",
        cell_start_line=4,
        defined_elsewhere={"helper": "cell 7"},
    )
    try:
        learner.start()
        with pytest.raises(LearnerFailure) as failure:
            _ = learner.call("split", 1, 0).value
        assert failure.value.message == (
            "split(1, 0) raised ZeroDivisionError: integer division or modulo by zero "
            "(at line 3 of the exercise cell)."
        )
        with pytest.raises(SubmissionBroken, match=r"defined in another cell \(cell 7\)"):
            _ = learner.call("uses_helper").value
    finally:
        learner.close()


def test_graders_can_build_helper_objects_keep_results_and_name_standard_classes(
    start: Start,
) -> None:
    learner = start(
        "print('loading')\n"
        "class CurrencyMismatchError(ValueError):\n    pass\n"
        "def dedupe(items):\n    seen = set()\n"
        "    return [x for x in items if not (x in seen or seen.add(x))]\n"
        "def fresh():\n    return ['a']\n"
        "SHARED = ['b']\n"
        "def shared():\n    return SHARED\n"
    )
    assert learner.import_printed == "loading\n"
    helpers = learner.define(
        "counting",
        "class Counted:\n"
        "    comparisons = 0\n"
        "    def __init__(self, n):\n        self.n = n\n"
        "    def __eq__(self, other):\n"
        "        Counted.comparisons += 1\n        return self.n == other.n\n"
        "    def __hash__(self):\n        return hash(self.n)\n"
        "def items(count):\n    return [Counted(n % 10) for n in range(count)]\n"
        "def comparisons():\n    return Counted.comparisons\n",
    )
    items = helpers.keep("items", 1000).handle
    kept = learner.call("dedupe", items).value
    assert len(kept) == 10
    assert all(isinstance(item, Handle) and item.class_name == "Counted" for item in kept)
    assert helpers.call("comparisons").value < 1000
    error_class = learner.get("CurrencyMismatchError").handle
    assert learner.op("issubclass", error_class, ValueError).value is True
    assert learner.op("isinstance", Decimal("1"), Decimal).value is True
    first, second = learner.keep("fresh").handle, learner.keep("fresh").handle
    assert learner.op("is", first, second).value is False
    assert learner.op("is", learner.keep("shared").handle, learner.keep("shared").handle).value
    assert learner.op("value", first).value == ["a"]
    many = learner.call("dedupe", list(range(100_000)) * 2).value
    assert many == list(range(100_000))


def test_a_graders_time_limit_fails_the_check_and_restarts_the_sandbox(start: Start) -> None:
    learner = start("def slow(seconds):\n    import time\n    time.sleep(seconds)\n    return 1\n")
    began = time.monotonic()
    too_slow = pytest.raises(TooSlow, match=r"slow\(5\) was still running after 0\.5 seconds")
    with too_slow, learner.time_limit(0.5):
        learner.call("slow", 5)
    assert time.monotonic() - began < 0.5 + 1
    assert learner.call("slow", 0).value == 1  # a fresh sandbox answers


def test_setup_cells_importing_zendo_notebook_load_in_the_sandbox(start: Start) -> None:
    learner = start(
        "# setup\nfrom zendo.notebook import check, hint, progress, quiz, solution\n\n"
        "# exercise: demo.add\ndef add(a, b):\n    return a + b\n"
    )
    assert learner.call("add", 2, 3).value == 5


def test_standard_modules_environment_and_the_shared_folder(start: Start) -> None:
    learner = start(
        "import os\n"
        "os = None  # a learner cell that rebinds a standard name\n"
        "def setting():\n    import os as real\n    return real.environ.get('APP_MODE')\n"
        "def write(path, text):\n    with open(path, 'w') as f:\n        f.write(text)\n"
        "def link(path):\n    import os as real\n    real.symlink('/etc/passwd', path)\n"
    )
    learner.setenv("APP_MODE", "test")
    assert learner.call("setting").value == "test"
    assert learner.stdlib("os").call("getcwd").value == "/tmp"  # noqa: S108 - its own tmpfs
    learner.call("write", learner.inside("out.txt"), "written").value  # noqa: B018
    assert learner.read_shared("out.txt") == b"written"
    learner.call("link", learner.inside("sneaky")).value  # noqa: B018
    with pytest.raises(LearnerFailure, match="missing or not a plain file"):
        learner.read_shared("sneaky")
    with pytest.raises(ValueError, match="plain file name"):
        learner.read_shared("../submission/learner_code.py")
