"""`hall contract`: the MQTT contract as an AsyncAPI 3 document (``bus/contract/``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    Sub = argparse._SubParsersAction[argparse.ArgumentParser]

CHECKED_IN = Path("docs/contract/asyncapi.yaml")


def register(sub: Sub) -> None:
    p = sub.add_parser(
        "contract",
        help="write the MQTT contract as an AsyncAPI 3 document / 输出 MQTT 接口文档",
        description=(
            "Writes the AsyncAPI 3.0.0 document of every topic, its direction, retained flag, "
            "QoS and payload schema with examples, generated from the message models. "
            f"The checked-in copy is {CHECKED_IN}."
        ),
    )
    p.add_argument("--out", type=Path, default=None, help="write to FILE instead of stdout")
    p.set_defaults(handler=_contract)


def _contract(args: argparse.Namespace) -> int:
    from bus.contract import render

    text = render()
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0
