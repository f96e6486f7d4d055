# exercise: quality.ruff_config
# wrong: allows assert in every file named test_*.py, wherever it is, instead of under tests/
# caught-by: test_ruff_config_on_the_canary_project
# hint: narrow_ignore
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"
line-length = 100

[tool.ruff.lint]
extend-select = ["S", "G004", "TD"]

[tool.ruff.lint.per-file-ignores]
"**/test_*.py" = ["S101"]
"""
