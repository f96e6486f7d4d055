# exercise: quality.ruff_config
# right: everything in one [tool.ruff] table with dotted keys and an inline table, other globs
RUFF_CONFIG = """
[tool.ruff]
line-length = 100
target-version = "py311"
lint.extend-select = ["TD", "S", "G004"]
lint.per-file-ignores = { "tests/*.py" = ["S101"], "tests/**/*.py" = ["S101"] }
"""
