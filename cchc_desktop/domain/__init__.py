"""The domain model: the indicator catalogue and its formulas, report periods, one-stop dossiers, units."""
