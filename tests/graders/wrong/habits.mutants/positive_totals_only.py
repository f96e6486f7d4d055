# exercise: habits.mutants
# wrong: thorough, but never splits a negative total, so the refund mutant survives
# caught-by: test_mutants_catch_refund_order
# hint: survivor_refund
def test_properties() -> None:
    for total in [0, 1, 2, 99, 100, 101, 10**18 + 7]:
        for n in [1, 2, 3, 7]:
            shares = split(total, n)
            assert len(shares) == n
            assert sum(shares) == total
            assert shares == sorted(shares, reverse=True)
            assert shares[0] - shares[-1] <= 1


def test_refused() -> None:
    for n in [0, -3]:
        with pytest.raises(ValueError):
            split(10, n)
