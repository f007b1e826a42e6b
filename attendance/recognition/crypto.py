"""The template key file and AES-GCM sealing of template blobs.

One 256-bit key per store, kept in a file that only its owner may read (A7: face features
are sensitive personal information; DESIGN "Security": a key readable only by the
service user). The same sealing is used for the file at rest and for the blob a
controller sends to its terminals, so a blob is never plaintext on disk or on the wire.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from attendance.recognition.errors import KeyFileError, StoreError

KEY_BYTES = 32
_NONCE_BYTES = 12
# Magic and format version; also authenticated as associated data, so a blob of another
# format or version fails loudly instead of being misread.
_HEADER = b"SHFACE\x00\x01"


def create_key_file(path: Path) -> bytes:
    """Create a new random key at ``path`` with mode 0600 and return it.

    Refuses to overwrite: a replaced key makes every sealed store unreadable.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
    try:
        # O_EXCL: two enrolment runs racing must not both write a key. The mode is given
        # at creation, so the key is never readable by others, not even for an instant.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as err:
        raise KeyFileError(f"密钥文件已存在 / key file already exists: {path}") from err
    with os.fdopen(fd, "wb") as out:
        out.write(key)
        out.flush()
        os.fsync(out.fileno())
    return key


def load_key_file(path: Path) -> bytes:
    """Read the key at ``path`` after checking that nobody but its owner can read it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError as err:
        raise KeyFileError(f"找不到密钥文件 / key file not found: {path}") from err
    except OSError as err:
        raise KeyFileError(f"无法读取密钥文件 / cannot read key file {path}: {err}") from err
    with os.fdopen(fd, "rb") as src:
        info = os.fstat(src.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(f"密钥不是普通文件 / key is not a regular file: {path}")
        if info.st_mode & 0o077:
            raise KeyFileError(
                f"密钥文件权限过宽 / key file {path} is accessible by group or others "
                f"(mode {stat.S_IMODE(info.st_mode):o}); run: chmod 600 {path}"
            )
        # Root may read it (install script, backup); any other user is the wrong service.
        if info.st_uid != os.geteuid() and os.geteuid() != 0:
            raise KeyFileError(
                f"密钥文件属于其他用户 / key file {path} belongs to uid {info.st_uid}, "
                f"not to this service user (uid {os.geteuid()})"
            )
        key = src.read(KEY_BYTES + 1)
    if len(key) != KEY_BYTES:
        raise KeyFileError(
            f"密钥文件格式错误 / key file {path} must hold exactly {KEY_BYTES} bytes"
        )
    return key


def load_or_create_key(path: Path) -> bytes:
    """The key at ``path``, created first if there is none yet."""
    if path.exists() or path.is_symlink():
        return load_key_file(path)
    return create_key_file(path)


def seal(plaintext: bytes, key: bytes) -> bytes:
    """Encrypt and authenticate ``plaintext``: header, fresh random nonce, ciphertext+tag."""
    nonce = os.urandom(_NONCE_BYTES)
    return _HEADER + nonce + AESGCM(_check_key(key)).encrypt(nonce, plaintext, _HEADER)


def unseal(blob: bytes, key: bytes) -> bytes:
    """Decrypt a blob made by :func:`seal`; any change or a wrong key is a ``StoreError``."""
    if not blob.startswith(_HEADER) or len(blob) < len(_HEADER) + _NONCE_BYTES + 16:
        raise StoreError("不是人脸模板数据 / not a sealed face-template blob")
    nonce = blob[len(_HEADER) : len(_HEADER) + _NONCE_BYTES]
    body = blob[len(_HEADER) + _NONCE_BYTES :]
    try:
        return AESGCM(_check_key(key)).decrypt(nonce, body, _HEADER)
    except InvalidTag as err:
        raise StoreError(
            "模板数据无法解密：密钥不符或数据已损坏 / "
            "templates cannot be decrypted: wrong key or damaged data"
        ) from err


def _check_key(key: bytes) -> bytes:
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"密钥长度错误 / a key must be {KEY_BYTES} bytes, got {len(key)}")
    return key
