# exercise: habits.mutants
# wrong: calls split but asserts nothing, so only a crash could fail a test
# caught-by: test_mutants_catch_extra_last
# hint: survivor_order
def test_split_runs() -> None:
    for total in [0, 1, 100, -100, 10**18 + 7]:
        for n in [1, 3, 7]:
            split(total, n)
