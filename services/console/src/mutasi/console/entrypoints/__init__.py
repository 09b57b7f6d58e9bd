"""Web pages, auth routes and event subscribers of the console."""
