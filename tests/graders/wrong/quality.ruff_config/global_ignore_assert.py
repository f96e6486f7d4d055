# exercise: quality.ruff_config
# wrong: switches S101 off everywhere instead of in tests/ only
# caught-by: test_ruff_config_adds_the_requested_rules
# hint: assert_in_tests
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"
line-length = 100

[tool.ruff.lint]
extend-select = ["S", "G004", "TD"]
ignore = ["S101"]
"""
