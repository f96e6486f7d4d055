# exercise: habits.mutants
# wrong: expects the extra unit last, which the docstring does not promise (it promises the opposite)
# caught-by: test_mutants_pass_on_correct
# hint: fails_on_correct
def test_uneven_split() -> None:
    assert split(100, 3) == [33, 33, 34]


def test_sum() -> None:
    for total in [0, 1, 100, -100, 10**18 + 7]:
        assert sum(split(total, 3)) == total


def test_zero_shares() -> None:
    with pytest.raises(ValueError):
        split(100, 0)
