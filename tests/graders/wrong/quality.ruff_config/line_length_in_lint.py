# exercise: quality.ruff_config
# wrong: puts line-length under [tool.ruff.lint], where ruff does not know it
# caught-by: test_ruff_config_sets_version_and_line_length
# hint: config_error
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"

[tool.ruff.lint]
line-length = 100
extend-select = ["S", "G004", "TD"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S101"]
"""
