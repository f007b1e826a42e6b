"""Face enrolment and identification on the shared photos (issue 7, parts 1, 2 and 5).

Real dlib models, real photos from ``shared/data/faces`` (``enroll/<person>/``,
``probe/<person>__N.jpg`` and ``probe/two_people.jpg``). Enrolment encodings are computed
once per module because HOG detection on full-size photos is the slow part.
"""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from attendance.recognition import (
    BlinkDetector,
    FaceTooSmallError,
    KeyFileError,
    Matcher,
    MultipleFacesError,
    NoFaceError,
    StoreError,
    TemplateStore,
    detect_blink,
)
from attendance.recognition.crypto import create_key_file
from hall.cli import main as hall

pytestmark = pytest.mark.integration

DATA = Path(os.environ.get("SERVICEHALL_FACES", Path(__file__).parents[3] / "shared/data/faces"))
ENROLLED = ("biden", "kit_harington", "obama", "rose_leslie")
STRANGER = "alex_lacamoire"
NOW = datetime(2026, 11, 2, 8, 30, tzinfo=timezone(timedelta(hours=8)))
CONSENT = datetime(2026, 11, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))

Encoding = npt.NDArray[np.float64]

if not DATA.is_dir():
    pytest.skip(f"face photos not found at {DATA}", allow_module_level=True)


def _enrol_photos(person: str) -> list[Path]:
    return sorted(p for p in (DATA / "enroll" / person).iterdir() if p.is_file())


def _expected(probe: Path, enrolled: set[str]) -> list[str | None]:
    """Who a probe shows, largest face first; ``None`` where that person is not enrolled."""
    if probe.stem == "two_people":
        people = ["biden", "obama"]  # Biden stands nearer the camera: his face is larger.
    elif "__" in probe.stem:
        people = [probe.stem.split("__")[0]]
    else:
        people = [probe.parent.name]  # an enrolment photo used as a probe
    return [p if p in enrolled else None for p in people]


@pytest.fixture(scope="module")
def templates() -> dict[str, list[Encoding]]:
    """Each person's enrolment templates, through the real enrolment path."""
    from attendance.recognition.pipeline import encode_enrolment, load_image

    people = sorted(p.name for p in (DATA / "enroll").iterdir() if p.is_dir())
    assert set(ENROLLED) | {STRANGER} <= set(people)
    return {
        person: [encode_enrolment(load_image(p), source=str(p)) for p in _enrol_photos(person)]
        for person in people
    }


def _store(
    directory: Path, templates: dict[str, list[Encoding]], people: set[str]
) -> TemplateStore:
    store = TemplateStore.open(directory, create=True)
    for person in sorted(people):
        store.enroll(person, templates[person], consent_at=CONSENT, now=NOW)
    store.save()
    return store


def _who(store: TemplateStore, image: Path) -> list[str | None]:
    from attendance.recognition.pipeline import identify_frame, load_image

    faces = identify_frame(load_image(image), Matcher.from_store(store))
    areas = [f.box.area for f in faces]
    assert areas == sorted(areas, reverse=True), "largest face must come first"
    return [f.match.staff_id for f in faces]


@pytest.mark.slow
@pytest.mark.parametrize("held_out", [STRANGER, "biden"])
def test_enrolled_people_are_identified_and_a_held_out_person_is_unknown(
    tmp_path: Path, templates: dict[str, list[Encoding]], held_out: str
) -> None:
    """Every probe of an enrolled person names them; the person left out is 未识别 / unknown.

    Holding out Biden too means a real held-out photo (and one face of ``two_people``)
    must come back unknown while the other face in the same frame is still recognised.
    """
    enrolled = set(templates) - {held_out}
    assert len(enrolled) == 4
    store = _store(tmp_path / "store", templates, enrolled)
    probes = sorted((DATA / "probe").iterdir()) + _enrol_photos(held_out)
    seen = {probe.name: _who(store, probe) for probe in probes}
    assert seen == {probe.name: _expected(probe, enrolled) for probe in probes}
    assert any(None in faces for faces in seen.values())


