"""Hand-off packages and the upper level's roll-up."""
