"""An ESC/POS reader: turns the bytes a printer received back into layout blocks.

Used by the USB emulator (to answer real-time status queries at command boundaries and to
show what was printed) and by the tests. It reads the subset that receipt printers share
(Epson ESC/POS plus the Chinese FS commands); an unknown command is skipped and counted.
It must never raise on garbage: the bytes come off a wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from firmware_bridge.printer.document import (
    Align,
    Block,
    CutBlock,
    QrBlock,
    RasterBlock,
    TextBlock,
)

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LF, CR, HT, FF = 0x0A, 0x0D, 0x09, 0x0C


def _arity(groups: dict[int, bytes]) -> dict[int, int]:
    """{parameter count: command bytes} -> {command byte: parameter count}."""
    return {cmd: n for n, cmds in groups.items() for cmd in cmds}


# Commands with a fixed number of parameter bytes (after the prefix and the command byte).
_ESC_FIXED = _arity({0: b"@2LSim", 1: b"!aE-MtdJ3GV{R =TUr%?K", 2: b"c$\\B", 3: b"p", 8: b"W"})
_GS_FIXED = _arity({0: b":", 1: b"!BhwHfarI/b", 2: b"LWP\\", 3: b"^"})
_FS_FIXED = _arity({0: b"&.", 1: b"!-WC", 2: b"Sp?", 74: b"2"})
_CUT_WITH_FEED = {65, 66, 97, 98, 103, 104}
_PARTIAL_CUTS = {1, 49, 66, 98, 104}


@dataclass
class _Style:
    align: Align = "left"
    width: int = 1
    height: int = 1
    bold: bool = False
    chinese: bool = False


@dataclass
class EscposParser:
    """Incremental: ``feed()`` any chunking of the stream and get the same blocks.

    ``chinese_font``: the head has a GB18030 font ROM. Such heads (the Chinese-market
    ones) power up in Chinese character mode; a head without one ignores FS & and prints
    Chinese bytes as code page 437 garbage, which is why raster mode exists.
    """

    chinese_font: bool = True
    blocks: list[Block] = field(default_factory=list)
    unknown_commands: int = 0
    _pending: bytearray = field(default_factory=bytearray)
    _line: bytearray = field(default_factory=bytearray)
    _line_style: _Style | None = None
    _style: _Style = field(default_factory=_Style)
    _qr_data: bytes = b""
    _graphic: RasterBlock | None = None

    def __post_init__(self) -> None:
        self._style = self._initial_style()

    def _initial_style(self) -> _Style:
        return _Style(chinese=self.chinese_font)

    def feed(self, data: bytes) -> list[int]:
        """Read what can be read; return the DLE EOT ``n`` of each real-time query met."""
        self._pending += data
        queries: list[int] = []
        i = 0
        buf = bytes(self._pending)
        while i < len(buf):
            step = self._step(buf, i, queries)
            if step is None:  # an incomplete command: wait for the rest
                break
            i = step
        del self._pending[:i]
        return queries

    def finish(self) -> list[Block]:
        """Flush a line the printer has not been told to print yet; the blocks so far."""
        self._flush_line(force=False)
        return self.blocks

    def discard_input(self) -> None:
        """Forget a half-received command and the style (a power cycle); keep what printed."""
        self._pending.clear()
        self._line.clear()
        self._line_style = None
        self._style = self._initial_style()

    # --- one command --------------------------------------------------------------

    def _step(self, buf: bytes, i: int, queries: list[int]) -> int | None:
        b = buf[i]
        if b in (ESC, GS, FS, DLE) and i + 1 >= len(buf):
            return None
        if b == ESC:
            return self._esc(buf, i)
        if b == GS:
            return self._gs(buf, i)
        if b == FS:
            return self._fs(buf, i)
        if b == DLE:
            return self._dle(buf, i, queries)
        if b in (LF, FF):
            self._flush_line(force=True)
        elif b == HT:
            self._text(b" ")
        elif b >= 0x20:
            j = i
            while j < len(buf) and buf[j] >= 0x20:
                j += 1
            self._text(buf[i:j])
            return j
        # CR and the other C0 bytes do nothing on a receipt printer.
        return i + 1

    def _esc(self, buf: bytes, i: int) -> int | None:
        cmd = buf[i + 1]
        if cmd == b"*"[0]:
            return self._esc_star(buf, i)
        if cmd == b"D"[0]:  # tab positions, NUL-terminated
            nul = buf.find(b"\x00", i + 2)
            return None if nul < 0 else nul + 1
        end = self._skip_fixed(buf, i, _ESC_FIXED)
        if end is None:
            return None
        arg = buf[i + 2] if end > i + 2 else 0
        if cmd == b"@"[0]:
            self._flush_line(force=False)
            self._style = self._initial_style()
        elif cmd == b"!"[0]:
            self._style.bold = bool(arg & 0x08)
            self._style.height = 2 if arg & 0x10 else 1
            self._style.width = 2 if arg & 0x20 else 1
        elif cmd == b"a"[0]:
            self._style.align = "center" if arg in (1, 49) else "left"
        elif cmd == b"E"[0]:
            self._style.bold = bool(arg & 1)
        elif cmd == b"d"[0]:
            self._flush_line(force=True)
            self.blocks.extend(TextBlock("") for _ in range(max(arg - 1, 0)))
        return end

    def _esc_star(self, buf: bytes, i: int) -> int | None:
        if i + 5 > len(buf):
            return None
        mode, dots = buf[i + 2], buf[i + 3] | buf[i + 4] << 8
        rows = 3 if mode in (32, 33) else 1
        end = i + 5 + dots * rows
        if end > len(buf):
            return None
        self.blocks.append(_columns_to_raster(buf[i + 5 : end], dots, rows))
        return end

    def _gs(self, buf: bytes, i: int) -> int | None:
        cmd = buf[i + 1]
        if cmd == b"("[0]:
            return self._gs_paren(buf, i)
        if cmd == b"v"[0]:
            return self._gs_raster(buf, i)
        if cmd == b"V"[0]:
            if i + 2 >= len(buf):
                return None
            m = buf[i + 2]
            cut_end = i + 4 if m in _CUT_WITH_FEED else i + 3
            if cut_end > len(buf):
                return None
            self._flush_line(force=False)
            self.blocks.append(CutBlock(partial=m in _PARTIAL_CUTS))
            return cut_end
        if cmd == b"k"[0]:
            return self._gs_barcode(buf, i)
        end = self._skip_fixed(buf, i, _GS_FIXED)
        if end is not None and cmd == b"!"[0]:
            arg = buf[i + 2]
            self._style.width = (arg >> 4 & 0x07) + 1
            self._style.height = (arg & 0x07) + 1
        return end

    def _gs_paren(self, buf: bytes, i: int) -> int | None:
        # GS ( <fn> pL pH <pL + 256 pH bytes>
        if i + 5 > len(buf):
            return None
        kind = buf[i + 2]
        size = buf[i + 3] | buf[i + 4] << 8
        end = i + 5 + size
        if end > len(buf):
            return None
        body = buf[i + 5 : end]
        if kind == b"k"[0] and len(body) >= 2 and body[0] == 0x31:
            if body[1] == 0x50:  # store QR data (after the m byte)
                self._qr_data = body[3:]
            elif body[1] == 0x51:  # print the stored QR code
                self._flush_line(force=False)
                self.blocks.append(QrBlock(self._qr_data.decode("utf-8", "replace")))
        elif kind == b"L"[0] and len(body) >= 2:
            self._graphics(body)
        return end

    def _graphics(self, body: bytes) -> None:
        fn = body[1]
        if fn == 0x70 and len(body) >= 10:  # store raster graphics: a bx by c xL xH yL yH d…
            width = body[6] | body[7] << 8
            height = body[8] | body[9] << 8
            wb = (width + 7) // 8
            self._graphic = RasterBlock(wb, height, bytes(body[10 : 10 + wb * height]))
        elif fn in (0x02, 0x32) and self._graphic is not None:  # print the stored graphic
            self._flush_line(force=False)
            self.blocks.append(self._graphic)

    def _gs_raster(self, buf: bytes, i: int) -> int | None:
        # GS v 0 m xL xH yL yH d…: x bytes per row, y rows.
        if i + 8 > len(buf):
            return None
        width_bytes = buf[i + 4] | buf[i + 5] << 8
        height = buf[i + 6] | buf[i + 7] << 8
        end = i + 8 + width_bytes * height
        if end > len(buf):
            return None
        self._flush_line(force=False)
        self.blocks.append(RasterBlock(width_bytes, height, bytes(buf[i + 8 : end])))
        return end

    def _gs_barcode(self, buf: bytes, i: int) -> int | None:
        if i + 2 >= len(buf):
            return None
        m = buf[i + 2]
        if m <= 6:  # NUL-terminated data
            end = buf.find(b"\x00", i + 3)
            return None if end < 0 else end + 1
        if i + 3 >= len(buf):
            return None
        end = i + 4 + buf[i + 3]
        return None if end > len(buf) else end

    def _fs(self, buf: bytes, i: int) -> int | None:
        cmd = buf[i + 1]
        end = self._skip_fixed(buf, i, _FS_FIXED)
        if end is not None and cmd == b"&"[0]:
            self._style.chinese = self.chinese_font
        elif end is not None and cmd == b"."[0]:
            self._style.chinese = False
        return end

    def _skip_fixed(self, buf: bytes, i: int, table: dict[int, int]) -> int | None:
        """End of a fixed-length command; an unknown one is skipped as two bytes."""
        n = table.get(buf[i + 1])
        if n is None:
            self.unknown_commands += 1
            return i + 2
        end = i + 2 + n
        return None if end > len(buf) else end

    def _dle(self, buf: bytes, i: int, queries: list[int]) -> int | None:
        cmd = buf[i + 1]
        if cmd == 0x04:  # DLE EOT n: real-time status
            if i + 2 >= len(buf):
                return None
            queries.append(buf[i + 2])
            return i + 3
        if cmd == 0x05:  # DLE ENQ n
            return None if i + 2 >= len(buf) else i + 3
        if cmd == 0x14:  # DLE DC4 fn m t
            return None if i + 4 >= len(buf) else i + 5
        return i + 1  # a lone DLE is just a control byte

    # --- text ---------------------------------------------------------------------

    def _text(self, data: bytes) -> None:
        if not self._line:
            self._line_style = _Style(**vars(self._style))
        self._line += data

    def _flush_line(self, *, force: bool) -> None:
        if not self._line and not force:
            return
        style = self._line_style or self._style
        encoding = "gb18030" if style.chinese else "cp437"
        text = bytes(self._line).decode(encoding, "replace")
        scale = max(style.width, style.height)
        self.blocks.append(TextBlock(text, scale=scale, align=style.align, bold=style.bold))
        self._line.clear()
        self._line_style = None


def _columns_to_raster(data: bytes, dots: int, rows: int) -> RasterBlock:
    """ESC * column data (rows*8 dots high, column by column) as a row-major raster."""
    height = rows * 8
    width_bytes = (dots + 7) // 8
    out = bytearray(width_bytes * height)
    for x in range(dots):
        for r in range(rows):
            byte = data[x * rows + r]
            for bit in range(8):
                if byte & (0x80 >> bit):
                    y = r * 8 + bit
                    out[y * width_bytes + x // 8] |= 0x80 >> (x % 8)
    return RasterBlock(width_bytes, height, bytes(out))


def parse_escpos(data: bytes) -> list[Block]:
    """All the blocks in a complete stream."""
    parser = EscposParser()
    parser.feed(data)
    return parser.finish()
