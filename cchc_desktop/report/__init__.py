"""The report: its values, its text, validation, default texts, the upper level's roll-up."""
