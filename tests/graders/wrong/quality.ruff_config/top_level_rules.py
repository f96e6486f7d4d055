# exercise: quality.ruff_config
# wrong: puts extend-select directly under [tool.ruff], a deprecated place
# caught-by: test_ruff_config_keeps_the_default_rules
# hint: lint_section
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"
line-length = 100
extend-select = ["S", "G004", "TD"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S101"]
"""
