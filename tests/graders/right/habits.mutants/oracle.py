# exercise: habits.mutants
# right: compares split with an independent oracle, (total + i) // n for i counting down, on a table of cases
CASES = [(t, n) for t in (0, 1, 7, 100, 101, 2**53 + 1, 10**20 + 3, -1, -7, -100) for n in (1, 2, 3, 9)]


def oracle(total: int, n: int) -> list[int]:
    return [(total + i) // n for i in range(n - 1, -1, -1)]


def test_matches_the_oracle() -> None:
    for total, n in CASES:
        assert split(total, n) == oracle(total, n), (total, n)


def test_zero_and_negative_counts_raise_value_error() -> None:
    for n in (0, -1, -10):
        try:
            split(5, n)
        except ValueError:
            continue
        raise AssertionError(f"split(5, {n}) did not raise ValueError")