@pytest.mark.slow
def test_enrolment_refuses_no_face_two_faces_and_a_tiny_face(tmp_path: Path) -> None:
    """A photo must show exactly one usable face; a refused run stores nothing at all."""
    from attendance.recognition.pipeline import encode_enrolment, load_image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (640, 480), (200, 200, 200)).save(blank)
    pair = tmp_path / "pair.jpg"
    left = Image.open(_enrol_photos("obama")[0]).convert("RGB")
    right = Image.open(_enrol_photos("rose_leslie")[0]).convert("RGB")
    left = left.resize((left.width * 600 // left.height, 600))
    right = right.resize((right.width * 600 // right.height, 600))
    canvas = Image.new("RGB", (left.width + right.width, 600))
    canvas.paste(left, (0, 0))
    canvas.paste(right, (left.width, 0))
    canvas.save(pair)

    with pytest.raises(NoFaceError, match="未检测到人脸"):
        encode_enrolment(load_image(blank))
    with pytest.raises(MultipleFacesError, match="2 faces"):
        encode_enrolment(load_image(pair))
    with pytest.raises(FaceTooSmallError):
        encode_enrolment(load_image(DATA / "probe" / "obama__240p.jpg"))

    store = tmp_path / "store"
    good = _enrol_photos("obama")[0]
    assert (
        hall(["faces", "enroll", "--store", str(store), "--staff", "S1", str(good), str(pair)]) == 2
    )
    assert not store.exists(), "a refused enrolment must not create a store or a key"


def _leaks(data: bytes, encoding: Encoding) -> list[str]:
    """Which plaintext forms of ``encoding`` occur in ``data``."""
    forms = {
        "float64": encoding.astype("<f8").tobytes(),
        "float64 big-endian": encoding.astype(">f8").tobytes(),
        "float32": encoding.astype("<f4").tobytes(),
        "first values as float64": encoding[:4].astype("<f8").tobytes(),
        "first values as float32": encoding[:4].astype("<f4").tobytes(),
        "base64 of float64": base64.b64encode(encoding.astype("<f8").tobytes())[:40],
        "decimal text": repr(float(encoding[0]))[:10].encode(),
    }
    return [name for name, needle in forms.items() if needle in data]


def _store_bytes(directory: Path) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes()


@pytest.mark.slow
def test_store_on_disk_holds_no_image_and_no_plaintext_encoding(
    tmp_path: Path, templates: dict[str, list[Encoding]]
) -> None:
    """Only the sealed store and the key are written; neither holds a face in any form."""
    directory = tmp_path / "store"
    _store(directory, templates, set(ENROLLED))
    files = dict(_store_bytes(directory))
    assert sorted(p.name for p in files) == ["faces.key", "templates.sealed"]
    every = [enc for person in ENROLLED for enc in templates[person]]
    # The search itself must be able to find a leak.
    assert _leaks(b"x" + every[0].astype("<f8").tobytes(), every[0])
    for path, data in files.items():
        for encoding in every:
            assert _leaks(data, encoding) == [], path
        for magic in (b"\xff\xd8\xff", b"\x89PNG", b"JFIF", b"Exif"):
            assert magic not in data, (path, magic)
        for person in ENROLLED:
            assert person.encode() not in data, (path, person)


@pytest.mark.slow
def test_key_file_is_private_and_the_store_opens_only_with_its_key(
    tmp_path: Path, templates: dict[str, list[Encoding]]
) -> None:
    """Key mode 0600; a key others can read, another key or a changed byte is refused."""
    directory = tmp_path / "store"
    _store(directory, templates, {"obama"})
    key = directory / "faces.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) & 0o077 == 0

    reopened = TemplateStore.open(directory)
    assert reopened.get("obama").consent_at == CONSENT

    key.chmod(0o640)
    with pytest.raises(KeyFileError, match="chmod 600"):
        TemplateStore.open(directory)
    assert hall(["faces", "list", "--store", str(directory)]) == 2
    key.chmod(0o600)

    other = tmp_path / "other.key"
    create_key_file(other)
    with pytest.raises(StoreError, match="密钥不符"):
        TemplateStore.open(directory, other)

    sealed = directory / "templates.sealed"
    data = bytearray(sealed.read_bytes())
    data[-5] ^= 0x01
    sealed.write_bytes(bytes(data))
    with pytest.raises(StoreError):
        TemplateStore.open(directory)


@pytest.mark.slow
def test_removed_staff_member_is_no_longer_recognised(
    tmp_path: Path, templates: dict[str, list[Encoding]]
) -> None:
    """A departed staff member's templates are gone after ``remove`` (A7), even reopened."""
    directory = tmp_path / "store"
    store = _store(directory, templates, set(ENROLLED))
    assert _who(store, DATA / "probe" / "obama__1.jpg") == ["obama"]
    store.remove("obama")
    store.save()
    reopened = TemplateStore.open(directory)
    assert "obama" not in reopened
    assert sorted(r.staff_id for r in reopened) == ["biden", "kit_harington", "rose_leslie"]
    assert _who(reopened, DATA / "probe" / "obama__1.jpg") == [None]
    assert _who(reopened, DATA / "probe" / "two_people.jpg") == ["biden", None]
    with pytest.raises(StoreError):
        reopened.remove("obama")


def test_sync_blob_replaces_terminal_templates_and_needs_the_transport_key(
    tmp_path: Path,
) -> None:
    """A terminal takes the controller's sealed blob as a whole, so removals propagate."""
    rng = np.random.default_rng(7)
    controller = TemplateStore.open(tmp_path / "controller", create=True)
    controller.enroll("S001", rng.normal(size=(2, 128)), consent_at=CONSENT, now=NOW)
    terminal = TemplateStore.open(tmp_path / "terminal", create=True)
    terminal.enroll("S999", rng.normal(size=128), consent_at=CONSENT, now=NOW)
    transport = os.urandom(32)

    blob = controller.export_encrypted(transport)
    with pytest.raises(StoreError):
        terminal.import_encrypted(blob)  # the terminal's own key is not the transport key
    terminal.import_encrypted(blob, transport)
    terminal.save()
    again = TemplateStore.open(tmp_path / "terminal")
    assert [r.staff_id for r in again] == ["S001"]
    assert np.array_equal(again.get("S001").encodings, controller.get("S001").encodings)
    assert again.revision == controller.revision


@pytest.mark.slow
def test_cli_enrols_identifies_lists_and_removes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ``hall faces`` commands a hall manager runs, end to end."""
    store = str(tmp_path / "store")
    for staff, person in (("S001", "obama"), ("S002", "biden")):
        photos = [str(p) for p in _enrol_photos(person)]
        assert hall(["faces", "enroll", "--store", store, "--staff", staff, *photos]) == 0
    capsys.readouterr()

    assert (
        hall(["faces", "identify", "--store", store, str(DATA / "probe" / "two_people.jpg")]) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["S002", "S001"]
    assert all(float(line.split("\t")[1]) < 0.5 for line in lines)

    assert (
        hall(["faces", "identify", "--store", store, str(DATA / "probe" / "rose_leslie__1.jpg")])
        == 0
    )
    assert capsys.readouterr().out.startswith("未识别 / unknown\t")

    # The same face under a second staff id is enrolled, but the desk is warned.
    again = str(DATA / "probe" / "obama__1.jpg")
    assert hall(["faces", "enroll", "--store", store, "--staff", "S003", again]) == 0
    assert "S001" in capsys.readouterr().err
    assert hall(["faces", "remove", "--store", store, "--staff", "S003"]) == 0

    assert hall(["faces", "remove", "--store", store, "--staff", "S001"]) == 0
    capsys.readouterr()
    assert hall(["faces", "list", "--store", store]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["S002"]
    assert hall(["faces", "remove", "--store", store, "--staff", "S001"]) == 2
    assert "S001" in capsys.readouterr().err


def _blink_at(t0: float, fps: float = 10.0) -> list[tuple[float, float]]:
    """Four seconds of open eyes (EAR ~0.30) with one 0.2 s blink starting at ``t0``."""
    ears = []
    for i in range(int(4 * fps)):
        t = i / fps
        ear = 0.30 + (0.005 if i % 2 else -0.005)
        if t0 <= t < t0 + 0.2:
            ear = 0.10
        ears.append((t, ear))
    return ears


def test_blink_detector_accepts_a_blink_and_rejects_a_still_face() -> None:
    """Open–shut–open within the window is a blink; a constant or jittery EAR is not."""
    assert detect_blink(_blink_at(1.5))
    assert not detect_blink([(i / 10, 0.28) for i in range(50)])
    jitter = np.random.default_rng(3).uniform(-0.015, 0.015, 50)
    assert not detect_blink([(i / 10, 0.28 + float(j)) for i, j in enumerate(jitter)])
    # Eyes shut for two seconds (dozing, or a photo swapped) is not a blink.
    assert not detect_blink([(i / 10, 0.08 if 10 <= i < 30 else 0.3) for i in range(40)])


def test_blink_detector_forgets_old_blinks_and_a_lost_face() -> None:
    """Only a blink within the window counts, and a face that left takes its blink along."""
    detector = BlinkDetector()
    seen = [detector.update(t, ear) for t, ear in _blink_at(0.5)]
    assert seen[4] is False and any(seen)
    assert not detector.update(6.0, 0.30), "the blink at 0.5 s is older than the 5 s window"

    detector = BlinkDetector()
    for t, ear in _blink_at(0.5):
        detector.update(t, ear)
    detector.update(4.0, None)
    assert not detector.update(4.1, 0.30)


@pytest.mark.slow
def test_a_photo_held_to_the_camera_never_blinks() -> None:
    """Eye ratios measured on a photo that shakes in front of the camera stay flat."""
    from attendance.recognition.pipeline import (
        eye_aspect_ratio_of,
        identification_scale,
        load_image,
        locate_faces,
    )
    from attendance.recognition.settings import RecognitionSettings

    settings = RecognitionSettings()
    photo = Image.fromarray(load_image(DATA / "probe" / "obama__1.jpg"))
    detector = BlinkDetector()
    ears = []
    for i in range(20):
        # Hand shake: a little zoom and drift each frame.
        zoom = 1.0 + 0.03 * np.sin(i)
        frame = photo.resize((int(photo.width * zoom * 0.6), int(photo.height * zoom * 0.6)))
        canvas = Image.new("RGB", (640, 720))
        canvas.paste(frame, (int(20 * np.cos(i)), 0))
        rgb = np.asarray(canvas)
        boxes = locate_faces(rgb, identification_scale(rgb, settings), settings.upsample)
        assert boxes
        ear = eye_aspect_ratio_of(rgb, boxes[0])
        assert ear is not None
        ears.append(ear)
        assert not detector.update(i / 10, ear)
    assert 0.15 < min(ears) <= max(ears) < 0.45, "open eyes in the usual EAR range"
