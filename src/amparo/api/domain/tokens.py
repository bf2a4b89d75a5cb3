"""API tokens: high-entropy random text shown once, stored only as its SHA-256 digest.

A token has 256 random bits, so a plain SHA-256 of it cannot be reversed or guessed (a slow password hash
buys nothing and would cost every call). The prefix names the token in lists without revealing it.
"""

import hashlib
import hmac
import secrets

PREFIX = "amp_"
PREFIX_SHOWN = 12  # characters of a token kept in clear to tell tokens apart in lists


def token_new() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_shown(token: str) -> str:
    return token[:PREFIX_SHOWN]


def digests_equal(first: str, second: str) -> bool:
    return hmac.compare_digest(first, second)
