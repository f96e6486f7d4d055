# exercise: habits.mutants
# wrong: good assertions, but each test binds split as a default argument when it is defined, so it never tests the swapped-in version
# caught-by: test_mutants_catch_refund_order
# hint: survivor_refund
def test_shares(split=split) -> None:
    for total in [0, 1, 100, 101, -100, -101, 10**18 + 7]:
        shares = split(total, 3)
        assert sum(shares) == total
        assert shares == sorted(shares, reverse=True)
    assert split(-100, 3) == [-33, -33, -34]


def test_zero(split=split) -> None:
    with pytest.raises(ValueError):
        split(1, 0)
