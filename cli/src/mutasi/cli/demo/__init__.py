"""The demo: a reproducible synthetic Kota Sawahlunto round driven through the services' HTTP APIs."""
