# exercise: habits.mutants
# right: an examiner's answer, written from the statement alone
# tests written from the statement alone, with a huge total that leaves a remainder
CASES = [
    (100, 3),
    (-100, 3),
    (0, 4),
    (7, 1),
    (5, 7),
    (-5, 7),
    (1, 2),
    (-1, 2),
    (99, 10),
    (10**30 + 7, 9),
    (-(10**30) - 7, 9),
    (12, 4),
]


def check_promises(total: int, n: int) -> None:
    shares = split(total, n)
    assert len(shares) == n, (total, n, shares)
    assert all(isinstance(share, int) for share in shares), shares
    assert sum(shares) == total, (total, n, shares)
    assert max(shares) - min(shares) <= 1, shares
    for earlier, later in zip(shares, shares[1:]):
        assert earlier >= later, f"larger shares must come first: {shares}"


def test_every_case_keeps_every_promise() -> None:
    for total, n in CASES:
        check_promises(total, n)


def test_examples_from_the_docstring() -> None:
    assert split(-100, 3) == [-33, -33, -34]
    assert split(100, 3) == [34, 33, 33]


def test_huge_totals_are_exact() -> None:
    total = 10**25 + 1  # leaves a remainder of 2 over 3 shares
    assert split(total, 3) == [total // 3 + 1, total // 3 + 1, total // 3]
    assert sum(split(-total, 3)) == -total


def test_fewer_than_one_share_is_refused() -> None:
    for bad in (0, -1, -5):
        with pytest.raises(ValueError):
            split(100, bad)


def test_small_totals_over_many_shares() -> None:
    for total in range(-25, 26):
        for n in range(1, 9):
            check_promises(total, n)
