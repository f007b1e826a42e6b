"""``hall faces …``: enrol, identify, list and remove staff face templates.

Heavy imports (dlib, OpenCV) happen inside the handlers so ``hall --help`` stays fast on
a Pi. Every error is printed Chinese first with English after it, and exits with 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

EXIT_ERROR = 2
EXIT_NO_FACE = 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser(
        "faces", help="人脸模板（登记、识别、删除）/ staff face templates"
    ).add_subparsers(dest="faces_command", metavar="ACTION", required=True)

    enroll = group.add_parser(
        "enroll",
        help="登记人脸 / enrol a staff member from photos",
        description="登记人脸：每张照片须只有本人一张脸；只保存特征，不保存照片。"
        " Only run this after the staff member has agreed to face capture (A7).",
    )
    _store_args(enroll)
    enroll.add_argument("--staff", required=True, help="工号 / staff id")
    enroll.add_argument(
        "--consent-at",
        type=_aware_time,
        help="同意时间（默认：现在）/ when consent was given, ISO 8601 with offset",
    )
    enroll.add_argument(
        "--append", action="store_true", help="保留已有模板 / keep existing templates"
    )
    enroll.add_argument("images", nargs="+", metavar="IMAGE", type=Path)
    enroll.set_defaults(handler=_enroll)

    identify = group.add_parser(
        "identify",
        help="识别照片中的人员 / who is in a photo",
        description="每张人脸一行，最大的在前：工号与距离，或 未识别 / unknown。",
    )
    _store_args(identify)
    identify.add_argument("--tolerance", type=float, help="阈值 / override the tolerance")
    identify.add_argument("--margin", type=float, help="区分度 / override the margin")
    identify.add_argument("--scale", type=float, help="检测缩放比例 / detection scale")
    identify.add_argument("image", metavar="IMAGE", type=Path)
    identify.set_defaults(handler=_identify)

    remove = group.add_parser("remove", help="删除人脸模板 / delete a staff member's templates")
    _store_args(remove)
    remove.add_argument("--staff", required=True, help="工号 / staff id")
    remove.set_defaults(handler=_remove)

    listing = group.add_parser("list", help="已登记人员 / enrolled staff")
    _store_args(listing)
    listing.set_defaults(handler=_list)


def _store_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, type=Path, help="模板目录 / template directory")
    parser.add_argument(
        "--key", type=Path, help="密钥文件，权限须为 600 / key file (default: STORE/faces.key)"
    )


def _aware_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"时间格式错误 / not an ISO 8601 time: {text}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"请带时区，如 +08:00 / give an offset, e.g. 2026-11-02T09:00:00+08:00: {text}"
        )
    return moment


def _fail(message: object) -> int:
    print(f"错误 / error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _enroll(args: argparse.Namespace) -> int:
    from attendance.recognition import FaceError, Matcher, TemplateStore
    from attendance.recognition.matcher import similar_staff
    from attendance.recognition.pipeline import encode_enrolment, load_image
    from attendance.recognition.store import check_staff_id

    now = datetime.now().astimezone()
    try:
        check_staff_id(args.staff)
        # Every photo is checked before anything is written: a bad photo enrols nothing.
        templates = [encode_enrolment(load_image(p), source=str(p)) for p in args.images]
        store = TemplateStore.open(args.store, args.key, create=True)
        for other, distance in similar_staff(Matcher.from_store(store), templates, args.staff):
            print(
                f"警告 / warning: 与 {other} 的人脸过于相近（{distance:.2f}），请核实不是同一人"
                f"登记了两个工号；两人刷脸都将无法识别 / face too close to {other}'s; check "
                "this is not one person under two staff ids (neither can punch by face now)",
                file=sys.stderr,
            )
        record = store.enroll(
            args.staff,
            templates,
            consent_at=args.consent_at or now,
            now=now,
            replace=not args.append,
        )
        store.save()
    except FaceError as err:
        return _fail(err)
    print(
        f"已登记 / enrolled {record.staff_id}: {len(record.encodings)} 个模板 / templates, "
        f"同意时间 / consent {record.consent_at.isoformat(timespec='seconds')}"
    )
    return 0


def _identify(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from attendance.recognition import FaceError, Matcher, RecognitionSettings, TemplateStore
    from attendance.recognition.pipeline import identify_frame, load_image

    overrides = {
        name: value
        for name, value in (
            ("tolerance", args.tolerance),
            ("margin", args.margin),
            ("detect_scale", args.scale),
        )
        if value is not None
    }
    try:
        settings = replace(RecognitionSettings(), **overrides)
    except ValueError as err:
        return _fail(err)
    try:
        store = TemplateStore.open(args.store, args.key)
        matcher = Matcher.from_store(store, settings)
        faces = identify_frame(load_image(args.image), matcher, settings)
    except FaceError as err:
        return _fail(err)
    if not faces:
        print(f"未检测到人脸 / no face found: {args.image}", file=sys.stderr)
        return EXIT_NO_FACE
    for face in faces:
        label = face.match.staff_id or "未识别 / unknown"
        print(f"{label}\t{face.match.distance:.3f}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from attendance.recognition import FaceError, TemplateStore

    try:
        store = TemplateStore.open(args.store, args.key)
        store.remove(args.staff)
        store.save()
    except FaceError as err:
        return _fail(err)
    print(f"已删除 / removed all templates of {args.staff}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from attendance.recognition import FaceError, TemplateStore

    try:
        store = TemplateStore.open(args.store, args.key)
    except FaceError as err:
        return _fail(err)
    for record in store:
        print(
            f"{record.staff_id}\t{len(record.encodings)}\t"
            f"consent {record.consent_at.isoformat(timespec='seconds')}\t"
            f"enrolled {record.enrolled_at.isoformat(timespec='seconds')}"
        )
    print(f"共 {len(store)} 人 / {len(store)} staff enrolled", file=sys.stderr)
    return 0
