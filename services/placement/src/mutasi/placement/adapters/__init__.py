"""OR-Tools solver, numpy path, XLSX in and out, Mongo repositories and metrics of the placement service."""
