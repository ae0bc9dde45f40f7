"""Imports: the one-stop dossier register from Excel, USB packages from communes."""
