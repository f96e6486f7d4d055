# exercise: quality.ruff_config
# wrong: ignores every bandit rule (S) in tests/, not just S101, so SQL injection there passes
# caught-by: test_ruff_config_on_the_canary_project
# hint: narrow_ignore
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"
line-length = 100

[tool.ruff.lint]
extend-select = ["S", "G004", "TD"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S"]
"""
