# exercise: security.passwords
# wrong: a salted SHA-256: fast to compute, so fast to guess
# caught-by: test_hash_is_argon2id
# hint: slow_hash
import hashlib
import secrets


def hash_password(password: str) -> str:
    """An Argon2id hash of password, in the PHC string format, with a fresh salt."""
    salt = secrets.token_hex(16)
    return f"sha256${salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"


def verify_password(stored_hash: str, password: str) -> bool:
    """True if password matches stored_hash; False if not, or if the hash is invalid."""
    parts = stored_hash.split("$")
    if len(parts) != 3 or parts[0] != "sha256":
        return False
    digest = hashlib.sha256((parts[1] + password).encode()).hexdigest()
    return secrets.compare_digest(digest, parts[2])


def needs_rehash(stored_hash: str) -> bool:
    """True if stored_hash was made with other parameters than hash_password uses now."""
    return not stored_hash.startswith("sha256$")
