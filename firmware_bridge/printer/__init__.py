"""The kiosk ticket printer: documents, the USB ESC/POS driver, its emulator and simulator.

Light to import: the driver, renderer and emulator (python-escpos, pyusb, Pillow) load
only when ``from_config`` builds one or when their modules are imported.
"""

from firmware_bridge.printer.config import PrinterOptions, from_config
from firmware_bridge.printer.document import Document, OneTimeNotice, Ticket

__all__ = ["Document", "OneTimeNotice", "PrinterOptions", "Ticket", "from_config"]
