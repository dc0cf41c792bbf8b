"""The kiosk and the operating system under it: systemd, the process itself. No Kivy here."""
