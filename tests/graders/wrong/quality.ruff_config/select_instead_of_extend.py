# exercise: quality.ruff_config
# wrong: uses select, which replaces the default rules instead of adding to them
# caught-by: test_ruff_config_keeps_the_default_rules
# hint: select_replaces
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"
line-length = 100

[tool.ruff.lint]
select = ["S", "G004", "TD"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S101"]
"""
