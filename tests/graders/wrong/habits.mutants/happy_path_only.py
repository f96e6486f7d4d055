# exercise: habits.mutants
# wrong: tests two everyday splits only, so the zero-share mutant (and others) survive
# caught-by: test_mutants_catch_zero_shares
# hint: survivor_zero_shares
def test_even_split() -> None:
    assert split(100, 4) == [25, 25, 25, 25]


def test_uneven_split() -> None:
    assert split(100, 3) == [34, 33, 33]
