"""The encrypted face-template store: 128-d encodings per staff member, never images.

On disk a store is one directory with ``templates.sealed`` (AES-GCM, see ``crypto``) and,
unless the key lives elsewhere, ``faces.key`` (mode 0600). The plaintext (JSON with the
encodings as base64 float64) exists only in memory. ``export_encrypted`` /
``import_encrypted`` move the whole store as one sealed blob, so the controller can sync
terminals over MQTT and a removal (A7, departed staff) reaches every terminal with the
next sync; ``revision`` grows with every change so a terminal can ignore an older blob.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from attendance.recognition import crypto
from attendance.recognition.errors import FaceError, StoreError, UnknownStaffError
from attendance.recognition.settings import ENCODING_SIZE

STORE_FILE = "templates.sealed"
KEY_FILE = "faces.key"
_FORMAT = 1
_MAX_STAFF_ID = 64

Encodings = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class StaffTemplates:
    """One staff member's templates and when they agreed to face capture (A7)."""

    staff_id: str
    encodings: Encodings
    """Shape (n, 128), read-only."""
    consent_at: datetime
    enrolled_at: datetime


def check_staff_id(staff_id: str) -> str:
    """A staff id as stored: non-empty, printable, no spaces (it is a CLI/log token)."""
    if not staff_id or len(staff_id) > _MAX_STAFF_ID or not staff_id.isprintable():
        raise FaceError(f"工号无效 / invalid staff id: {staff_id!r}")
    if any(ch.isspace() for ch in staff_id):
        raise FaceError(f"工号不能含空格 / staff id must not contain spaces: {staff_id!r}")
    return staff_id


def _as_encodings(encodings: npt.ArrayLike) -> Encodings:
    array = np.array(encodings, dtype=np.float64, ndmin=2)
    if array.ndim != 2 or array.shape[1] != ENCODING_SIZE or array.shape[0] == 0:
        raise FaceError(
            f"人脸特征格式错误 / encodings must have shape (n, {ENCODING_SIZE}), got {array.shape}"
        )
    if not np.isfinite(array).all():
        raise FaceError("人脸特征含无效数值 / encodings contain NaN or infinity")
    array.setflags(write=False)
    return array


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise FaceError(f"{what} 需要带时区的时间 / {what} needs a timezone-aware time")
    return moment


