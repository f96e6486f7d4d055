# exercise: quality.ruff_config
# right: nested tables in another order, the extended rules one per line with comments
RUFF_CONFIG = """
[tool.ruff.lint.per-file-ignores]
"tests/**" = [
    "S101",  # pytest's assert
]

[tool.ruff.lint]
extend-select = [
    "S",     # flake8-bandit
    "G004",  # logging with an f-string
    "TD",    # flake8-todos
]

[tool.ruff]
line-length = 100
target-version = "py311"
"""
