"""The one-stop dossier register: import and the period's figures from it."""
