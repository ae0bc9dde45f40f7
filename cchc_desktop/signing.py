"""Ed25519 signatures of hand-off packages (the `cryptography` package).

A commune's data file holds its own key pair (store/packages.py, made on first use); the
package carries the public key and a signature over its manifest, which holds the SHA-256 of
every other member. The upper level pins a commune's public key the first time it imports
from it and checks later packages against it (importing/package.py). No SQL here, no Qt.
"""
from __future__ import annotations

import base64
import hashlib

ALGORITHM = "ed25519"


class BadSignature(Exception):
    """The signature does not verify, or the key or signature is malformed."""


def new_private_key() -> bytes:
    """A new Ed25519 private key, as its 32 raw bytes."""
    # cryptography: only when a package is signed or checked
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return _raw_private(Ed25519PrivateKey.generate())


def _raw_private(key) -> bytes:
    # cryptography: only when a package is signed or checked
    from cryptography.hazmat.primitives import serialization as s

    return key.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption())


def public_key_of(private_raw: bytes) -> bytes:
    # cryptography: only when a package is signed or checked
    from cryptography.hazmat.primitives import serialization as s
    # cryptography: only when a package is signed or checked
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(private_raw).public_key().public_bytes(
        s.Encoding.Raw, s.PublicFormat.Raw)


def sign(private_raw: bytes, message: bytes) -> bytes:
    # cryptography: only when a package is signed or checked
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(private_raw).sign(message)


def verify(public_raw: bytes, signature: bytes, message: bytes) -> None:
    """BadSignature unless `signature` is the key's signature of `message`."""
    from cryptography.exceptions import InvalidSignature  # cryptography: only when a package is signed or checked
    # cryptography: only when a package is signed or checked
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except (InvalidSignature, ValueError, TypeError):
        raise BadSignature() from None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text, size: int) -> bytes:
    """The bytes of a base64 text of exactly `size` bytes; BadSignature if it is not one."""
    if not isinstance(text, str):
        raise BadSignature()
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise BadSignature() from None
    if len(raw) != size:
        raise BadSignature()
    return raw


def fingerprint(public_raw: bytes) -> str:
    """Sixteen digits in four groups ("4821 0937 5512 6604"): what a commune reads out on the
    phone. Digits, because Vietnamese letter names are easy to mishear; 16 of them (53 bits)
    so that making a key with a chosen fingerprint is out of reach of a forger's PC."""
    digits = str(int.from_bytes(hashlib.sha256(public_raw).digest()[:8], "big") % 10**16).zfill(16)
    return " ".join(digits[i:i + 4] for i in range(0, 16, 4))
