"""The domain: procedures, forms, agencies, dossiers, and search. No I/O."""
