"""The kiosk's side of the network: the API client, the local store, sync, forms cache."""
