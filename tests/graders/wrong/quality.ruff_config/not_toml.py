# exercise: quality.ruff_config
# wrong: writes the rule list without quotes, which is not TOML
# caught-by: test_ruff_config_on_the_canary_project
# hint: toml_syntax
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"
line-length = 100

[tool.ruff.lint]
extend-select = [S, G004, TD]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S101"]
"""
