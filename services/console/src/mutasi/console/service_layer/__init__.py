"""Use cases of the console: turning events into notices and sending them."""
