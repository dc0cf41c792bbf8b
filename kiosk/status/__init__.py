"""Where a dossier stands: looking it up at the central API, and saying it in plain words."""
