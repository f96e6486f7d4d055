# exercise: quality.ruff_config
# wrong: adds the FIX rules too, which the task did not ask for
# caught-by: test_ruff_config_on_the_canary_project
# hint: canary_codes
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"
line-length = 100

[tool.ruff.lint]
extend-select = ["S", "G004", "TD", "FIX"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S101"]
"""
