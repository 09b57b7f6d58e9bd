"""Edges of the console: the services over HTTP, the identity provider, the session cookie, SMTP and WhatsApp."""
