# exercise: quality.ruff_config
# wrong: adds the bandit rules and G004 but forgets the to-do rules
# caught-by: test_ruff_config_adds_the_requested_rules
# hint: missing_rules
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"
line-length = 100

[tool.ruff.lint]
extend-select = ["S", "G004"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S101"]
"""
