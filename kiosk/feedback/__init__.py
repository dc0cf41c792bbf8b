"""Citizens' satisfaction ratings of the service: the scale and the criteria. No I/O."""
