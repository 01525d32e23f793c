"""The base every app stands on, and which imports no app of ours: safe outbound HTTP and
address vetting (`fetch`), the network catalogue (`networks`), validators, SVG charts, days and
periods on a company's clock (`periods`), the permission decorators, and hooks (`hooks`) by
which a lower layer asks a question a higher one answers. The import-linter contract in
pyproject.toml keeps it so."""
