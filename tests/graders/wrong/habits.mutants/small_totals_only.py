# exercise: habits.mutants
# wrong: thorough on small totals, but never one above 2**53, so the float mutant survives
# caught-by: test_mutants_catch_float_division
# hint: survivor_large_total
def test_properties() -> None:
    for total in range(-50, 51):
        for n in range(1, 6):
            shares = split(total, n)
            assert len(shares) == n
            assert sum(shares) == total
            assert shares == sorted(shares, reverse=True)
            assert shares[0] - shares[-1] <= 1


def test_refused() -> None:
    with pytest.raises(ValueError):
        split(10, 0)
