# exercise: quality.ruff_config
# wrong: leaves out target-version, so ruff assumes an older Python
# caught-by: test_ruff_config_sets_version_and_line_length
# hint: target_and_length
RUFF_CONFIG = """
[tool.ruff]
line-length = 100

[tool.ruff.lint]
extend-select = ["S", "G004", "TD"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S101"]
"""
