# exercise: quality.ruff_config
# wrong: enables the whole G family where the task asks for G004 alone
# caught-by: test_ruff_config_adds_the_requested_rules
# hint: extra_rules
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"
line-length = 100

[tool.ruff.lint]
extend-select = ["S", "G", "TD"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S101"]
"""
