"""The public internet access point: the public service portals in a guarded browser.

`policy` builds the browser's managed policy from the config, `session` runs one person's
browser session and wipes it, `files` offers the papers photographed at the kiosk to the
portal's upload dialog.
"""
