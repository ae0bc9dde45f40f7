"""Data entry: the indicator forms, the report text, dossier tables, documents, unit info, checks, catalogue choice."""
