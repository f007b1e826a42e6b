"""What every Kivy front end (kiosk, hall screen, display, evaluator, punch terminal) needs
before Kivy is imported: its environment and the CJK font."""