class TemplateStore:
    """Templates of every enrolled staff member, sealed with ``key`` when saved or exported."""

    def __init__(self, key: bytes, path: Path | None = None) -> None:
        self._key = key
        self._path = path
        self._staff: dict[str, StaffTemplates] = {}
        self._revision = 0

    # -- opening and saving -------------------------------------------------------------

    @classmethod
    def open(
        cls, directory: Path, key_path: Path | None = None, *, create: bool = False
    ) -> TemplateStore:
        """Load the store in ``directory``; with ``create``, start an empty one if none.

        A new key is made only together with a new store: an existing store whose key is
        missing stays unreadable rather than being silently replaced.
        """
        directory = Path(directory)
        key_path = Path(key_path) if key_path is not None else directory / KEY_FILE
        path = directory / STORE_FILE
        if path.exists():
            store = cls(crypto.load_key_file(key_path), path)
            try:
                blob = path.read_bytes()
            except OSError as err:
                raise StoreError(f"无法读取模板库 / cannot read {path}: {err}") from err
            store._load_plaintext(crypto.unseal(blob, store._key))
            return store
        if not create:
            raise StoreError(f"模板库不存在 / no template store in {directory}")
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        store = cls(crypto.load_or_create_key(key_path), path)
        store.save()
        return store

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def revision(self) -> int:
        """Grows by one with every enrolment, removal or import."""
        return self._revision

    def save(self) -> None:
        """Write the sealed store atomically: a crash leaves the old or the new file."""
        if self._path is None:
            raise StoreError("内存模板库无文件路径 / this store has no file to save to")
        blob = self.export_encrypted()
        tmp = self._path.with_name(f".{self._path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(blob)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self._path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        dir_fd = os.open(self._path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # make the rename itself durable
        finally:
            os.close(dir_fd)

    # -- changes ------------------------------------------------------------------------

    def enroll(
        self,
        staff_id: str,
        encodings: npt.ArrayLike,
        *,
        consent_at: datetime,
        now: datetime,
        replace: bool = True,
    ) -> StaffTemplates:
        """Store templates for ``staff_id``; ``replace=False`` adds to the existing ones.

        ``consent_at`` is when the staff member agreed to face capture; it is required
        because A7 asks the hall to be able to show it.
        """
        check_staff_id(staff_id)
        new = _as_encodings(encodings)
        old = self._staff.get(staff_id)
        if old is not None and not replace:
            new = _as_encodings(np.vstack([old.encodings, new]))
        record = StaffTemplates(
            staff_id, new, _aware(consent_at, "consent_at"), _aware(now, "enrolled_at")
        )
        self._staff[staff_id] = record
        self._revision += 1
        return record

    def remove(self, staff_id: str) -> None:
        """Delete every template of a departed staff member (A7)."""
        if self._staff.pop(staff_id, None) is None:
            raise UnknownStaffError(f"该工号没有人脸模板 / no templates for staff {staff_id!r}")
        self._revision += 1

    # -- reading ------------------------------------------------------------------------

    def __contains__(self, staff_id: object) -> bool:
        return staff_id in self._staff

    def __len__(self) -> int:
        return len(self._staff)

    def __iter__(self) -> Iterator[StaffTemplates]:
        return iter(sorted(self._staff.values(), key=lambda r: r.staff_id))

    def get(self, staff_id: str) -> StaffTemplates:
        try:
            return self._staff[staff_id]
        except KeyError:
            raise UnknownStaffError(
                f"该工号没有人脸模板 / no templates for staff {staff_id!r}"
            ) from None

    def matrix(self) -> tuple[Sequence[str], Encodings, npt.NDArray[np.intp]]:
        """Staff ids, all encodings stacked by staff, and where each staff's rows start.

        The matcher loads this once; rows of one staff member are contiguous so that
        a per-staff minimum is one ``np.minimum.reduceat``.
        """
        records = list(self)
        if not records:
            return (), np.empty((0, ENCODING_SIZE)), np.empty(0, dtype=np.intp)
        counts = [len(r.encodings) for r in records]
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
        stacked = np.vstack([r.encodings for r in records])
        return tuple(r.staff_id for r in records), stacked, starts

    # -- sealed transfer ----------------------------------------------------------------

    def export_encrypted(self, key: bytes | None = None) -> bytes:
        """The whole store as one sealed blob (with this store's key unless ``key``)."""
        return crypto.seal(self._plaintext(), self._key if key is None else key)

    def import_encrypted(self, blob: bytes, key: bytes | None = None) -> None:
        """Replace the contents with a blob from ``export_encrypted`` (full sync).

        Replacing rather than merging is deliberate: staff removed at the controller
        must disappear from the terminal too. Call ``save()`` to keep it.
        """
        self._load_plaintext(crypto.unseal(blob, self._key if key is None else key))

    def adopt(self, other: TemplateStore) -> None:
        """Take ``other``'s templates and revision (a full sync already opened with the
        transport key); this store keeps its own key and file. Call ``save()`` to keep it."""
        self._staff = dict(other._staff)
        self._revision = other._revision

    def _plaintext(self) -> bytes:
        doc = {
            "format": _FORMAT,
            "revision": self._revision,
            "staff": [
                {
                    "staff_id": r.staff_id,
                    "consent_at": r.consent_at.isoformat(),
                    "enrolled_at": r.enrolled_at.isoformat(),
                    "encodings": base64.b64encode(r.encodings.astype("<f8").tobytes()).decode(),
                }
                for r in self
            ],
        }
        return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()

    def _load_plaintext(self, plaintext: bytes) -> None:
        try:
            doc: dict[str, Any] = json.loads(plaintext)
            if doc.get("format") != _FORMAT:
                raise StoreError(f"模板库版本不支持 / unsupported store format {doc.get('format')}")
            staff: dict[str, StaffTemplates] = {}
            for item in doc["staff"]:
                raw = np.frombuffer(base64.b64decode(item["encodings"], validate=True), "<f8")
                record = StaffTemplates(
                    check_staff_id(item["staff_id"]),
                    _as_encodings(raw.reshape(-1, ENCODING_SIZE)),
                    _aware(datetime.fromisoformat(item["consent_at"]), "consent_at"),
                    _aware(datetime.fromisoformat(item["enrolled_at"]), "enrolled_at"),
                )
                staff[record.staff_id] = record
            revision = int(doc["revision"])
        except StoreError:
            raise
        except (ValueError, KeyError, TypeError, binascii.Error, FaceError) as err:
            raise StoreError(f"模板库内容损坏 / template store content is invalid: {err}") from err
        self._staff = staff
        self._revision = revision
