# exercise: quality.ruff_config
# wrong: adds the naming (N) and performance (PERF) families, which the task did not ask for
# caught-by: test_ruff_config_adds_the_requested_rules
# hint: extra_rules
RUFF_CONFIG = """
[tool.ruff]
target-version = "py311"
line-length = 100

[tool.ruff.lint]
extend-select = ["S", "G004", "TD", "N", "PERF"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S101"]
"""
