# exercise: security.passwords
# right: argon2's low-level functions, and parameters compared field by field
from argon2 import Type, extract_parameters
from argon2.low_level import hash_secret, verify_secret

SALT_BYTES = 16
COST = {"time_cost": 3, "memory_cost": 32768, "parallelism": 1, "hash_len": 32}


def hash_password(password: str) -> str:
    """An Argon2id hash of password, in the PHC string format, with a fresh salt."""
    salt = os.urandom(SALT_BYTES)
    return hash_secret(password.encode(), salt, type=Type.ID, **COST).decode("ascii")


def verify_password(stored_hash: str, password: str) -> bool:
    """True if password matches stored_hash; False if not, or if the hash is invalid."""
    if not stored_hash.startswith("$argon2id$"):
        return False
    try:
        return verify_secret(stored_hash.encode(), password.encode(), Type.ID)
    except (VerificationError, InvalidHashError, ValueError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True if stored_hash was made with other parameters than hash_password uses now."""
    parameters = extract_parameters(stored_hash)
    current = (COST["time_cost"], COST["memory_cost"], COST["parallelism"], COST["hash_len"])
    stored = (parameters.time_cost, parameters.memory_cost, parameters.parallelism,
              parameters.hash_len)
    return parameters.type is not Type.ID or stored != current or parameters.salt_len != SALT_BYTES
