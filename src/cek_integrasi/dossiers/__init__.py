"""Reading and validating dossiers: the model, YAML/JSON and workbook readers, synthetic dossiers."""
