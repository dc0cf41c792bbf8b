"""Paper for the person to take away: the ticket layouts (no I/O), their drawing to a
picture, and the ESC/POS receipt printer that prints that picture."""
