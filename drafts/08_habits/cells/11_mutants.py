# exercise: habits.mutants
# BEGIN SOLUTION
TOTALS = [0, 1, 2, 5, 99, 100, 101, 10**18 + 7, -1, -100, -101]


def test_shares_add_up_and_differ_by_at_most_one() -> None:
    for total in TOTALS:
        for n in [1, 2, 3, 7]:
            shares = split(total, n)
            assert len(shares) == n, (total, n, shares)
            assert sum(shares) == total, (total, n, shares)
            assert max(shares) - min(shares) <= 1, (total, n, shares)


def test_larger_shares_come_first() -> None:
    for total in TOTALS:
        shares = split(total, 3)
        assert shares == sorted(shares, reverse=True), (total, shares)
    assert split(100, 3) == [34, 33, 33]
    assert split(-100, 3) == [-33, -33, -34]


def test_a_count_below_one_is_refused() -> None:
    for n in [0, -1]:
        with pytest.raises(ValueError):
            split(100, n)


# STARTER
# def test_split_works() -> None:
#     raise NotImplementedError  # TODO: test the promises of split's docstring
# END SOLUTION
