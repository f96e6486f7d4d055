# exercise: habits.mutants
# right: hypothesis properties over any integers, with pinned examples
from hypothesis import example, given, settings
from hypothesis import strategies as st


@settings(max_examples=60, database=None, derandomize=True, deadline=None)
@given(total=st.integers(-(10**20), 10**20), n=st.integers(1, 12))
@example(total=-100, n=3)
@example(total=2**60 + 5, n=3)
@example(total=100, n=3)
def test_split_properties(total: int, n: int) -> None:
    shares = split(total, n)
    assert len(shares) == n
    assert sum(shares) == total
    assert all(a >= b for a, b in zip(shares, shares[1:]))
    assert shares[0] - shares[-1] <= 1


@settings(max_examples=20, database=None, derandomize=True, deadline=None)
@given(n=st.integers(-5, 0))
def test_counts_below_one_are_refused(n: int) -> None:
    with pytest.raises(ValueError):
        split(100, n)
